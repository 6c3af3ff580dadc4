"""Each finding with the page's own evidence: the cells it is about as printed (and where: page, table, row,
column), the row's own text when a row was left out, or the sentence that states a figure."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace

from generator.audit.review import FindingState, states
from generator.audit.store import Store, StoredReport, label_of
from generator.audit.store_rows import place_from
from generator.format import schema
from generator.format.cells import SEMANTICS, normalise_text

SEMANTIC_TEXT = {**SEMANTICS, "formula": "公式（没有保存计算结果）"}


@dataclass(frozen=True)
class Exhibit:
    """One piece of evidence: a cell (`raw` as printed, what it means), a row left out, or a sentence."""

    kind: str  # cell, left_out, sentence, missing
    year: str  # 本年 or 上年
    label: str  # the figure's label, or the section's
    raw: str
    meaning: str
    where: str  # the place as text: 第 2 页 第 3 个表格「（一）予以公开」·总计
    page: int = 0
    table: str = ""
    row: str = ""
    column: str = ""
    quote: str = ""  # for a sentence: the words that state the figure
    where_line: str = ""  # the page (a PDF), the line (text) or the sheet and cell (a workbook)


@dataclass(frozen=True)
class ShownFinding:
    """A stored finding and its exhibits."""

    code: str
    severity: str
    key: str
    label: str
    message: str
    expected: str
    actual: str
    across_years: bool
    exhibits: tuple[Exhibit, ...]
    review: FindingState = FindingState("")

    @property
    def state(self) -> str:
        return self.review.state

    @property
    def level(self) -> str:
        return "错误" if self.severity == "error" else "警告"


def _page_or_line(row: sqlite3.Row) -> str:
    if row["page"]:
        return f"第 {row['page']} 页"
    if row["line"]:
        return f"第 {row['line']} 行"
    return f"{row['sheet']}!{row['cell']}" if row["sheet"] else ""


def _cells(store: Store, report_id: int, keys: list[str], year: str) -> tuple[list[Exhibit], set[str]]:
    marks = ", ".join("?" * len(keys))
    rows = store.db.execute(f"SELECT * FROM figures WHERE report_id = ? AND key IN ({marks})", (report_id, *keys))
    found = {row["key"]: row for row in rows}
    exhibits = [
        Exhibit(
            "cell",
            year,
            label_of(key),
            found[key]["raw"],
            SEMANTIC_TEXT.get(found[key]["semantic"], found[key]["semantic"]),
            str(place_from(found[key])),
            found[key]["page"],
            found[key]["table_name"],
            found[key]["row_label"],
            found[key]["column_label"],
            where_line=_page_or_line(found[key]),
        )
        for key in keys
        if key in found
    ]
    return exhibits, set(found)


def _left_out(store: Store, report_id: int, keys: set[str], year: str) -> list[Exhibit]:
    exhibits = []
    for row in store.db.execute("SELECT * FROM left_out WHERE report_id = ? ORDER BY seq", (report_id,)):
        row_keys = set(row["keys"].split())
        if row_keys & keys:
            keys -= row_keys
            first = next((k for k in schema.figures() if k in row_keys), "")
            label = label_of(first).rpartition("·")[0] if first else "整行"
            exhibits.append(
                Exhibit(
                    "left_out",
                    year,
                    label,
                    row["text"],
                    f"未导入：{row['reason']}",
                    str(place_from(row)),
                    row["page"],
                    row["table_name"],
                    row["row_label"],
                    where_line=_page_or_line(row),
                )
            )
    return exhibits


def _sentence(store: Store, report_id: int, params: dict[str, str]) -> list[Exhibit]:
    """The paragraph holding the words a narrative finding quotes."""
    quote = params.get("quote", "")
    if not quote:
        return []
    for row in store.db.execute("SELECT * FROM texts WHERE report_id = ?", (report_id,)):
        for paragraph in row["text"].splitlines():
            if quote in normalise_text(paragraph):
                where = str(place_from(row)) or params.get("section", "")
                shown = Exhibit("sentence", "本年", label_of(row["key"]), paragraph.strip(), "正文", where, quote=quote)
                return [replace(shown, where_line=_page_or_line(row))]
    return []


@dataclass(frozen=True)
class Unread:
    """Cells of a report this tool could not settle, a row (or a table) at a time: never the body's fault."""

    label: str  # the row's label, or the table's name
    count: int  # cells
    text: str  # the row's own text as printed, when it was found
    reason: str
    where: str


def unread_cells(store: Store, report_id: int) -> list[Unread]:
    """The report's unread cells by the row left out that holds them (with its text and why), else by table."""
    keys = [
        row["key"]
        for row in store.db.execute("SELECT key FROM figures WHERE report_id = ? AND semantic = 'unread'", (report_id,))
    ]
    order = {key: n for n, key in enumerate(schema.figures())}
    waiting = sorted(keys, key=lambda k: order.get(k, len(order)))
    shown = []
    for row in store.db.execute("SELECT * FROM left_out WHERE report_id = ? ORDER BY seq", (report_id,)):
        held = [k for k in waiting if k in set(row["keys"].split())]
        if held:
            waiting = [k for k in waiting if k not in held]
            label = label_of(held[0]).rpartition("·")[0] or label_of(held[0])
            shown.append(
                Unread(label, len(held), row["text"], row["reason"], _page_or_line(row) or str(place_from(row)))
            )
    tables: dict[str, list[str]] = {}
    for key in waiting:
        tables.setdefault(schema.figures()[key].sheet, []).append(key)
    for table, held in tables.items():
        reason = "没有找到这张表，或表中有数字未能归入任何一行，无法确定这些格。"
        shown.append(Unread(table, len(held), "", reason, ""))
    return shown


def shown_findings(store: Store, report: StoredReport) -> Iterator[ShownFinding]:
    """The report's findings in order, each with its evidence (last year's cells too, when compared with it) and
    where its review stands."""
    reviewed = states(store, report)
    for row in store.db.execute("SELECT * FROM findings WHERE report_id = ? ORDER BY seq", (report.id,)).fetchall():
        keys = [k for k in row["keys"].split() if k in schema.figures()]
        params = json.loads(row["params"])
        exhibits, found = _cells(store, report.id, keys, "本年")
        exhibits += _left_out(store, report.id, set(keys) - found, "本年")
        if row["across_years"] and report.previous_id is not None:
            exhibits += _cells(store, report.previous_id, keys, "上年")[0]
        exhibits += _sentence(store, report.id, params)
        yield ShownFinding(
            row["code"],
            row["severity"],
            row["key"],
            label_of(row["key"]),
            row["message"],
            row["expected"] or "",
            row["actual"] or "",
            bool(row["across_years"]),
            tuple(exhibits),
            reviewed[row["seq"]],
        )
