"""Checking a template set before it runs: syntax, names, safety, what the page cannot carry."""
