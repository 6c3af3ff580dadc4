"""generate-report: 政府信息公开工作年度报告 from a year's figures — load, validate, render."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.exceptions import GenerateReportError, InputError, OutputError, TemplateError
from generator.findings import Finding, ValidationReport
from generator.model import ReportData
from generator.readers import load
from generator.render import FORMATS, render
from generator.rules import validate

if TYPE_CHECKING:
    from generator.compare import YearDiff


def diff(old: ReportData, new: ReportData, include_unchanged: bool = False) -> YearDiff:
    """Compare two years of the same body: figures, narrative, continuity (see generator.compare)."""
    from generator.compare import diff as compare_years

    return compare_years(old, new, include_unchanged=include_unchanged)


__version__ = "0.1.0"

__all__ = [
    "FORMATS",
    "Finding",
    "GenerateReportError",
    "InputError",
    "OutputError",
    "ReportData",
    "TemplateError",
    "ValidationReport",
    "diff",
    "load",
    "render",
    "validate",
]
