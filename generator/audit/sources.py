"""Which files an audit reads: report files given as files, folders (searched recursively) or glob patterns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from generator.audit.record import FILE_TYPES
from generator.bulk.batch import expand_inputs

REPORT_FILES = "报告文件（PDF、Word、网页、文字，或本工具的 .xlsx/.csv）"


def find_reports(inputs: Iterable[str], exclude: Sequence[Path] = ()) -> list[Path]:
    """Files as given; folders searched for every type the audit reads (and the old formats it names as
    unreadable); glob patterns expanded. Hidden and lock files and the audit's own output folder are left out;
    paths stay as the user spelt them, so the outputs name them so."""
    return expand_inputs(inputs, FILE_TYPES, REPORT_FILES, exclude, as_given=True)
