"""Errors meaning "cannot run": unreadable input, broken template, unwritable output.

Findings about the figures are not exceptions; they are data (see findings.py).
Every message is Chinese and names the file (and sheet, cell, line or key) at fault.
"""

from __future__ import annotations


class GenerateReportError(Exception):
    """Base class: the command line prints the message on one line and exits 3."""


class InputError(GenerateReportError):
    """The data file cannot be read at all (missing, not a workbook, missing sheet, unknown key)."""


class TemplateError(GenerateReportError):
    """A template is missing, has a syntax error, uses an unknown name or tries to escape the sandbox."""


class OutputError(GenerateReportError):
    """A report cannot be written to the chosen folder."""


class InvalidDataError(GenerateReportError):
    """The data fails validation and rendering was not forced: the report is not produced (exit 1, not 3)."""

    def __init__(self, report: object) -> None:
        self.report = report
        super().__init__(
            "数据未通过校验，未生成报告：请先改正错误（或用 --force 强制生成，报告首行将注明未通过校验）。"
        )
