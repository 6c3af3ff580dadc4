"""审查报告.html: how many reports were checked and passed, problems by rule, bodies × problems, a section per
body with the page's own evidence and its key figures against its peers, and the years in the database.

Past `page_bodies` bodies the page is an index (counts, charts, the reports with most errors, every report linked)
and each body's section is a page of its own in 审查报告-各单位/, so the first page stays small at a region's scale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import FileSystemLoader

from generator.audit.charts import bar_chart, year_chart
from generator.audit.rates import rate_table
from generator.audit.regions import RegionRow
from generator.audit.review import STATE_NAMES, corrections, review_counts, stale_verdicts
from generator.audit.run import Outcome
from generator.audit.stats import KEY_FIGURES, counts_by_report, rule_counts, years
from generator.audit.store import IN_RUN, Store
from generator.audit.views import STATUS_TEXT, body_views, grouped, number_text
from generator.checks.findings import rule_title
from generator.format import schema
from generator.jinja.environment import make_environment
from generator.jinja.sets import builtin_templates_dir

PAGE_TEMPLATE = "audit.html.j2"
BODY_TEMPLATE = "audit_body_page.html.j2"
BODY_FOLDER = "审查报告-各单位"
PAGE_BODIES = 200  # past this many bodies, a page per body
WORST = 20  # the reports with most errors the index lists first


def totals(store: Store, run: int, outcome: Outcome) -> dict[str, int]:
    row = store.db.execute(
        "SELECT count(*) AS reports, sum(status = 'passed') AS passed, sum(status = 'failed') AS failed, "
        "sum(status = 'unreadable') AS unreadable, sum(errors) AS errors, sum(warnings) AS warnings "
        f"FROM reports WHERE {IN_RUN}",
        (run,),
    ).fetchone()
    counts = {name: int(row[name] or 0) for name in row.keys()}  # noqa: SIM118 - an sqlite3.Row
    counts["unopened"] = sum(1 for event in outcome.failures if event.status != "unfetched")
    counts["unfetched"] = sum(1 for event in outcome.failures if event.status == "unfetched")
    counts["duplicates"] = len(outcome.duplicates)
    counts["checked"] = counts["reports"] + counts["unopened"] + counts["unfetched"]
    return counts


def page_context(
    store: Store, run: int, outcome: Outcome, database: str, regions: Sequence[RegionRow] = ()
) -> dict[str, object]:
    rules = rule_counts(store, run)
    codes = [rule.code for rule in rules]
    by_report = counts_by_report(store, run)
    held = years(store)
    return {
        "title": "政府信息公开工作年度报告审查结果",
        "date": dt.date.today(),
        "database": database,
        "totals": totals(store, run, outcome),
        "rules": [(rule, rule_title(rule.code)) for rule in rules],
        "rule_chart": bar_chart([(f"{r.code} {rule_title(r.code)}", r.findings, f"{r.findings} 处") for r in rules]),
        "codes": codes,
        "by_report": by_report,
        "matrix": grouped(store, run),
        "bodies": body_views(store, run),
        "unreadable": [r for r in store.reports(run) if r.status == "unreadable"],
        "failures": outcome.failures,
        "duplicates": outcome.duplicates,
        "years": held,
        "year_chart": year_chart([(y.year, y.reports, y.failed) for y in held]),
        "key_figures": [(key, schema.figures()[key].label) for key in KEY_FIGURES],
        "status_text": STATUS_TEXT,
        "number": number_text,
        "rule_title": rule_title,
        "review": review_counts(store, run),
        "states": [(name, text) for text, name in STATE_NAMES.items()],
        "corrections": [c for _, reports in grouped(store, run) for r in reports for c in corrections(store, r)],
        "stale": list(stale_verdicts(store, run)),
        "regions": regions,
        "rates": rate_table(store, run),
        "body_pages": "",  # one page; _split_context names the bodies' folder
    }


def _split_context(store: Store, run: int) -> dict[str, object]:
    """The index's lists: the reports with most errors, those with problems, those without, each by its body's page."""
    anchors = {report.id: anchor for anchor, reports in grouped(store, run) for report in reports}
    reports = [report for report in store.reports(run) if report.id in anchors]
    worst = sorted((r for r in reports if r.errors), key=lambda r: (-r.errors, -r.warnings, r.body_key))[:WORST]
    first = {}
    for report in worst:
        row = store.db.execute(
            "SELECT message FROM findings f WHERE report_id = ? AND severity = 'error' AND NOT EXISTS (SELECT 1 FROM "
            "finding_states s WHERE s.report_id = f.report_id AND s.seq = f.seq AND s.verdict = 'false_alarm') "
            "ORDER BY seq LIMIT 1",
            (report.id,),
        ).fetchone()
        first[report.id] = row["message"] if row else ""
    states: dict[int, list[str]] = {}
    for row in store.db.execute(
        "SELECT DISTINCT f.report_id, coalesce(s.verdict, 'unreviewed') AS state FROM findings f "
        "LEFT JOIN finding_states s ON s.report_id = f.report_id AND s.seq = f.seq "
        "WHERE f.report_id IN (SELECT report_id FROM run_reports WHERE run = ?) ORDER BY 1, 2",
        (run,),
    ):
        states.setdefault(row["report_id"], []).append(row["state"])
    return {
        "body_pages": BODY_FOLDER,
        "report_states": states,  # each report's findings' review states: the index's filter
        "body_count": len(set(anchors.values())),
        "worst": [(anchors[r.id], r, first[r.id]) for r in worst],
        "listed": [(anchors[r.id], r) for r in reports if r.errors or r.warnings],
        "clean": [(anchors[r.id], r) for r in reports if not (r.errors or r.warnings)],
        "body_href": lambda anchor: f"{quote(BODY_FOLDER)}/{anchor}.html",
    }


def render_page(
    store: Store,
    run: int,
    outcome: Outcome,
    database: Path,
    name: str,
    page_bodies: int = PAGE_BODIES,
    regions: Sequence[RegionRow] = (),
) -> dict[str, Iterable[bytes]]:
    """The page `name` in pieces, one body's section at a time read from the database (never the whole page in
    memory); past `page_bodies` bodies, the index and a page per body (name -> pieces, written in this order)."""
    env = make_environment(FileSystemLoader(str(builtin_templates_dir() / "default")))
    context = page_context(store, run, outcome, database.name, regions)
    anchors = [anchor for anchor, _ in grouped(store, run)]
    if len(anchors) <= page_bodies:
        return {name: _pieces(env.get_template(PAGE_TEMPLATE).generate(context))}
    context |= _split_context(store, run)
    pages: dict[str, Iterable[bytes]] = {name: _pieces(env.get_template(PAGE_TEMPLATE).generate(context))}
    views = body_views(store, run)
    template = env.get_template(BODY_TEMPLATE)
    for anchor in anchors:
        pages[f"{BODY_FOLDER}/{anchor}.html"] = _body_page(template, context, views, anchor, name)
    return pages


def _pieces(pieces: Iterable[str]) -> Iterator[bytes]:
    for piece in pieces:
        yield piece.encode("utf-8")


def _body_page(
    template: Any, context: dict[str, object], views: Iterator[Any], anchor: str, index: str
) -> Iterator[bytes]:
    """One body's page, rendered when it is written: the bodies are read from the database in the same order."""
    body = next(views)
    assert body.anchor == anchor, (body.anchor, anchor)
    yield template.render({**context, "body": body, "index_name": index}).encode("utf-8")  # small: one piece
