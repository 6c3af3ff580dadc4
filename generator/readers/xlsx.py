"""The fill-in workbook: sheets 表二/表三/表四 laid out like the official tables, plus 基本信息 and 正文."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from generator.exceptions import InputError
from generator.format import schema
from generator.format.model import Place, RawValue


def _open(path: Path, data_only: bool) -> Any:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, data_only=data_only)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as err:
        raise InputError(f"{path.name}：不是有效的 Excel 工作簿（.xlsx），无法打开（{type(err).__name__}）。") from err


def required_sheets() -> list[str]:
    return [*schema.TABLE_SHEETS.values(), schema.META_SHEET, schema.NARRATIVE_SHEET]


def _check_sheets(workbook: Any, name: str) -> None:
    missing = [s for s in required_sheets() if s not in workbook.sheetnames]
    if missing:
        present = "、".join(workbook.sheetnames)
        raise InputError(f"{name}：缺少工作表“{'、'.join(missing)}”（现有：{present}）。")


def _text_fields(workbook: Any, raws: dict[str, RawValue]) -> None:
    """Metadata and narrative rows are found by the key in column B, so an inserted row does no harm."""
    for sheet_name, fields in (
        (schema.META_SHEET, schema.META_FIELDS),
        (schema.NARRATIVE_SHEET, schema.NARRATIVE_FIELDS),
    ):
        sheet = workbook[sheet_name]
        rows = {}
        for row in sheet.iter_rows(min_col=schema.TEXT_KEY_COLUMN, max_col=schema.TEXT_VALUE_COLUMN):
            key = str(row[0].value or "").strip()
            if key:
                rows[key] = row[-1]
        for field in fields:
            if field.key in rows:
                cell = rows[field.key]
                raws[field.key] = RawValue(cell.value, Place(sheet=sheet_name, cell=cell.coordinate))


def read_xlsx(path: Path) -> dict[str, RawValue]:
    workbook = _open(path, data_only=True)
    _check_sheets(workbook, path.name)
    raws: dict[str, RawValue] = {}
    blanks = []
    for key, fig in schema.figures().items():
        value = workbook[fig.sheet][fig.cell].value
        raws[key] = RawValue(value, Place(sheet=fig.sheet, cell=fig.cell))
        if value is None:
            blanks.append(key)
    if blanks:
        # A blank cached value may be a formula never calculated: look at the formulas themselves.
        formulas = _open(path, data_only=False)
        for key in blanks:
            fig = schema.figures()[key]
            formula = formulas[fig.sheet][fig.cell].value
            if isinstance(formula, str) and formula.startswith("="):
                raws[key] = RawValue(None, Place(sheet=fig.sheet, cell=fig.cell), formula=formula)
    _text_fields(workbook, raws)
    return raws
