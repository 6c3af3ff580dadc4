"""Auditing a region's published reports: import, rules, a database that remembers, and what the office reads.

`audit` is also the library's function of this name (generator.audit(...) calls it); its modules load when it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.audit.run import Event
    from generator.audit.session import AuditResult


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
    review: Path | None = None,
    page_bodies: int | None = None,
    regions: Path | None = None,
) -> AuditResult:
    """Audit a region's published reports: files, folders or patterns in `sources` (PDF, Word, web pages, text,
    this tool's .xlsx/.csv) and web addresses in `urls` (fetched politely into a cache).

    Each report is imported with its evidence, its body and year found from its title and signature, and checked by
    every single-year rule and, against the same body's previous year wherever the database (`database`, default
    OUTDIR/审查.sqlite) knows it, by the continuity rules. With `outdir`, 审查报告.html, 审查结果.xlsx and
    审查通报.docx (from `notice_template`, default templates/notice) are written there. `on_event(event, done,
    total)` follows each report; one that cannot be fetched or read never stops the rest. An output someone changed
    since this tool wrote it stops the audit before it starts (OutputError) unless `overwrite`.
    `review`: a 审查结果.xlsx whose 核实结论, 核实说明 and 更正值 a reviewer filled in, recorded in the database
    first (InputError naming the cell of one that cannot be taken); the database remembers them on later runs.
    `regions`: the office's 地区.csv or .xlsx (columns 单位名称, 地区) grouping bodies by region; without it, or for a
    body it does not list, the region is the one the body's name begins with (InputError naming the row of a bad one).
    Past `page_bodies` bodies (default 200) 审查报告.html is an index, with a page per body in 审查报告-各单位/.
    Returns the run's counts (`AuditResult.totals`) and its place in the database (`AuditResult.run`).
    """
    from generator.audit.session import AuditSettings, run_audit
    from generator.version import __version__ as version

    settings = AuditSettings(
        outdir=outdir,
        database=database,
        jobs=jobs,
        office=office,
        notice_template=notice_template,
        timeout=timeout,
        retries=retries,
        tool_version=version,
        overwrite=overwrite,
        review=review,
        regions=regions,
    )
    if page_bodies is not None:
        settings = replace(settings, page_bodies=page_bodies)
    return run_audit(list(sources), list(urls), settings, on_event)
