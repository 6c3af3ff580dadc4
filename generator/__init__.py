"""generate-report: 政府信息公开工作年度报告 from a year's figures — load, validate, render."""

from __future__ import annotations

from generator.exceptions import GenerateReportError, InputError, OutputError, TemplateError
from generator.findings import Finding, ValidationReport
from generator.model import ReportData
from generator.readers import load
from generator.render import FORMATS, render
from generator.rules import validate

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
    "load",
    "render",
    "validate",
]
