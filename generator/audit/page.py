"""审查报告.html: how many reports were checked and passed, problems by rule, bodies × problems, a section per
body with the page's own evidence and its key figures against its peers, and the years in the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from jinja2 import FileSystemLoader

from generator.audit.charts import bar_chart, year_chart
from generator.audit.review import STATE_NAMES, corrections, review_counts, stale_verdicts
from generator.audit.run import Outcome
from generator.audit.stats import KEY_FIGURES, counts_by_report, rule_counts, years
from generator.audit.store import Store
from generator.audit.views import STATUS_TEXT, body_views, grouped, number_text
from generator.checks.findings import rule_title
from generator.format import schema
from generator.jinja.environment import make_environment
from generator.jinja.sets import builtin_templates_dir

PAGE_TEMPLATE = "audit.html.j2"


def totals(store: Store, run: int, outcome: Outcome) -> dict[str, int]:
    row = store.db.execute(
        "SELECT count(*) AS reports, sum(status = 'passed') AS passed, sum(status = 'failed') AS failed, "
        "sum(status = 'unreadable') AS unreadable, sum(errors) AS errors, sum(warnings) AS warnings "
        "FROM reports WHERE seen = ?",
        (run,),
    ).fetchone()
    counts = {name: int(row[name] or 0) for name in row.keys()}  # noqa: SIM118 - an sqlite3.Row
    counts["unopened"] = sum(1 for event in outcome.failures if event.status != "unfetched")
    counts["unfetched"] = sum(1 for event in outcome.failures if event.status == "unfetched")
    counts["duplicates"] = len(outcome.duplicates)
    counts["checked"] = counts["reports"] + counts["unopened"] + counts["unfetched"]
    return counts


def page_context(store: Store, run: int, outcome: Outcome, database: str) -> dict[str, object]:
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
    }


def render_page(store: Store, run: int, outcome: Outcome, database: Path) -> Iterator[bytes]:
    """The page in pieces, one body's section at a time read from the database: never the whole page in memory."""
    env = make_environment(FileSystemLoader(str(builtin_templates_dir() / "default")))
    template = env.get_template(PAGE_TEMPLATE)
    for piece in template.generate(page_context(store, run, outcome, database.name)):
        yield piece.encode("utf-8")
