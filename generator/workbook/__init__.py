"""Writing data for people to fill in and for other systems: the fill-in workbook (.xlsx) and CSV files."""
