"""The web page made from the rendered Word report: parts, paragraphs, tables, and the sanitised page."""
