"""What every importer produces: the report's lines, then the long format (key → raw text) and what was left out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.exceptions import InputError
from generator.format import schema
from generator.format.encoding import decode_text as decode
from generator.format.model import Place, RawValue, ReportData, assemble


@dataclass(frozen=True)
class Line:
    """One line of a report: a paragraph, or a table row with its cells separated by tabs; `where` for messages."""

    text: str
    where: str


@dataclass(frozen=True)
class ImportResult:
    """A published report read back: raw values by key ("" is a blank cell), and every figure it could not place."""

    source: str
    values: Mapping[str, str]
    locations: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def unplaced(self) -> tuple[str, ...]:
        """Figure keys for which the report gave no cell at all (a blank cell is placed, as "")."""
        return tuple(key for key in schema.figures() if key not in self.values)

    def figure_count(self) -> int:
        return sum(1 for key in schema.figures() if self.values.get(key))

    def paragraph_count(self) -> int:
        return sum(len(self.values.get(f.key, "").splitlines()) for f in schema.NARRATIVE_FIELDS)

    def raws(self) -> dict[str, RawValue]:
        return {key: RawValue(value, Place(text=self.locations.get(key, ""))) for key, value in self.values.items()}

    def to_data(self) -> ReportData:
        """Parsed through the schema like any input: blanks and text in figure cells become findings, never 0."""
        return assemble(self.source, self.raws())

    def output_values(self) -> dict[str, str]:
        """The values to write out; every figure not found is written as an empty cell to fill in."""
        return {**{key: "" for key in self.unplaced}, **self.values}

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
        raise InputError(f"{name}：不是文本文件（请把网页上的报告文字复制粘贴到 .txt 文件，或提供 .html / .docx）。")
    return decode(data, name, "请另存为 UTF-8 或 GBK 编码的文本", declared)
