"""The fill-in workbook: sheets 表二/表三/表四 laid out like the official tables, plus 基本信息 and 正文.

The file is looked at before it is parsed (format/archive.py): an old .xls under a new name, a workbook with a
password, one that inflates beyond reason are each named as such. Only the five sheets are parsed, and only the
rows a table can occupy, as the sheet inflates (readers/sheet_xml.py): a huge extra sheet costs nothing.
"""

from __future__ import annotations

import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from generator.exceptions import GenerateReportError, InputError, damage_reason, os_reason
from generator.format import schema
from generator.format.archive import ArchiveProblem, check_sheets, check_sizes, office_kind
from generator.format.grid import cell_position, column_letter
from generator.format.model import Place, RawValue, ReadProblem
from generator.readers.sheet_xml import Cells, SheetBook

SHEET_FOLDERS = ("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/", "xl/macrosheets/")
TEXT_ROWS = 1_000  # 基本信息 and 正文 hold a row per field; rows below that are never read
MARGIN = 6  # rows and columns beyond a table that are read, to see a table whose rows or columns moved


def required_sheets() -> list[str]:
    return [*schema.TABLE_SHEETS.values(), schema.META_SHEET, schema.NARRATIVE_SHEET]


def _damaged(path: Path, err: BaseException) -> InputError:
    return InputError(
        f"{path.name}：工作簿内容已损坏，无法读取（{damage_reason(err)}）："
        "请用 Excel 或 WPS 打开后“另存为”一份新的 .xlsx 再运行。"
    )


def _look_before_opening(path: Path) -> None:
    kind = office_kind(path)
    if kind == "encrypted":
        raise InputError(
            f"{path.name}：工作簿设置了打开密码（已加密），无法读取：请在 Excel 中取消密码后另存，再运行。"
        )
    if kind == "ole":
        raise InputError(
            f"{path.name}：这是 Excel 97-2003 格式（.xls）的文件，只是扩展名为 {path.suffix}："
            "请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后再运行。"
        )
    if kind != "zip":
        raise InputError(f"{path.name}：不是有效的 Excel 工作簿（.xlsx），无法打开（不是 zip 压缩格式）。")
    try:
        with zipfile.ZipFile(path) as archive:
            # Every part but the sheets is within the limits before anything is parsed; the sheets that will be
            # read are checked once the workbook has said which they are (_check_read_sheets).
            check_sizes(archive, [name for name in archive.namelist() if name.startswith(SHEET_FOLDERS)])
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                what = "Word 文档" if "word/document.xml" in names else "压缩包"
                raise InputError(f"{path.name}：不是有效的 Excel 工作簿（.xlsx），而是{what}，无法读取。")
    except ArchiveProblem as err:
        raise _refused(path, err) from err
    except zipfile.BadZipFile as err:
        raise InputError(f"{path.name}：不是有效的 Excel 工作簿（.xlsx），无法打开（{damage_reason(err)}）。") from err
    except (zlib.error, EOFError, ValueError, RuntimeError, NotImplementedError) as err:  # damaged compressed data
        raise _damaged(path, err) from err


def _refused(path: Path, err: ArchiveProblem) -> InputError:
    return InputError(f"{path.name}：{err}，已拒绝（填报工作簿只需五张工作表中的表格）。")


def _check_read_sheets(workbook: SheetBook, sheets: dict[str, str], path: Path) -> None:
    """The sheets about to be read are within the limits, found by the same names the reader will use (a sheet
    named "表二 " is read as 表二, so it is checked as 表二); the others (an aggregate's breakdown) are never
    inflated, so their size does not matter."""
    read = {actual: workbook.parts[actual] for actual in sheets.values()}
    try:
        check_sizes(workbook.archive, set(workbook.parts.values()) - set(read.values()))
        check_sheets(workbook.archive, read, workbook.support_parts)
    except ArchiveProblem as err:
        raise _refused(path, err) from err


@contextmanager
def _opened(path: Path) -> Iterator[SheetBook]:
    """The workbook's sheets; any failure on a damaged file (broken XML, a missing part) is one plain line."""
    try:
        with zipfile.ZipFile(path) as archive:
            yield SheetBook(archive)
    except GenerateReportError:
        raise
    except OSError as err:
        raise InputError(f"无法读取 {path.name}：{os_reason(err)}") from err
    except Exception as err:  # a parser meeting broken XML, a missing part, an index out of range
        raise _damaged(path, err) from err


def _sheet_names(workbook: SheetBook, name: str) -> tuple[dict[str, str], list[ReadProblem]]:
    """Each required sheet's actual name; a name differing only by spaces or width is taken, with a hint."""
    actual = {unicodedata.normalize("NFKC", s).strip(): s for s in workbook.sheetnames}
    found, hints, missing = {}, [], []
    for sheet in required_sheets():
        if sheet in workbook.sheetnames:
            found[sheet] = sheet
        elif sheet in actual:
            found[sheet] = actual[sheet]
            hints.append(ReadProblem(_first_key(sheet), "sheet_name", Place(sheet=actual[sheet]), actual[sheet]))
        else:
            missing.append(sheet)
    if missing:
        present = "、".join(f"「{s}」" for s in workbook.sheetnames)
        raise InputError(f"{name}：缺少工作表“{'、'.join(missing)}”（现有：{present}）。")
    return found, hints


def _first_key(sheet: str) -> str:
    if sheet == schema.META_SHEET:
        return schema.META_FIELDS[0].key
    if sheet == schema.NARRATIVE_SHEET:
        return schema.NARRATIVE_FIELDS[0].key
    return next(key for key, fig in schema.figures().items() if fig.sheet == sheet)


def _table_extent(table: str) -> tuple[int, int]:
    grid = schema.grids()[table]
    return schema.GRID_FIRST_ROW + grid.n_rows + MARGIN, grid.n_cols + MARGIN


def _label(value: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def check_layout(table: str, cells: Cells, name: str) -> None:
    """A table whose rows or columns were inserted or deleted is named once, with the first row that moved —
    rather than as one finding per figure that now sits in the wrong cell."""
    grid = schema.grids()[table]
    first = schema.GRID_FIRST_ROW
    labels = {(c.row + first, c.col + 1): _label(c.text) for c in grid.cells if not c.is_figure and c.text}

    def matches(dr: int, dc: int) -> int:
        return sum(_label(cells.get((r + dr, c + dc), "")) == text for (r, c), text in labels.items())

    here = matches(0, 0)
    if here == len(labels):
        return
    shifts = [(dr, dc) for dr in range(-3, 4) for dc in range(-3, 4) if (dr, dc) != (0, 0)]
    best = max(shifts, key=lambda s: matches(*s))
    if matches(*best) <= here:
        return  # labels reworded in place: the figures are still where they belong
    dr, dc = best
    moved = sorted(
        (r, c)
        for (r, c), text in labels.items()
        if _label(cells.get((r, c), "")) != text and _label(cells.get((r + dr, c + dc), "")) == text
    )
    row, col = moved[0] if moved else min(labels)
    if dr:
        change = f"第 {row} 行{'多出' if dr > 0 else '少了'}{'一' if abs(dr) == 1 else abs(dr)}行"
    else:
        change = f"第 {column_letter(col - 1)} 列{'多出' if dc > 0 else '少了'}{'一' if abs(dc) == 1 else abs(dc)}列"
    sheet = schema.TABLE_SHEETS[table]
    raise InputError(
        f"{name}：{sheet}的行列与标准格式不一致（{change}）：请删去插入的行列（或补回删去的），"
        "或用 generate-report init 新建填报表后把数字填进去。"
    )


def _text_fields(workbook: SheetBook, sheets: dict[str, str], raws: dict[str, RawValue]) -> None:
    """Metadata and narrative rows are found by the key in column B, so an inserted row does no harm."""
    for sheet_name, fields in (
        (schema.META_SHEET, schema.META_FIELDS),
        (schema.NARRATIVE_SHEET, schema.NARRATIVE_FIELDS),
    ):
        actual = sheets[sheet_name]
        cells, _ = workbook.cells(actual, TEXT_ROWS, schema.TEXT_KEY_COLUMN, schema.TEXT_VALUE_COLUMN)
        rows: dict[str, int] = {}
        for (r, c), value in cells.items():
            key = str(value).strip() if c == schema.TEXT_KEY_COLUMN else ""
            if key and key not in rows:
                rows[key] = r
        column = column_letter(schema.TEXT_VALUE_COLUMN - 1)
        for field in fields:
            if field.key in rows:
                r = rows[field.key]
                raws[field.key] = RawValue(
                    cells.get((r, schema.TEXT_VALUE_COLUMN)), Place(sheet=actual, cell=f"{column}{r}")
                )


def read_xlsx(path: Path) -> tuple[dict[str, RawValue], list[ReadProblem]]:
    """Every value of the workbook by key, and the hints about what was read (a sheet found under a spaced name)."""
    _look_before_opening(path)
    raws: dict[str, RawValue] = {}
    with _opened(path) as workbook:
        sheets, hints = _sheet_names(workbook, path.name)
        _check_read_sheets(workbook, sheets, path)
        for table, sheet in schema.TABLE_SHEETS.items():
            max_row, max_col = _table_extent(table)
            cells, formulas = workbook.cells(sheets[sheet], max_row, 1, max_col)
            check_layout(table, cells, path.name)
            for key, fig in schema.figures().items():
                if fig.table == table:
                    at = cell_position(fig.cell)
                    formula = formulas.get(at, "") if at not in cells else ""
                    # A blank saved value with a formula: a formula never calculated (the file was never opened
                    # in Excel), not a blank cell.
                    raws[key] = RawValue(cells.get(at), _figure_place(fig.sheet, fig.cell), formula=formula)
        _text_fields(workbook, sheets, raws)
    return raws, hints


@lru_cache(maxsize=1024)
def _figure_place(sheet: str, cell: str) -> Place:
    """One Place per figure cell for the process: every workbook of a batch has the same."""
    return Place(sheet=sheet, cell=cell)
