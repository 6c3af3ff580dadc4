"""Summing many bodies into one consolidated year (a 全市 report), with a per-body breakdown.

Streaming: each body is read, checked, added to running totals and its row put aside on disk, then forgotten —
ten thousand bodies take the memory of one. The breakdown sheet is written straight into the workbook's zip.
"""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import IO

from generator.checks.findings import ValidationReport
from generator.checks.rules import validate
from generator.exceptions import GenerateReportError, InputError
from generator.format import schema
from generator.format.cells import XML_FORBIDDEN
from generator.format.grid import column_letter
from generator.format.model import Place, RawValue, ReportData, assemble
from generator.readers import load
from generator.readers.sheet_xml import SPREADSHEET_NS, SheetBook
from generator.render.writing.output import OutputFolder
from generator.workbook.writer import write_workbook

BREAKDOWN_SHEET = "分单位明细"
TOTAL_ROW = "合计"


@dataclass
class Totals:
    """Running sums of every figure (Decimal for 万元, exact), and what the included bodies have in common."""

    sums: dict[str, int | Decimal] = field(
        default_factory=lambda: {
            key: Decimal(0) if fig.kind is schema.Kind.WAN_YUAN else 0 for key, fig in schema.figures().items()
        }
    )
    years: set[int | None] = field(default_factory=set)
    kinds: set[object] = field(default_factory=set)
    count: int = 0

    def add(self, data: ReportData) -> None:
        missing = [key for key in self.sums if key not in data.figures]
        if missing:
            raise InputError(f"{data.source} 缺少数字，无法汇总（如 {missing[0]}）：请先让每个单位通过校验。")
        for key in self.sums:
            self.sums[key] += data.figures[key]
        self.years.add(data.year)
        self.kinds.add(data.meta.get("body_kind"))
        self.count += 1

    def values(self, body: str, year: int | None = None) -> dict[str, object]:
        """The long-format values of the total: every figure summed exactly, metadata given."""
        if not self.count:
            raise InputError("没有可汇总的数据。")
        years = set(self.years)
        if year is None:
            if len(years) != 1:
                listed = "、".join(str(y) for y in sorted(y for y in years if y))
                raise InputError(
                    f"各单位的报告年度不一致（{listed}）：请只汇总同一年度的数据，或用 --year 指定只汇总哪一年。"
                )
            year = years.pop()
        elif years != {year}:
            others = "、".join(str(y) for y in sorted(years - {year}, key=str))
            raise InputError(f"要汇总 {year} 年，但有单位的报告年度为 {others}。")
        values: dict[str, object] = {key: str(total) for key, total in self.sums.items()}
        kind = "政府" if "government" in self.kinds else "部门"
        values.update({"meta.body": body, "meta.year": str(year), "meta.body_kind": kind})
        return values


def summed_values(bodies: Iterable[ReportData], body: str, year: int | None = None) -> dict[str, object]:
    totals = Totals()
    for data in bodies:
        totals.add(data)
    return totals.values(body, year)


def _text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(XML_FORBIDDEN.sub("", text), quote=False)}</t></is></c>'


def _row(number: int, first: str, cells: Sequence[object]) -> str:
    parts = [_text_cell(f"A{number}", first)]
    for col, value in enumerate(cells, 1):
        ref = f"{column_letter(col)}{number}"
        if isinstance(value, int | Decimal):
            parts.append(f'<c r="{ref}"><v>{format(value, "f") if isinstance(value, Decimal) else value}</v></c>')
        else:
            parts.append(_text_cell(ref, str(value)))
    return f'<row r="{number}">{"".join(parts)}</row>'


SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<worksheet xmlns="{SPREADSHEET_NS}"><sheetViews>'
    '<sheetView workbookViewId="0"><pane xSplit="1" ySplit="2" topLeftCell="B3" activePane="bottomRight" '
    'state="frozen"/></sheetView></sheetViews><cols><col min="1" max="1" width="40" customWidth="1"/></cols><sheetData>'
)


def _with_breakdown(workbook: bytes, rows: IO[str], totals: Totals) -> bytes:
    """The workbook with its empty breakdown sheet filled: labels and keys as two header rows, a row per body
    (streamed from `rows`, one JSON list per line), the 合计 row."""
    keys = list(schema.figures())
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        part = SheetBook(source).parts[BREAKDOWN_SHEET]
        for info in source.infolist():
            if info.filename != part:
                target.writestr(info, source.read(info))
                continue
            with target.open(info.filename, "w", force_zip64=True) as stream:
                stream.write(SHEET_HEAD.encode("utf-8"))
                stream.write(_row(1, "单位", [schema.figures()[k].label for k in keys]).encode("utf-8"))
                stream.write(_row(2, "键", keys).encode("utf-8"))
                number = 2
                for line in rows:
                    name, *figures = json.loads(line)
                    number += 1
                    cells = [Decimal(v) if isinstance(v, str) else v for v in figures]
                    stream.write(_row(number, name, cells).encode("utf-8"))
                total_row = _row(number + 1, TOTAL_ROW, [totals.sums[k] for k in keys])
                stream.write((total_row + "</sheetData></worksheet>").encode("utf-8"))
    return out.getvalue()


def is_total_workbook(path: Path) -> bool:
    """A workbook this command wrote (it has the breakdown sheet); read from the zip, without opening it fully."""
    try:
        with zipfile.ZipFile(path) as archive:
            return BREAKDOWN_SHEET in archive.read("xl/workbook.xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError, OSError, UnicodeDecodeError, ValueError):
        return False


def _digest(data: ReportData) -> str:
    return hashlib.sha256(repr(sorted(data.figures.items())).encode()).hexdigest()


def aggregate_files(
    paths: Sequence[Path], out: Path, body: str, year: int | None = None, overwrite: bool = False
) -> tuple[list[str], list[tuple[str, str, bool]], ValidationReport]:
    """Sum the valid inputs into the workbook `out`; returns (the sources included, those excluded, the total's
    validation).

    Each left-out input comes with its reason and whether it is a problem (unreadable, invalid, a second copy with
    other figures) or expected (another year than --year, an identical copy, an earlier total). The total is
    validated from the values written, not by reading the workbook back.
    """
    with OutputFolder(out.parent, overwrite) as folder, tempfile.TemporaryFile("w+", encoding="utf-8") as rows:
        folder.check([out.name])  # before the long part: a total someone edited is not silently replaced
        totals = Totals()
        included, excluded = _sum_inputs(paths, out, year, totals, rows)
        values = totals.values(body, year)
        rows.seek(0)
        folder.write({out.name: _with_breakdown(write_workbook(values, appendix=BREAKDOWN_SHEET), rows, totals)}, False)
    places = {key: Place(sheet=fig.sheet, cell=fig.cell) for key, fig in schema.figures().items()}
    raws = {key: RawValue(value, places.get(key, Place(sheet=schema.META_SHEET))) for key, value in values.items()}
    return included, excluded, validate(assemble(out.name, raws))


def _sum_inputs(
    paths: Sequence[Path], out: Path, year: int | None, totals: Totals, rows: IO[str]
) -> tuple[list[str], list[tuple[str, str, bool]]]:
    """Read, check and add each input in turn, keeping only its row of the breakdown (on disk)."""
    included: list[str] = []
    excluded: list[tuple[str, str, bool]] = []
    first_of: dict[tuple[str, int | None], tuple[str, str]] = {}  # (body, year) -> (source, figures' digest)
    keys = list(schema.figures())
    for path in paths:
        if path.resolve() == out.resolve():
            continue  # last run's total: adding it again would count every body twice
        if is_total_workbook(path):
            excluded.append((str(path), f"这是汇总生成的工作簿（含“{BREAKDOWN_SHEET}”表），不再计入", False))
            continue
        try:
            data = load(path)
            report = validate(data)
        except GenerateReportError as err:
            excluded.append((str(path), str(err), True))
            continue
        except Exception as err:  # one body's surprise must not stop the total: it is left out, and named
            excluded.append((str(path), f"处理时出错（{type(err).__name__}：{err}）", True))
            continue
        twin = first_of.get((data.body, data.year))
        if not report.valid:
            excluded.append((str(path), f"{len(report.errors)} 个错误，如：{report.errors[0].message}", True))
        elif year is not None and data.year != year:
            excluded.append((str(path), f"报告年度为 {data.year}，不是要汇总的 {year} 年", False))
        elif twin is not None and twin[1] == _digest(data):
            excluded.append((str(path), f"与 {twin[0]} 是同一机关、同一年度（{data.body}），数字相同，只计一次", False))
        elif twin is not None:
            reason = f"与 {twin[0]} 是同一机关、同一年度（{data.body}），但数字不同：只计入了 {twin[0]}，请确认用哪一份"
            excluded.append((str(path), reason, True))
        else:
            first_of[(data.body, data.year)] = (data.source, _digest(data))
            totals.add(data)
            included.append(str(path))
            figures = [str(v) if isinstance(v, Decimal) else v for v in (data.figures[k] for k in keys)]
            rows.write(json.dumps([f"{data.source}｜{data.body}", *figures], ensure_ascii=False) + "\n")
    return included, excluded
