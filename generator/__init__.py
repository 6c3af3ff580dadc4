"""generate-report: 政府信息公开工作年度报告 from a year's figures — and checks of published ones.

The library API: every operation the command line offers, as a plain function. Data flows one way:

    readers / importers  ->  format.model.ReportData  ->  checks (findings)  ->  render (Word, HTML, PDF)

    >>> import generator
    >>> data = generator.load("data.xlsx")
    >>> report = generator.validate(data)
    >>> outputs = generator.render(data, report)        # {"docx": bytes, "html": bytes}
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Imported first so that the name generator.audit stays the function below: the first import of a subpackage
# sets it as an attribute of its parent.
from generator import audit as _audit_package  # noqa: F401
from generator.checks.findings import Finding, ValidationReport
from generator.checks.rules import validate
from generator.exceptions import (
    GenerateReportError,
    InputError,
    InvalidDataError,
    OutputError,
    TemplateError,
    pip_install,
)
from generator.format import schema
from generator.format.model import ReportData
from generator.jinja.names import TemplateProblem
from generator.jinja.scaffold import new_template
from generator.jinja.sets import find_template_set, shipped_boilerplate
from generator.readers import load
from generator.render import FORMATS, render
from generator.render.set_check import check_template_set
from generator.workbook.writer import new_workbook

if TYPE_CHECKING:
    import pandas

    from generator.audit.run import Event
    from generator.audit.session import AuditResult
    from generator.bulk.batch import BatchInterrupted, BatchResult
    from generator.compare.model import YearDiff
    from generator.importers.base import Evidence, ImportResult, LeftOut

# What one report needs (load, validate, render) is imported above. The subsystems below are loaded when first
# used — by their function here, or by their type's name through __getattr__ — so that `generate-report
# data.xlsx` does not wait for the importers, the comparison, the batch or the audit and its database.
LAZY_TYPES = {
    "AuditResult": "generator.audit.session",
    "BatchInterrupted": "generator.bulk.batch",
    "BatchResult": "generator.bulk.batch",
    "Evidence": "generator.importers.base",
    "ImportResult": "generator.importers.base",
    "LeftOut": "generator.importers.base",
    "YearDiff": "generator.compare.model",
}


def __getattr__(name: str) -> Any:
    if name in LAZY_TYPES:
        return getattr(importlib.import_module(LAZY_TYPES[name]), name)
    raise AttributeError(f"module 'generator' has no attribute {name!r}")


__version__ = "0.2.0"


def diff(old: ReportData, new: ReportData, include_unchanged: bool = False) -> YearDiff:
    """Compare two years of one body: every figure's change, the narrative's changes, the continuity warnings."""
    from generator.compare.model import diff as compare_years

    return compare_years(old, new, include_unchanged=include_unchanged)


def import_report(path: str | Path) -> ImportResult:
    """Read a published report (.txt, .md, .html, .docx, a text-based .pdf) into the long format, each figure with
    its evidence (`ImportResult.evidence`: key -> `Evidence`, what the cell printed and where) and each row left
    out with its own text (`ImportResult.left_out`); a preface that one of the shipped template sets prints by
    itself is not kept, since generating the report prints it again."""
    from generator.importers.report import import_report as read_published_report

    return read_published_report(path, shipped_boilerplate())


def check_template(template: str | Path) -> list[TemplateProblem]:
    """Every problem of a template set (by name or folder): blocking ones stop rendering, the others are advice."""
    return check_template_set(find_template_set(template))


def aggregate(
    inputs: Sequence[Path], out: Path, body: str, year: int | None = None, overwrite: bool = False
) -> tuple[list[str], list[tuple[str, str, bool]], ValidationReport]:
    """Sum the valid bodies into the workbook `out`: (the files included, those excluded with the reason and
    whether it is a problem, the total's own validation). A total someone edited since it was written is
    replaced only with `overwrite`."""
    from generator.bulk.aggregate import aggregate_files

    return aggregate_files(inputs, out, body, year, overwrite)


def batch(
    inputs: Iterable[str],
    outdir: Path,
    formats: Sequence[str] = ("docx", "html"),
    template: str | None = None,
    force: bool = False,
    jobs: int | None = None,
    on_result: Callable[[BatchResult, int, int], None] | None = None,
    overwrite: bool = False,
    on_wait: Callable[[], None] | None = None,
) -> tuple[list[BatchResult], list[Path]]:
    """A report for each input (files, folders, glob patterns) in `jobs` processes, then the summary files:
    (every input's result, the summary files written).

    `on_result(result, done, total)` is called as each input finishes; one failing input never stops the rest.
    An output changed since this tool wrote it stops the batch before it starts (OutputError) unless `overwrite`;
    a second batch into the same folder waits for the first (`on_wait` is called when it has to). Ctrl-C raises
    BatchInterrupted, carrying the results so far and their summary.
    """
    from generator.bulk.batch import BatchSettings, batch_into_folder, expand_inputs, plan_jobs

    settings = BatchSettings(outdir, tuple(formats), template, force, overwrite)
    return batch_into_folder(plan_jobs(expand_inputs(inputs, as_given=True)), settings, jobs, on_result, on_wait)


def audit(
    sources: Iterable[str],
    outdir: Path | None,
    urls: Sequence[str] = (),
    database: Path | None = None,
    jobs: int | None = None,
    office: str = "",
    notice_template: Path | None = None,
    timeout: float = 20.0,
    retries: int = 2,
    on_event: Callable[[Event, int, int], None] | None = None,
    overwrite: bool = False,
) -> AuditResult:
    """Audit a region's published reports: files, folders or patterns in `sources` (PDF, Word, web pages, text,
    this tool's .xlsx/.csv) and web addresses in `urls` (fetched politely into a cache).

    Each report is imported with its evidence, its body and year found from its title and signature, and checked by
    every single-year rule and, against the same body's previous year wherever the database (`database`, default
    OUTDIR/审查.sqlite) knows it, by the continuity rules. With `outdir`, 审查报告.html, 审查结果.xlsx and
    审查通报.docx (from `notice_template`, default templates/notice) are written there. `on_event(event, done,
    total)` follows each report; one that cannot be fetched or read never stops the rest. An output someone changed
    since this tool wrote it stops the audit before it starts (OutputError) unless `overwrite`.
    Returns the run's counts (`AuditResult.totals`) and its place in the database (`AuditResult.run`).
    """
    from generator.audit.session import AuditSettings, run_audit

    settings = AuditSettings(
        outdir=outdir,
        database=database,
        jobs=jobs,
        office=office,
        notice_template=notice_template,
        timeout=timeout,
        retries=retries,
        tool_version=__version__,
        overwrite=overwrite,
    )
    return run_audit(list(sources), list(urls), settings, on_event)


def figures_frame(reports: ReportData | Iterable[ReportData]) -> pandas.DataFrame:
    """The figures of one or more reports as a pandas DataFrame for analysts, one row a figure: source, body, year,
    key, label, value (an int, or a Decimal for 万元; None where the figure is blank or did not parse).

    pandas comes with the `analysis` extra (pip install "generate-report[analysis]") and is imported only here.
    """
    try:
        import pandas
    except ImportError as err:
        command = pip_install('"generate-report[analysis]"')
        raise GenerateReportError(f"需要 pandas：请安装 {command}。") from err
    rows = [
        (data.source, data.body, data.year, key, figure.label, data.figures.get(key))
        for data in ([reports] if isinstance(reports, ReportData) else reports)
        for key, figure in schema.figures().items()
    ]
    return pandas.DataFrame(rows, columns=["source", "body", "year", "key", "label", "value"])


__all__ = [
    "FORMATS",
    "AuditResult",
    "BatchInterrupted",
    "BatchResult",
    "Evidence",
    "Finding",
    "GenerateReportError",
    "ImportResult",
    "InputError",
    "InvalidDataError",
    "LeftOut",
    "OutputError",
    "ReportData",
    "TemplateError",
    "TemplateProblem",
    "ValidationReport",
    "YearDiff",
    "aggregate",
    "audit",
    "batch",
    "check_template",
    "diff",
    "figures_frame",
    "import_report",
    "load",
    "new_template",
    "new_workbook",
    "render",
    "validate",
]
