"""Two years of one body compared: the comparison as data, the narrative diff, its output formats, the Word redline."""
