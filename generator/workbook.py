"""Writing data as the fill-in workbook (.xlsx) or the CSV long format, laid out from the schema."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator import schema
from generator.grid import Grid, column_letter
from generator.values import PLAIN_NUMBER

HEADER_FILL = "DDEBF7"
INPUT_FILL = "FFF2CC"


def write_csv(values: Mapping[str, object]) -> bytes:
    """The long format as UTF-8 with a BOM, so Excel on Chinese Windows opens it correctly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["key", "value"])
    for key in schema.all_keys():
        if key in values:
            writer.writerow([key, "" if values[key] is None else values[key]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell_value(value: object) -> object:
    """Plain numbers go in as numbers, so Excel's own formulas can add them; anything else exactly as typed."""
    if isinstance(value, str) and PLAIN_NUMBER.fullmatch(value):
        return float(value) if "." in value else int(value)
    return value


def _table_sheet(workbook: Any, title: str, grid: Grid, values: Mapping[str, object]) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    sheet = workbook.create_sheet(title)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    first = schema.GRID_FIRST_ROW
    sheet.cell(1, 1, grid.caption).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=grid.n_cols)
    for cell in grid.cells:
        row, col = cell.row + first, cell.col + 1
        target = sheet.cell(row, col, _cell_value(values.get(cell.key)) if cell.is_figure else cell.text)
        target.alignment = Alignment(
            wrap_text=True, vertical="center", horizontal="center" if cell.is_figure else "left"
        )
        target.fill = PatternFill("solid", fgColor=INPUT_FILL if cell.is_figure else HEADER_FILL)
        if cell.rowspan > 1 or cell.colspan > 1:
            sheet.merge_cells(
                start_row=row, start_column=col, end_row=row + cell.rowspan - 1, end_column=col + cell.colspan - 1
            )
        for r in range(row, row + cell.rowspan):
            for c in range(col, col + cell.colspan):
                sheet.cell(r, c).border = border
    label_width = 40 if grid.n_cols == 10 else 16
    for col in range(grid.n_cols):
        sheet.column_dimensions[column_letter(col)].width = label_width if col < 3 and grid.n_cols == 10 else 14
    sheet.freeze_panes = None


def _field_sheet(workbook: Any, title: str, fields: tuple[schema.TextField, ...], values: Mapping[str, object]) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet(title)
    for col, (heading, width) in enumerate((("项目", 28), ("键（勿改）", 32), ("内容", 100), ("填写提示", 40)), 1):
        sheet.cell(1, col, heading).font = Font(bold=True)
        sheet.column_dimensions[column_letter(col - 1)].width = width
    for field in fields:
        row = schema.text_field_row(field.key)
        sheet.cell(row, 1, field.label + ("（必填）" if field.required else ""))
        sheet.cell(row, 2, field.key)
        sheet.cell(row, 3, values.get(field.key)).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row, 4, field.hint)


def write_workbook(values: Mapping[str, object]) -> bytes:
    """A workbook that `load` reads back to the same values (figures, metadata, narrative)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for table, grid in schema.grids().items():
        _table_sheet(workbook, schema.TABLE_SHEETS[table], grid, values)
    _field_sheet(workbook, schema.META_SHEET, schema.META_FIELDS, values)
    _field_sheet(workbook, schema.NARRATIVE_SHEET, schema.NARRATIVE_FIELDS, values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_csv_values(path: Path) -> dict[str, str]:
    """The raw key→value text of a long-format CSV (used to derive the sample workbook from its CSV)."""
    from generator.readers.csv_long import read_csv

    return {key: raw.value for key, raw in read_csv(path).items() if isinstance(raw.value, str)}
