"""Auditing a region's published reports: import, rules, a database that remembers, and what the office reads."""
