"""Each finding with the page's own evidence: the cells it is about as printed (and where: page, table, row,
column), the row's own text when a row was left out, or the sentence that states a figure."""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from generator.audit.record import file_hash
from generator.audit.review import FindingState, states
from generator.audit.store import Store, StoredReport, label_of
from generator.audit.store_rows import place_from
from generator.format import schema
from generator.format.cells import SEMANTICS, normalise_text
from generator.importers.base import CHECKS
from generator.importers.proof import NOTE

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
    image: str = ""  # a scan's cell as a data: URI of its picture, while the scan is still where it was read


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


SCAN_NOTE = NOTE.partition("：")[0] + "："  # the note a scan's import leaves: "扫描件："
SHOWN = 40  # cells' pictures at most for one report's unread cells: the page stays small


@dataclass(frozen=True)
class Scan:
    """A report read from a scan: its figures were proof-read (how: CHECKS), and its file, while it is still
    there unchanged, to show a cell's picture from."""

    path: Path | None

    def image(self, row: sqlite3.Row) -> str:
        """The cell's picture as a data: URI, or "" (no file, no box)."""
        if self.path is None or not row["page"] or not row["bbox"]:
            return ""
        try:
            box = tuple(float(v) for v in row["bbox"].split(","))
            from generator.importers.scan import cell_image  # the scan extra: loaded only for a scan's picture

            png = cell_image(self.path, int(row["page"]), box)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 — a picture is a courtesy: the cell's page and box are shown anyway
            return ""
        return "data:image/png;base64," + base64.b64encode(png).decode("ascii")

    def meaning(self, row: sqlite3.Row, meaning: str) -> str:
        """What a read cell means, and how it was checked: table 二 has no arithmetic to proof-read it."""
        if row["semantic"] in ("unread", "absent", "missing"):
            return meaning
        return f"{meaning}（{CHECKS['agreement' if row['key'].startswith('t2.') else 'arithmetic']}）"


def scan_of(store: Store, report: StoredReport) -> Scan | None:
    """The scan a report was read from (its import left the scan's note), else None."""
    query = "SELECT 1 FROM notes WHERE report_id = ? AND text LIKE ? LIMIT 1"
    if report.file_type != "pdf" or store.db.execute(query, (report.id, SCAN_NOTE + "%")).fetchone() is None:
        return None
    path = Path(report.source)
    try:
        same = path.is_file() and file_hash(path.read_bytes()) == report.hash
    except OSError:
        same = False
    return Scan(path if same else None)


def _cells(
    store: Store, report_id: int, keys: list[str], year: str, scan: Scan | None = None
) -> tuple[list[Exhibit], set[str]]:
    marks = ", ".join("?" * len(keys))
    rows = store.db.execute(f"SELECT * FROM figures WHERE report_id = ? AND key IN ({marks})", (report_id, *keys))
    found = {row["key"]: row for row in rows}
    exhibits = []
    for key in keys:
        if key not in found:
            continue
        row = found[key]
        meaning = SEMANTIC_TEXT.get(row["semantic"], row["semantic"])
        exhibits.append(
            Exhibit(
                "cell",
                year,
                label_of(key),
                row["raw"],
                scan.meaning(row, meaning) if scan else meaning,
                str(place_from(row)),
                row["page"],
                row["table_name"],
                row["row_label"],
                row["column_label"],
                where_line=_page_or_line(row),
                image=scan.image(row) if scan else "",
            )
        )
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
    images: tuple[tuple[str, str, str], ...] = ()  # a scan's cells: (label, where, data: URI of the picture)


SCAN_UNREAD = (
    "扫描件中这些格的文字识别结果未能经勾稽关系（表二：几次识别一致）确认，未采用，请对照原件（附各格图像）填写。"
)


def unread_cells(store: Store, report_id: int, scan: Scan | None = None) -> list[Unread]:
    """The report's unread cells by the row left out that holds them (with its text and why), else by table; on
    a scan, each cell with its picture (the first SHOWN)."""
    rows = store.db.execute("SELECT * FROM figures WHERE report_id = ? AND semantic = 'unread'", (report_id,))
    found = {row["key"]: row for row in rows}
    keys = list(found)
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
    budget = SHOWN
    for table, held in tables.items():
        reason = "没有找到这张表，或表中有数字未能归入任何一行，无法确定这些格。"
        if scan is None or not any(found[key]["bbox"] for key in held):
            shown.append(Unread(table, len(held), "", reason, ""))
            continue
        images = []
        for key in held:
            image = scan.image(found[key]) if budget > 0 else ""
            budget -= bool(image)
            images.append((label_of(key), str(place_from(found[key])) or _page_or_line(found[key]), image))
        shown.append(Unread(table, len(held), "", SCAN_UNREAD, "", tuple(images)))
    return shown


def shown_findings(store: Store, report: StoredReport) -> Iterator[ShownFinding]:
    """The report's findings in order, each with its evidence (last year's cells too, when compared with it) and
    where its review stands."""
    reviewed = states(store, report)
    scan = scan_of(store, report)
    for row in store.db.execute("SELECT * FROM findings WHERE report_id = ? ORDER BY seq", (report.id,)).fetchall():
        keys = [k for k in row["keys"].split() if k in schema.figures()]
        params = json.loads(row["params"])
        exhibits, found = _cells(store, report.id, keys, "本年", scan)
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
