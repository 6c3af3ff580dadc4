"""The report's data once read: figures, metadata and narrative, immutable, with where each value came from.

Reading never decides which rule a bad cell breaks: a value that does not parse is kept as a `ReadProblem`
(what is wrong with it and where), and the checks turn problems into findings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

from generator.format import schema
from generator.format.cells import (
    parse_body_kind,
    parse_date,
    parse_figure,
    parse_year,
    remove_control_characters,
    split_paragraphs,
)

Number = int | Decimal


@dataclass(frozen=True)
class Place:
    """Where a value was found: a workbook cell, a CSV line, or a place in a published report.

    `str(place)` is the display form messages use ("表三!D5", "第 12 行", "第 2 页 第 3 个表格「（一）予以公开」·自然人").
    A published report's figure keeps its cell: the table as the document numbers it, the row's label as printed,
    the column's official label, the row's and the cell's position in that printed table (1-based: the row of
    the table, the cell of the row), and on a PDF page the cell's box in points (x0, top, x1, bottom).
    """

    sheet: str = ""
    cell: str = ""
    line: int = 0  # a CSV or text line, 1-based
    page: int = 0  # a PDF page, 1-based
    table: str = ""  # a published report's table, as the importer names it ("第 2 个表格")
    row: str = ""  # the row's label as printed
    column: str = ""  # the column's label
    text: str = ""  # any other description ("Word 第 3 段")
    row_number: int = 0  # the row within the printed table, 1-based
    column_number: int = 0  # the cell within the printed row (or text line), 1-based
    bbox: tuple[float, float, float, float] | None = None  # a PDF cell's box: x0, top, x1, bottom (points)
    offset: int = 0  # in a long text line, the character where the row's figures start (1-based)

    def __str__(self) -> str:
        if self.sheet:
            return f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        parts = [f"第 {self.page} 页" if self.page else "", f"第 {self.line} 行" if self.line else ""]
        parts += [f"第 {self.offset} 字" if self.offset else "", self.text]
        parts.append(self.table)
        if self.row or self.column:
            parts.append("·".join(filter(None, (f"「{self.row}」" if self.row else "", self.column))))
        return " ".join(p for p in parts if p)

    def plain(self) -> Place:
        """The place without the printed row label and column (the messages print the figure's own label)."""
        return replace(self, row="", column="") if self.row or self.column else self

    def to_dict(self) -> dict[str, object]:
        """The non-empty fields, for JSON output."""
        fields = {name: value for name, value in vars(self).items() if value}
        if self.bbox:
            fields["bbox"] = [round(v, 2) for v in self.bbox]
        return fields


NOWHERE = Place()


class RawValue(NamedTuple):
    """A value exactly as a reader found it, with its place (a named tuple: a report reads 215 of them)."""

    value: object
    place: Place = NOWHERE
    formula: str = ""  # set when the cell holds a formula whose result was never saved
    # A published report's cell that holds no value to parse: "absent" (its row printed only as a group's total),
    # "missing" (the table, read whole, does not print it), "unread" (this tool could not settle it: never the
    # body's fault). See format.cells.SEMANTICS.
    state: str = ""


@dataclass(frozen=True)
class ReadProblem:
    """A value that could not be read as the schema asks: the key, what is wrong (`variant`), where, as typed."""

    key: str
    variant: (
        str  # figures: missing absent formula blank placeholder unit text count amount; metadata: missing year date …
    )
    place: Place = NOWHERE
    raw: str = ""


@dataclass(frozen=True)
class ReportData:
    """One body's year: every figure that parsed, the metadata, the narrative as paragraphs."""

    source: str
    figures: Mapping[str, Number]
    meta: Mapping[str, object]
    narrative: Mapping[str, tuple[str, ...]]
    places: Mapping[str, Place]
    problems: tuple[ReadProblem, ...] = field(default_factory=tuple)
    published: bool = False  # read back from a published report (its prose is the body's, not a draft to fix)

    @property
    def body(self) -> str:
        return str(self.meta.get("body") or "")

    @property
    def year(self) -> int | None:
        year = self.meta.get("year")
        return year if isinstance(year, int) else None

    @property
    def is_government(self) -> bool:
        return self.meta.get("body_kind", "government") == "government"

    @property
    def issue_date(self) -> dt.date | None:
        date = self.meta.get("issue_date")
        return date if isinstance(date, dt.date) else None

    def place(self, key: str) -> Place:
        return self.places.get(key, NOWHERE)

    def where(self, key: str) -> str:
        """The display form of a key's place ("表三!J7", "第 4 行"), empty when unknown; without a printed row's
        label and column, which the messages name by the figure's own label."""
        return str(self.place(key).plain())


def _figures(raws: Mapping[str, RawValue], figures: dict[str, Number]) -> list[ReadProblem]:
    problems = []
    for key, fig in schema.figures().items():
        raw = raws.get(key)
        if raw is None:
            problems.append(ReadProblem(key, "missing"))
            continue
        if raw.state:
            problems.append(ReadProblem(key, raw.state, raw.place))
            continue
        if raw.formula and raw.value is None:
            problems.append(ReadProblem(key, "formula", raw.place, raw.formula))
            continue
        parsed = parse_figure(raw.value, fig.kind)
        if parsed.value is not None:
            figures[key] = parsed.value
        else:
            problems.append(ReadProblem(key, parsed.problem, raw.place, parsed.raw))
    return problems


# The template prints its own "联系方式：" before the contact: one typed in the cell as well would show twice.
CONTACT_LABEL = re.compile(r"^联系方式\s*[:：]\s*")


def _text(raws: Mapping[str, RawValue], key: str) -> str:
    raw = raws.get(key)
    return "" if raw is None or raw.value is None else str(raw.value).strip()


def _meta(raws: Mapping[str, RawValue], meta: dict[str, object]) -> list[ReadProblem]:
    problems = []

    def problem(key: str, variant: str) -> None:
        raw = raws.get(key)
        problems.append(ReadProblem(key, variant, raw.place if raw else NOWHERE, _text(raws, key)))

    if _text(raws, "meta.body"):
        meta["body"] = _text(raws, "meta.body")
    else:
        problem("meta.body", "missing")
    year = parse_year(raws["meta.year"].value) if "meta.year" in raws else None
    if year is not None:
        meta["year"] = year
    else:
        problem("meta.year", "year" if _text(raws, "meta.year") else "missing")

    issued = raws.get("meta.issue_date")
    meta["issue_date"] = parse_date(issued.value) if issued else None
    if not _text(raws, "meta.issue_date"):
        problem("meta.issue_date", "missing")
    elif meta["issue_date"] is None:
        problem("meta.issue_date", "date")

    meta["contact"] = CONTACT_LABEL.sub("", _text(raws, "meta.contact"))
    kind = _text(raws, "meta.body_kind")
    meta["body_kind"] = parse_body_kind(kind) or "government"
    if not kind:
        problem("meta.body_kind", "missing")
    elif parse_body_kind(kind) is None:
        problem("meta.body_kind", "body_kind")
    return problems


def _without_control_characters(raws: Mapping[str, RawValue]) -> tuple[dict[str, RawValue], list[ReadProblem]]:
    """Text with characters XML forbids (a body name pasted from another program) would make a Word file no
    program opens: they are removed, and each field that had some is named."""
    cleaned, problems = dict(raws), []
    for key in (f.key for f in schema.text_fields()):
        raw = raws.get(key)
        if raw is not None and isinstance(raw.value, str):
            text, removed = remove_control_characters(raw.value)
            if removed:
                cleaned[key] = RawValue(text, raw.place, raw.formula)
                problems.append(ReadProblem(key, "control", raw.place, removed))
    return cleaned, problems


def assemble(
    source: str, raws: Mapping[str, RawValue], hints: Sequence[ReadProblem] = (), published: bool = False
) -> ReportData:
    """Parse every raw value through the schema; what cannot be parsed becomes a problem, never a silent 0.
    `hints` are what the reader noticed on the way (a sheet found under a name with a stray space)."""
    figures: dict[str, Number] = {}
    meta: dict[str, object] = {}
    raws, cleaned = _without_control_characters(raws)
    problems = list(hints) + cleaned + _figures(raws, figures) + _meta(raws, meta)
    narrative = {f.key: split_paragraphs(raws[f.key].value) for f in schema.NARRATIVE_FIELDS if f.key in raws}
    return ReportData(
        source=source,
        figures=MappingProxyType(figures),
        meta=MappingProxyType(meta),
        narrative=MappingProxyType({k: v for k, v in narrative.items() if v}),
        places=MappingProxyType({key: raw.place for key, raw in raws.items()}),
        problems=tuple(problems),
        published=published,
    )


def issue_date_text(date: dt.date | None) -> str:
    return f"{date.year}年{date.month}月{date.day}日" if date else ""
