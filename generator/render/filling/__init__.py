"""Filling the Word template: the context templates see, the compiled docxtpl template, the zip written."""
