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
from generator.audit.forms import same_report_once
from generator.audit.notice import notice_context, notice_template, render_notice
from generator.audit.page import BODY_FOLDER, PAGE_BODIES, render_page, totals
from generator.audit.rates import RATES, report_rates
from generator.audit.regions import Regions, read_regions, region_rollup
from generator.audit.results import results_workbook
from generator.audit.review import read_review, record_review, settle, stale_verdicts
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
from generator.render.filling.docx import compile_docx, document_environment
from generator.render.writing.output import Content, OutputFolder

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
    review: Path | None = None  # a 审查结果.xlsx whose 核实结论, 核实说明 and 更正值 are recorded first
    page_bodies: int = PAGE_BODIES  # past this many bodies, 审查报告.html is an index with a page per body
    regions: Path | None = None  # the office's mapping of bodies to regions (单位名称, 地区): else from the names

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
    reviewed: int = 0  # verdicts recorded from --review (new or changed ones)
    stale: int = 0  # verdicts on reports whose content has changed since: they no longer apply
    regions: list[dict[str, object]] = field(default_factory=list)  # each region's roll-up (RegionRow)

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
    reviews = read_review(settings.review) if settings.review is not None else []  # a bad one stops it too
    regions = Regions(read_regions(settings.regions) if settings.regions is not None else None)
    with contextlib.ExitStack() as held:
        folder, template = None, None
        if settings.outdir is not None:
            template = notice_template(settings.notice_template)
            compile_docx(template, document_environment())  # a broken notice template stops the audit at once
            folder = held.enter_context(OutputFolder(settings.outdir, settings.overwrite))
            # So does an output someone changed since this tool wrote it: not the workbook the reviewers filled
            # in, which is read first and written again with their verdicts.
            folder.check(name for name in OUTPUT_NAMES if not _is_review(settings, name))
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
            reviewed = record_review(store, settings.review, reviews) if settings.review is not None else 0
            run = store.begin_run()
            outcome = Outcome(run)
            fetched = []
            if urls:
                fetcher = Fetcher(settings.cache_path(), settings.timeout, settings.retries, settings.interval)
                fetched = fetch_units(fetcher, urls, outcome, report)
            read_into(store, [*file_sources(paths), *fetched], run, outcome, report, settings.jobs)
            same_report_once(store, run, outcome)
            compare_years(store, run, settings.jobs)
            settle(store, run)
            result = AuditResult(
                run, database, totals(store, run, outcome), outcome, warnings=warnings, reviewed=reviewed
            )
            result.scratch = database != settings.database_path()
            result.stale = sum(1 for _ in stale_verdicts(store, run))
            rollup = region_rollup(store, run, regions)
            result.regions = [region.to_dict() for region in rollup]
            if folder is not None and template is not None:
                notice = render_notice(template, notice_context(store, run, result.totals, settings.office))
                outputs: dict[str, Content] = {
                    RESULTS_NAME: results_workbook(store, run, outcome, rollup),
                    NOTICE_NAME: notice,
                }
                # In pieces, one body at a time; past page_bodies bodies, an index and a page per body.
                pages = render_page(store, run, outcome, database, PAGE_NAME, settings.page_bodies, rollup)
                if len(pages) > 1:
                    (folder.folder / BODY_FOLDER).mkdir(exist_ok=True)
                old_pages = _body_pages(folder.folder) - set(pages)
                written = folder.write({**pages, **outputs}, check=False)
                folder.remove_unchanged(old_pages)  # a body no longer audited keeps no page of an earlier run
                # The outputs as the summary names them: the three files, and the bodies' folder when there is one.
                result.outputs = [path for path in written if path.parent == folder.folder]
                if len(pages) > 1:
                    result.outputs.append(folder.folder / BODY_FOLDER)
    return result


def _scratch_database() -> Path:
    """A database for this run only, removed when the program ends (the outputs and JSON are read from it)."""
    folder = Path(tempfile.mkdtemp(prefix="generate-report-audit-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder / DATABASE_NAME


def _body_pages(outdir: Path) -> set[str]:
    """The bodies' pages an earlier run wrote."""
    folder = outdir / BODY_FOLDER
    return {f"{BODY_FOLDER}/{path.name}" for path in folder.glob("*.html")} if folder.is_dir() else set()


def _is_review(settings: AuditSettings, name: str) -> bool:
    if settings.review is None or settings.outdir is None:
        return False
    return (settings.outdir / name).resolve() == settings.review.resolve()


def report_entries(result: AuditResult) -> Iterator[dict[str, Any]]:
    """Every report of the run as scripts read it (`audit --format json`), one at a time from the database."""
    with Store(result.database, "") as store:
        for report in store.reports(result.run):
            dismissed = {
                row[0]
                for row in store.db.execute(
                    "SELECT seq FROM finding_states WHERE report_id = ? AND verdict = 'false_alarm'", (report.id,)
                )
            }
            found = [f for seq, f in enumerate(store.located_findings(report.id), 1) if seq not in dismissed]
            yield {
                "source": report.source,
                "body": report.body,
                "year": report.year,
                "figures_found": report.figures_found,
                "unread": store.unread_count(report.id),
                "status": report.status,
                "message": report.message,
                "findings": found,  # a finding a reviewer judged 误报 is no longer one
                "false_alarms": len(dismissed),
                "rates": report_rates(store, report.id),  # each share a reviewer compares; null: 不适用
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
        "false_alarms": 0,
        "rates": dict.fromkeys(rate.name for rate in RATES),
    }
