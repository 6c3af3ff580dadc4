"""Checking a year's data against the format's rules: findings as data, the single-year rules, the two-year
continuity rules, and narrative that quotes figures."""
