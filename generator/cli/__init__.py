"""The generate-report command line: click commands, each a few lines over the library API."""
