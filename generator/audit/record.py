"""One audited report as data: every cell it printed with its evidence, its texts, what was left out — and the
same report rebuilt from those records, so a report read today and one read back from the database next year
are validated alike."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from generator.format import schema
from generator.format.cells import body_kind, parse_year, semantic
from generator.format.model import NOWHERE, RawValue, ReadProblem, ReportData, assemble
from generator.importers.base import NO_VALUE, Evidence, ImportResult, LeftOut
from generator.importers.report import (
    DOCX_SUFFIXES,
    HTML_SUFFIXES,
    PDF_SUFFIXES,
    TEXT_SUFFIXES,
    UNSUPPORTED,
    import_report,
)
from generator.jinja.sets import shipped_boilerplate
from generator.readers import EXCEL_SUFFIXES, OLD_FORMATS, load
from generator.readers.csv_long import read_csv
from generator.readers.xlsx import read_xlsx

# This tool's own data files are read as they are (sheet, cell or line); everything else is a published report.
# Formats no reader takes are listed too, so a folder's .doc or .xls is reported as unreadable, not passed over.
WORKBOOK_TYPES = {suffix: "xlsx" for suffix in EXCEL_SUFFIXES} | {".csv": "csv"}
WORKBOOK_TYPES |= {suffix: suffix.lstrip(".") for suffix in OLD_FORMATS}
REPORT_TYPES = {suffix: "pdf" for suffix in PDF_SUFFIXES} | {suffix: "docx" for suffix in DOCX_SUFFIXES}
REPORT_TYPES |= {suffix: "html" for suffix in HTML_SUFFIXES} | {suffix: "text" for suffix in TEXT_SUFFIXES}
REPORT_TYPES |= {suffix: suffix.lstrip(".") for suffix in UNSUPPORTED}
FILE_TYPES = {**REPORT_TYPES, **WORKBOOK_TYPES}
# A workbook cell holding a formula whose result was never saved: the formula is its evidence.
FORMULA = "formula"


def file_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def file_type(path: Path) -> str:
    """pdf, docx, html, text, xlsx or csv; "" for a file the audit does not read."""
    return FILE_TYPES.get(path.suffix.lower(), "")


@dataclass(frozen=True)
class ReportRecord:
    """What one report printed, in the terms the database keeps: each figure's cell as `Evidence` (a group's own
    row among them), each metadata and narrative text with its place, the rows left out and the importer's notes.

    `name` is what messages call the report (the file's name, or its web address); `workbook` says the cells
    came from this tool's own .xlsx/.csv (their places are sheet and cell, or line), not from a published page.
    """

    name: str
    cells: tuple[Evidence, ...]
    texts: tuple[Evidence, ...]
    left_out: tuple[LeftOut, ...] = ()
    notes: tuple[str, ...] = ()
    workbook: bool = False
    hints: tuple[ReadProblem, ...] = ()  # what a workbook reader noticed (a sheet found under a spaced name)

    def text(self, key: str) -> str:
        return next((found.raw.strip() for found in self.texts if found.key == key), "")

    @property
    def body(self) -> str:
        return self.text("meta.body")

    @property
    def year(self) -> int | None:
        return parse_year(self.text("meta.year"))

    @property
    def body_kind(self) -> str:
        """政府 or 部门 as the report states it (a workbook's 机关类型) or as its name says; "" when unknown."""
        stated = schema.BODY_KINDS.get(self.text("meta.body_kind"), "")
        return schema.BODY_KIND_NAMES.get(stated, "") or body_kind(self.body)

    def figures_found(self) -> int:
        """Figures printed with something in their cell (as `import` counts them)."""
        figures = schema.figures()
        return sum(1 for cell in self.cells if cell.key in figures and cell.raw and cell.semantic not in NO_VALUE)

    def corrected(self, values: Mapping[str, str]) -> ReportRecord:
        """The report with some figures replaced by a reviewer's values (key -> decimal text), each in the place
        it was printed: what every rule checks once a figure has been corrected."""
        if not values:
            return self
        figures = schema.figures()
        places = {cell.key: cell.place for cell in self.cells}
        kept = tuple(cell for cell in self.cells if cell.key not in values)
        fixed = tuple(
            Evidence(key, text, semantic(text, figures[key].kind), places.get(key, NOWHERE))
            for key, text in values.items()
            if key in figures
        )
        return replace(self, cells=kept + fixed)

    def to_data(self) -> ReportData:
        """The report as every rule reads it, through the same path as `import` or `load`."""
        if self.workbook:
            raws = {found.key: RawValue(found.raw, found.place) for found in self.texts}
            for cell in self.cells:
                formula = cell.raw if cell.semantic == FORMULA else ""
                raws[cell.key] = RawValue(None if formula else cell.raw, cell.place, formula=formula)
            return assemble(self.name, raws, self.hints)
        figures = schema.figures()
        evidence = {cell.key: cell for cell in self.cells if cell.key in figures}
        groups = {cell.key: cell for cell in self.cells if cell.key not in figures}
        values = {key: cell.raw for key, cell in evidence.items() if cell.semantic not in NO_VALUE}
        values |= {found.key: found.raw for found in self.texts}
        return ImportResult(self.name, values, evidence, self.notes, self.left_out, groups).to_data()


def cell_text(value: object) -> str:
    """A workbook value as the text that parses to the same figure, year or date ("" for an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        # As the readers take it: Excel's 15 significant digits, written out without an exponent.
        return format(Decimal(format(value, ".15g")), "f") if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


def from_workbook(path: Path, name: str) -> ReportRecord:
    """This tool's own workbook or long-format CSV: each cell with its sheet and cell (or CSV line)."""
    kind = WORKBOOK_TYPES[path.suffix.lower()]
    if kind not in ("csv", "xlsx"):
        load(path)  # an old spreadsheet format: the reader's own one-line advice (save as .xlsx)
    raws, hints = (read_csv(path), []) if kind == "csv" else read_xlsx(path)
    figures = schema.figures()
    cells, texts = [], []
    for key, raw in raws.items():
        if key not in figures:
            texts.append(Evidence(key, cell_text(raw.value), "text", raw.place))
        elif raw.formula and raw.value is None:
            cells.append(Evidence(key, raw.formula, FORMULA, raw.place))
        else:
            text = cell_text(raw.value)
            cells.append(Evidence(key, text, semantic(text, figures[key].kind), raw.place))
    return ReportRecord(name, tuple(cells), tuple(texts), workbook=True, hints=tuple(hints))


def from_published(path: Path, name: str) -> ReportRecord:
    """A published report (PDF, page, Word, text) through the importer: its evidence as it gives it."""
    result = import_report(path, shipped_boilerplate())
    cells = (*result.evidence.values(), *result.groups.values())
    figures = schema.figures()
    texts = tuple(Evidence(key, value, "text", NOWHERE) for key, value in result.values.items() if key not in figures)
    return ReportRecord(name, tuple(cells), texts, result.left_out, result.notes)


def read_record(path: Path, name: str) -> ReportRecord:
    """Any report the audit reads; InputError when it cannot be read."""
    if path.suffix.lower() in WORKBOOK_TYPES:
        return from_workbook(path, name)
    return from_published(path, name)
