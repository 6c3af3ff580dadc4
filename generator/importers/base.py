"""What every importer produces: the report's lines, then the long format (key → raw text), each figure's
evidence (what its cell said and where) and what was left out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.exceptions import InputError
from generator.format import schema
from generator.format.cells import parse_figure, to_json_number
from generator.format.encoding import decode_text as decode
from generator.format.model import NOWHERE, Place, RawValue, ReportData, assemble

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Line:
    """One line of a report: a paragraph, or a table row with its cells separated by tabs.

    `where` names it in messages ("第 12 行"); `place` is the same as data (line, page, table, row number);
    `boxes` holds, for a PDF table row, each tab-separated cell's box on the page; `run_together` marks a row
    whose cells the page may have run together ("640020470", an article crawled as one line).
    """

    text: str
    where: str
    place: Place = NOWHERE
    boxes: tuple[Box | None, ...] = ()
    run_together: bool = False
    tail: str = ""  # digits cut from the row's end where prose ran on from its last cell (the year of "2025年，…")
    readings: tuple[tuple[str, ...], ...] = ()  # a scan's cells: the OCR engine's readings of each, best first

    def cell_place(self, index: int) -> Place:
        """The place of the line's cell `index` (0-based): its position and, on a PDF page, its box."""
        box = self.boxes[index] if index < len(self.boxes) else None
        return replace(self.place, column_number=index + 1, bbox=box)


@dataclass(frozen=True)
class Evidence:
    """One imported figure as its report printed it: the cell's text exactly (`raw`, "" for a blank cell), what
    it says (`semantic`: value, zero, blank, not_applicable, absent, missing, unread or text; see
    format.cells.SEMANTICS) and
    its cell (`place`: page, line, table, printed row label, column, row and cell number, PDF box)."""

    key: str
    raw: str
    semantic: str
    place: Place
    check: str = ""  # a scan's figure: how it was proof-read (CHECKS), "" for a figure printed as text

    @property
    def value(self) -> int | Decimal | None:
        """The number the cell holds; None for a blank, a stand-in such as "/", text or an absent cell."""
        figure = schema.figures().get(self.key)  # a group's own row ("t3.other.total") holds counts
        kind = figure.kind if figure else schema.Kind.COUNT
        return parse_figure(self.raw, kind).value if self.semantic not in NO_VALUE else None

    def to_dict(self) -> dict[str, Any]:
        # A fee to the 分 stays exact: a JSON number when a float holds it exactly, else its text.
        value = to_json_number(self.value)
        found = {"value": value, "raw": self.raw, "semantic": self.semantic, "source": self.place.to_dict()}
        return found | ({"check": self.check} if self.check else {})


# How a figure read from a scan was proof-read: by the arithmetic of its table, or (table 二, in no relation) only
# by the engine's readings agreeing.
CHECKS = {
    "arithmetic": "扫描件：文字识别读出，经表内勾稽关系核对",
    "agreement": "扫描件：文字识别读出，本表没有勾稽关系，仅经几次识别结果一致核对",
}

# Cells of a published report that hold no value: why each is not imported.
UNPLACED_REASONS = {
    "absent": "报告未列出此项（只印了上一级的合计行）。",
    "missing": "报告的表中没有印出这一行（或这一格）。",
    "unread": "本表有数字没能归入任何一行（或没有找到这张表），无法确定这一格。",
}
NO_VALUE = frozenset(UNPLACED_REASONS)


@dataclass(frozen=True)
class LeftOut:
    """A printed row whose figures were not imported: its figure keys, the row's own text, why, and where."""

    keys: tuple[str, ...]
    text: str
    reason: str
    place: Place = NOWHERE


@dataclass(frozen=True)
class ImportResult:
    """A published report read back: raw values by key ("" is a blank cell), each figure's evidence, the rows
    left out with their own text, and every note (what could not be placed, what to check)."""

    source: str
    values: Mapping[str, str]
    evidence: Mapping[str, Evidence] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    left_out: tuple[LeftOut, ...] = ()
    groups: Mapping[str, Evidence] = field(default_factory=dict)  # a group's own row, kept as printed

    @property
    def unplaced(self) -> tuple[str, ...]:
        """Figure keys for which the report gave no cell at all (a blank cell is placed, as "")."""
        return tuple(key for key in schema.figures() if key not in self.values)

    def unread(self) -> tuple[str, ...]:
        """Figure keys whose cells this tool could not settle (to be read from the report by a person)."""
        return tuple(key for key, found in self.evidence.items() if found.semantic == "unread")

    def figure_count(self) -> int:
        return sum(1 for key in schema.figures() if self.values.get(key))

    def paragraph_count(self) -> int:
        return sum(len(self.values.get(f.key, "").splitlines()) for f in schema.NARRATIVE_FIELDS)

    def raws(self) -> dict[str, RawValue]:
        """Each value with its cell's place as evidence (messages name it without the printed labels)."""
        raws = {}
        for key, found in self.evidence.items():
            if found.semantic in NO_VALUE:
                raws[key] = RawValue(None, found.place, state=found.semantic)
        for key, value in self.values.items():
            cell = self.evidence.get(key)
            raws[key] = RawValue(value, cell.place if cell else NOWHERE)
        return raws

    def to_data(self) -> ReportData:
        """Parsed through the schema like any input: blanks and text in figure cells become findings, never 0;
        a figure the report does not print (its row given only as a group's total) stays missing."""
        return assemble(self.source, self.raws(), published=True)

    def output_values(self) -> dict[str, str]:
        """The values to write out; every figure not found is written as an empty cell to fill in."""
        return {**{key: "" for key in self.unplaced}, **self.values}

    def unplaced_entries(self) -> list[dict[str, Any]]:
        """Every figure not imported, in table order: its label, whether the tool could not settle it (`unread`),
        why, and the text of the row it was printed in."""
        why = {key: item for item in self.left_out for key in item.keys}
        entries = []
        for key in self.unplaced:
            item = why.get(key)
            found = self.evidence.get(key)
            entry: dict[str, Any] = {"key": key, "label": schema.figures()[key].label}
            entry["unread"] = found is not None and found.semantic == "unread"
            if item:
                entry |= {"reason": item.reason, "text": item.text, "source": item.place.to_dict()}
            elif found is not None:
                entry |= {"reason": UNPLACED_REASONS[found.semantic], "source": found.place.to_dict()}
            else:
                entry["reason"] = "报告中没有找到。"
            entries.append(entry)
        return entries

    def to_dict(self) -> dict[str, Any]:
        """The import as data (what `import --format json` prints, less the findings, which validation adds):
        every figure found with its evidence, in table order; every figure not imported and why; a group's own
        row kept as printed; the metadata, the narrative and the notes."""
        figures = {key: self.evidence[key].to_dict() for key in schema.figures() if key in self.evidence}
        text_keys = [f.key for f in schema.text_fields()]
        return {
            "source": self.source,
            "figures": figures,
            "unplaced": self.unplaced_entries(),
            "groups": {key: found.to_dict() for key, found in self.groups.items()},
            "meta": {key: self.values[key] for key in text_keys if key.startswith("meta.") and key in self.values},
            "narrative": {
                key: self.values[key] for key in text_keys if key.startswith("narrative.") and key in self.values
            },
            "notes": list(self.notes),
        }

    def unplaced_lines(self) -> list[str]:
        """The figures not found, by label: a whole row on one line, else each missing cell."""
        missing = set(self.unplaced)
        lines = []
        rows: dict[str, list[str]] = {}
        for key in schema.figures():
            if key in missing:
                row = key.rsplit(".", 1)[0] if not key.startswith("t4.") else "t4"
                rows.setdefault(row, []).append(key)
        for row, keys in rows.items():
            figures = [schema.figures()[k] for k in keys]
            sheet = figures[0].sheet
            if row == "t4":
                lines.append(f"{sheet}：" + "、".join(f.label for f in figures))
                continue
            row_label, _, _ = figures[0].label.rpartition("·")
            columns = [f.label.rpartition("·")[2] for f in figures]
            width = sum(1 for k in schema.figures() if k.rsplit(".", 1)[0] == row)
            what = "整行" if len(keys) == width else "、".join(columns)
            lines.append(f"{sheet}「{row_label}」：{what}")
        return lines


SIZE_LIMIT = 10 * 1024 * 1024  # a report page is a few hundred kilobytes; reading ten megabytes takes seconds


def read_bounded(path: Path) -> bytes:
    """A page's or a text's bytes, refused when far larger than any report."""
    size = path.stat().st_size
    if size > SIZE_LIMIT:
        raise InputError(f"{path.name}：文件有 {size / 1048576:,.0f} MB，远大于一份年度报告，已拒绝（上限 10 MB）。")
    return path.read_bytes()


def decode_text(data: bytes, name: str, declared: str | None = None) -> str:
    """A text file's or page's text in whatever encoding it was saved (see format.encoding)."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            f"{name}：不是文本文件（请把网页上的报告文字复制粘贴到 .txt 文件，或提供 .html / .docx / .pdf）。"
        )
    return decode(data, name, "请另存为 UTF-8 或 GBK 编码的文本", declared)
