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
import sys
import types
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.version import __version__ as __version__

if TYPE_CHECKING:
    import pandas

    from generator.bulk.batch import BatchResult
    from generator.checks.findings import ValidationReport
    from generator.compare.model import YearDiff
    from generator.format.model import ReportData
    from generator.importers.base import ImportResult
    from generator.jinja.names import TemplateProblem

# Nothing is imported until used, so that `import generator.format.schema` loads only format/ and one report loads
# only its pipeline: each name of the API below is loaded from its module when first asked for.
LAZY_NAMES = {
    "load": "generator.readers",
    "validate": "generator.checks.rules",
    "new_template": "generator.jinja.scaffold",
    "new_workbook": "generator.workbook.writer",
    "FORMATS": "generator.render",
    "Finding": "generator.checks.findings",
    "ValidationReport": "generator.checks.findings",
    "ReportData": "generator.format.model",
    "TemplateProblem": "generator.jinja.names",
    **{name: "generator.exceptions" for name in ("GenerateReportError", "InputError", "InvalidDataError")},
    **{name: "generator.exceptions" for name in ("OutputError", "TemplateError")},
}
LAZY_TYPES = {  # the subsystems' types: loaded with their subsystem only
    "AuditResult": "generator.audit.session",
    "BatchInterrupted": "generator.bulk.batch",
    "BatchResult": "generator.bulk.batch",
    "Evidence": "generator.importers.base",
    "ImportResult": "generator.importers.base",
    "LeftOut": "generator.importers.base",
    "YearDiff": "generator.compare.model",
}
# Subpackages that are also the API function they are named after: generator.render(data, report) calls
# generator.render.render, generator.audit(...) calls generator.audit.audit, while `import generator.render.page.html`
# imports a module as in any package.
CALLABLE_PACKAGES = frozenset({"render", "audit"})


class _CallablePackage(types.ModuleType):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(self, self.__name__.rpartition(".")[2])(*args, **kwargs)


class _Root(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        # The import system attaches each subpackage to its parent here, whichever import came first.
        if name in CALLABLE_PACKAGES and isinstance(value, types.ModuleType):
            value.__class__ = _CallablePackage
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Root


def __getattr__(name: str) -> Any:
    if name in CALLABLE_PACKAGES:
        return importlib.import_module(f"{__name__}.{name}")
    module = LAZY_NAMES.get(name) or LAZY_TYPES.get(name)
    if module:
        return getattr(importlib.import_module(module), name)
    raise AttributeError(f"module 'generator' has no attribute {name!r}")


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
    from generator.jinja.sets import shipped_boilerplate

    return read_published_report(path, shipped_boilerplate())


def check_template(template: str | Path) -> list[TemplateProblem]:
    """Every problem of a template set (by name or folder): blocking ones stop rendering, the others are advice."""
    from generator.jinja.sets import find_template_set
    from generator.render.template_checks.set_check import check_template_set

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


def figures_frame(reports: ReportData | Iterable[ReportData]) -> pandas.DataFrame:
    """The figures of one or more reports as a pandas DataFrame for analysts, one row a figure: source, body, year,
    key, label, value (an int, or a Decimal for 万元; None where the figure is blank or did not parse).

    pandas comes with the `analysis` extra (pip install "generate-report[analysis]") and is imported only here.
    """
    from generator.exceptions import GenerateReportError, pip_install
    from generator.format import schema
    from generator.format.model import ReportData

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
