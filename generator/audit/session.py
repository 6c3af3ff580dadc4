"""An audit from start to end: the files and web addresses in, the database updated, the three outputs written
(审查报告.html, 审查结果.xlsx, 审查通报.docx), and every report's result for scripts."""

from __future__ import annotations

import atexit
import contextlib
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.audit.fetch import Fetcher
from generator.audit.notice import notice_context, notice_template, render_notice
from generator.audit.page import render_page, totals
from generator.audit.results import results_workbook
from generator.audit.run import (
    Event,
    Outcome,
    Progress,
    compare_years,
    fetch_units,
    file_sources,
    read_into,
)
from generator.audit.sources import REPORT_FILES, find_reports
from generator.audit.store import DamagedDatabase, Store
from generator.exceptions import InputError
from generator.render.docx import compile_docx, document_environment
from generator.render.output import Content, OutputFolder

DATABASE_NAME = "审查.sqlite"
CACHE_NAME = "网页缓存"
PAGE_NAME, RESULTS_NAME, NOTICE_NAME = "审查报告.html", "审查结果.xlsx", "审查通报.docx"
OUTPUT_NAMES = (PAGE_NAME, RESULTS_NAME, NOTICE_NAME)


@dataclass(frozen=True)
class AuditSettings:
    """Where things go and how: `outdir` for the three outputs (None: none written), `database` (default
    OUTDIR/审查.sqlite), the fetcher's cache (default OUTDIR/网页缓存), timeout, retries and interval per host."""

    outdir: Path | None = None
    database: Path | None = None
    jobs: int | None = None
    office: str = ""
    notice_template: Path | None = None
    cache: Path | None = None
    timeout: float = 20.0
    retries: int = 2
    interval: float = 1.0
    tool_version: str = ""
    overwrite: bool = False  # replace outputs someone changed since this tool wrote them

    def database_path(self) -> Path:
        if self.database is not None:
            return self.database
        if self.outdir is None:
            raise InputError("请用 -o 指定输出文件夹，或用 --db 指定审查数据库。")
        return self.outdir / DATABASE_NAME

    def cache_path(self) -> Path:
        return self.cache or (self.outdir or self.database_path().parent) / CACHE_NAME


@dataclass
class AuditResult:
    """A finished audit: its run in the database, the counts, the files written, the sources that left no report."""

    run: int
    database: Path
    totals: dict[str, int]
    outcome: Outcome
    outputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the database: damaged, or rows set aside
    scratch: bool = False  # the database was damaged: this run's was a scratch one, gone when the program ends

    @property
    def readable(self) -> int:
        return self.totals["passed"] + self.totals["failed"]

    @property
    def passed(self) -> bool:
        return self.totals["checked"] == self.totals["passed"]


def run_audit(
    inputs: Sequence[str], urls: Sequence[str], settings: AuditSettings, progress: Progress | None = None
) -> AuditResult:
    """Audit every report in `inputs` (files, folders, patterns) and at `urls`; one that fails never stops the rest."""
    report = progress or (lambda event, done, total: None)
    for item in inputs:  # a mistyped folder or file stops the audit before anything is written
        if not any(ch in item for ch in "*?[") and not Path(item).exists():
            raise InputError(f"找不到“{item}”：请检查文件夹或文件的名称。")
    exclude = [settings.outdir] if settings.outdir is not None else []
    paths = find_reports(inputs, exclude) if inputs else []
    if not paths and not urls:
        raise InputError(f"没有找到任何{REPORT_FILES}。")
    with contextlib.ExitStack() as held:
        folder, template = None, None
        if settings.outdir is not None:
            template = notice_template(settings.notice_template)
            compile_docx(template, document_environment())  # a broken notice template stops the audit at once
            folder = held.enter_context(OutputFolder(settings.outdir, settings.overwrite))
            folder.check(OUTPUT_NAMES)  # so does an output someone changed since this tool wrote it
        database = settings.database_path()
        warnings: list[str] = []
        try:
            opened = Store(database, settings.tool_version)
        except DamagedDatabase as err:  # the outputs are still worth having: the run goes on in a scratch database
            warnings.append(
                f"{err}；本次审查的结果没有存入该数据库，只写出审查报告等文件。请换一个 --db 文件，或删除它后重新审查。"
            )
            database = _scratch_database()
            opened = Store(database, settings.tool_version)
        with opened as store:
            if tampered := store.set_aside_tampered():
                warnings.append(tampered)
            run = store.begin_run()
            outcome = Outcome(run)
            fetched = []
            if urls:
                fetcher = Fetcher(settings.cache_path(), settings.timeout, settings.retries, settings.interval)
                fetched = fetch_units(fetcher, urls, outcome, report)
            read_into(store, [*file_sources(paths), *fetched], run, outcome, report, settings.jobs)
            compare_years(store, run, settings.jobs)
            result = AuditResult(run, database, totals(store, run, outcome), outcome, warnings=warnings)
            result.scratch = database != settings.database_path()
            if folder is not None and template is not None:
                notice = render_notice(template, notice_context(store, run, result.totals, settings.office))
                outputs: dict[str, Content] = {
                    PAGE_NAME: render_page(store, run, outcome, database),  # in pieces, one body at a time
                    RESULTS_NAME: results_workbook(store, run, outcome),
                    NOTICE_NAME: notice,
                }
                result.outputs = folder.write(outputs, check=False)
    return result


def _scratch_database() -> Path:
    """A database for this run only, removed when the program ends (the outputs and JSON are read from it)."""
    folder = Path(tempfile.mkdtemp(prefix="generate-report-audit-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder / DATABASE_NAME


def report_entries(result: AuditResult) -> Iterator[dict[str, Any]]:
    """Every report of the run as scripts read it (`audit --format json`), one at a time from the database."""
    with Store(result.database, "") as store:
        for report in store.reports(result.run):
            yield {
                "source": report.source,
                "body": report.body,
                "year": report.year,
                "figures_found": report.figures_found,
                "unread": store.unread_count(report.id),
                "status": report.status,
                "message": report.message,
                "findings": list(store.located_findings(report.id)),
            }
    for event in result.outcome.failures:
        yield _failure_entry(event)


def _failure_entry(event: Event) -> dict[str, Any]:
    return {
        "source": event.source,
        "body": "",
        "year": None,
        "figures_found": 0,
        "unread": 0,
        "status": event.status,
        "message": event.message,
        "findings": [],
    }
