"""Importing a published report — pasted or extracted text, an .html page, a .docx or a text-based PDF — into
the long format, each figure with its evidence (what its cell printed, and where).

Every importer turns its file into lines (a table row: cells joined by tabs, each cell with its place);
text.parse_lines finds the six sections and the three tables. Nothing is invented: a blank cell stays blank,
a figure not found is listed, a row whose cells cannot be told apart is left out with its own text.
"""
