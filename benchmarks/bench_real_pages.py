"""Measure how the tool reads and audits real published pages against their hand transcriptions.

    python benchmarks/bench_real_pages.py FOLDER [--verbose]

FOLDER holds `pages/*.txt|html|pdf|docx` and `truth/<page stem>.json` (the shape of ../shared/real-reports: each
truth names the body and year, table 二 as active_disclosure, table 三 as applications, table 四 as
review_litigation, `null` for a cell blank or absent on the page, `unresolved_from_page_text` for cells the page's
text cannot settle). The pages stay outside the repository: they are a measuring stick, not test fixtures.

Prints, per page and in all: figures right, WRONG (a value that differs from the page), unread (the tool said it
could not settle them) and not given; then the audit of the whole folder: each report's body and year against the
truth, and its error findings split into the report's own (a cell the page leaves blank or does not print, a
relation the page's own figures break) and false ones (against a correct cell or relation: the worst outcome),
with the cells listed under 未能可靠读取. Exit 1 when a figure is WRONG or an error finding is false.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator import audit, import_report  # noqa: E402
from generator.format import relations, schema  # noqa: E402

TRIO = ("issued", "repealed", "in_force")
T2_ROWS = (("规章", "regulations"), ("行政规范性文件", "normative_docs"))
T2_SINGLE = (
    ("行政许可", "t2.art20_5.licensing.decisions"),
    ("行政处罚", "t2.art20_6.penalty.decisions"),
    ("行政强制", "t2.art20_6.coercion.decisions"),
    ("行政事业性收费_万元", "t2.art20_8.admin_fees.amount_wan_yuan"),
)
SUMS = frozenset({"E-row-total", "E-col-total", "E-balance", "E-t4-total"})


def truth_figures(path: Path) -> tuple[dict[str, Decimal | None], set[str], dict]:
    """Every figure the truth gives (None: blank or absent on the page), the cells it cannot settle, the JSON."""
    data = json.loads(path.read_text(encoding="utf-8"))
    figures: dict[str, Decimal | None] = {}
    shown = data.get("active_disclosure") or {}
    for label, row in T2_ROWS:
        trio = shown.get(label) or {}
        for column, name in zip(TRIO, ("本年制发", "本年废止", "现行有效"), strict=True):
            figures[f"t2.art20_1.{row}.{column}"] = _number(trio.get(name))
    for label, key in T2_SINGLE:
        figures[key] = _number(shown.get(label))
    rows = list((data.get("applications") or {}).values())
    columns = [c for c, _ in schema.T3_COLUMNS]
    for row, values in zip(schema.T3_ROW_KEYS, rows, strict=False):
        for column, value in zip(columns, values, strict=True):
            figures[f"t3.{row}.{column}"] = _number(value)
    groups = list((data.get("review_litigation") or {}).values())
    for (group, _, _), values in zip(schema.T4_GROUPS, groups, strict=False):
        for (outcome, _), value in zip(schema.T4_OUTCOMES, values, strict=True):
            figures[f"t4.{group}.{outcome}"] = _number(value)
    unsettled = set()
    if data.get("unresolved_from_page_text"):
        unsettled = {
            f"t2.art20_1.normative_docs.{c}" for c in TRIO if figures.get(f"t2.art20_1.normative_docs.{c}") is None
        }
    return figures, unsettled, data


def _number(value: object) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def _read(text: str | None) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "")) if text else None
    except ArithmeticError:
        return None


def score_import(page: Path, truth: Path, verbose: bool) -> tuple[int, int, int, int, int]:
    """(scored, right, wrong, unread, not given) for one page."""
    figures, unsettled, _ = truth_figures(truth)
    result = import_report(page)
    scored = right = wrong = unread = 0
    for key, expected in figures.items():
        if key in unsettled:
            continue
        scored += 1
        found = result.evidence.get(key)
        got = result.values.get(key)
        if found is not None and found.semantic == "unread":
            unread += 1
        elif (
            expected is None
            and (got is None or got.strip() in ("", "/", "—", "-"))
            or got is not None
            and _read(got) == expected
        ):
            right += 1
        elif got is not None:
            wrong += 1
            if verbose:
                print(f"    WRONG {key}: read {got!r}, the page says {expected}")
    return scored, right, wrong, unread, scored - right - wrong - unread


def judge_findings(database: Path, truths: dict[str, Path], verbose: bool) -> tuple[int, int, int, int]:
    """(reports named right, reports, the reports' own errors, false errors) from the audit's database."""
    db = sqlite3.connect(database)
    db.row_factory = sqlite3.Row
    named = total = own = false = 0
    for report in db.execute("SELECT id, source, body, year FROM reports WHERE status != 'unreadable'").fetchall():
        truth = truths.get(Path(report["source"]).stem)
        if truth is None:
            continue
        total += 1
        figures, unsettled, data = truth_figures(truth)
        right_name = report["body"] == data.get("body") and report["year"] == data.get("year")
        named += right_name
        if verbose and not right_name:
            print(f"    {Path(report['source']).name}: named {report['body']} {report['year']}")
        known = {k: v for k, v in figures.items() if v is not None}
        for finding in db.execute("SELECT * FROM findings WHERE report_id = ? AND severity = 'error'", (report["id"],)):
            key, code = finding["key"], finding["code"]
            if code in SUMS:
                broken = [r for r in relations.single_year() if r.code == code and key in r.keys]
                fair = any(relations.holds(r, known) is False for r in broken)
            else:
                fair = code in ("E-cell", "E-int") and key in figures and figures[key] is None and key not in unsettled
            own += fair
            false += not fair
            if verbose and not fair:
                print(f"    FALSE {Path(report['source']).name}: {code} {key} {finding['message'][:80]}")
    return named, total, own, false


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument(
        "--verbose", action="store_true", help="list every wrong figure, false finding and misnamed report"
    )
    args = parser.parse_args()
    truths = {path.stem: path for path in sorted((args.folder / "truth").glob("*.json"))}
    pages = sorted(p for p in (args.folder / "pages").iterdir() if p.is_file())
    sums = [0, 0, 0, 0, 0]
    for page in pages:
        if page.stem not in truths:
            continue
        counts = score_import(page, truths[page.stem], args.verbose)
        sums = [a + b for a, b in zip(sums, counts, strict=True)]
        print(
            f"{page.name}: {counts[1]}/{counts[0]} right, {counts[2]} WRONG, {counts[3]} unread, {counts[4]} not given"
        )
    scored, right, wrong, unread, missing = sums
    print(
        f"import, all pages: {right}/{scored} right ({right / max(scored, 1):.1%}), {wrong} WRONG, {unread} unread, {missing} not given"
    )
    with tempfile.TemporaryDirectory() as work:
        database = Path(work) / "audit.sqlite"
        result = audit([str(p) for p in pages], None, database=database, jobs=1)
        named, total, own, false = judge_findings(database, truths, args.verbose)
        db = sqlite3.connect(database)
        unread_cells = db.execute("SELECT count(*) FROM figures WHERE semantic = 'unread'").fetchone()[0]
        warnings = db.execute("SELECT count(*) FROM findings WHERE severity = 'warning'").fetchone()[0]
        db.close()
    print(
        f"audit: {result.totals.get('reports', len(pages))} reports; {named}/{total} with a transcription named with"
        f" their real body and year; error findings: {own} the reports' own, {false} FALSE; {warnings} warnings;"
        f" {unread_cells} cells listed as 未能可靠读取"
    )
    return 1 if wrong or false else 0


if __name__ == "__main__":
    sys.exit(main())
