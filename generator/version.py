"""The version of generate-report, written once (pyproject reads it from here)."""

__version__ = "0.2.0"

PROG = "generate-report"
VERSION_MESSAGE = "%(prog)s，版本 %(version)s"  # what `generate-report --version` prints
