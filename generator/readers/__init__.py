"""Reading a year's data from an Excel workbook or a CSV long-format file into ReportData."""

from __future__ import annotations

from pathlib import Path

from generator.exceptions import InputError, os_reason
from generator.format.model import ReadProblem, ReportData, assemble
from generator.readers.csv_long import IMPORT_HINT, read_csv
from generator.readers.xlsx import read_xlsx

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
CSV_SUFFIXES = {".csv", ".txt"}
OLD_FORMATS = {
    ".xls": "Excel 97-2003 工作簿（.xls）",
    ".et": "WPS 表格文件（.et）",
    ".ods": "OpenDocument 表格（.ods）",
}


def load(path: str | Path) -> ReportData:
    """Read figures, metadata and narrative; raises InputError when the file cannot be read at all."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(f"找不到数据文件：{path}")
    if suffix in OLD_FORMATS:
        raise InputError(f"{path.name}：暂不支持{OLD_FORMATS[suffix]}，请在 Excel 或 WPS 中“另存为” .xlsx 后再运行。")
    hints: list[ReadProblem] = []
    try:
        if suffix in EXCEL_SUFFIXES:
            raws, hints = read_xlsx(path)
        elif suffix in CSV_SUFFIXES:
            raws = read_csv(path)
        else:
            raise InputError(
                f"{path.name}：无法识别的文件类型“{path.suffix}”，请提供 .xlsx 工作簿或 .csv 文件；{IMPORT_HINT}。"
            )
    except OSError as err:
        raise InputError(f"无法读取 {path.name}：{os_reason(err)}") from err
    return assemble(path.name, raws, hints)
