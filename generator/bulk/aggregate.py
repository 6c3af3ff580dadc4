"""Summing many bodies into one consolidated year (a 全市 report), with a per-body breakdown."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.checks.findings import ValidationReport
from generator.checks.rules import validate
from generator.exceptions import GenerateReportError, InputError
from generator.format import schema
from generator.format.model import ReportData
from generator.readers import load
from generator.render.output import OutputFolder
from generator.workbook.writer import write_workbook

BREAKDOWN_SHEET = "分单位明细"
TOTAL_ROW = "合计"


def summed_values(bodies: Sequence[ReportData], body: str, year: int | None = None) -> dict[str, object]:
    """The long-format values of the total: every figure summed exactly (Decimal for 万元), metadata given."""
    if not bodies:
        raise InputError("没有可汇总的数据。")
    years = {b.year for b in bodies}
    if year is None:
        if len(years) != 1:
            listed = "、".join(str(y) for y in sorted(y for y in years if y))
            raise InputError(
                f"各单位的报告年度不一致（{listed}）：请只汇总同一年度的数据，或用 --year 指定只汇总哪一年。"
            )
        year = years.pop()
    elif years != {year}:
        raise InputError(
            f"要汇总 {year} 年，但有单位的报告年度为 {'、'.join(str(y) for y in sorted(years - {year}, key=str))}。"
        )
    frame = breakdown_frame(bodies)
    totals = frame.loc[TOTAL_ROW]
    values: dict[str, object] = {key: str(totals[key]) for key in schema.figures()}
    kinds = {b.meta.get("body_kind") for b in bodies}
    values.update(
        {"meta.body": body, "meta.year": str(year), "meta.body_kind": "政府" if "government" in kinds else "部门"}
    )
    return values


def breakdown_frame(bodies: Sequence[ReportData]) -> Any:
    """One row per body (file and name), one column per figure key, and a 合计 row (pandas, exact values)."""
    import pandas as pd

    keys = list(schema.figures())
    rows = {f"{b.source}｜{b.body}": [b.figures.get(k) for k in keys] for b in bodies}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=keys, dtype=object)
    missing = frame.columns[frame.isna().any()].tolist()
    if missing:
        raise InputError(f"有单位缺少数字，无法汇总（如 {missing[0]}）：请先让每个单位通过校验。")
    figures = schema.figures()
    frame.loc[TOTAL_ROW] = [sum(frame[k], Decimal(0) if figures[k].kind is schema.Kind.WAN_YUAN else 0) for k in keys]
    return frame


def write_breakdown(workbook_path: Path, bodies: Sequence[ReportData]) -> None:
    """Add the per-body sheet to a written workbook: figure labels and keys as two header rows."""
    import openpyxl

    frame = breakdown_frame(bodies)
    workbook = openpyxl.load_workbook(workbook_path)
    sheet = workbook.create_sheet(BREAKDOWN_SHEET)
    figures = schema.figures()
    sheet.append(["单位", *(figures[k].label for k in frame.columns)])
    sheet.append(["键", *frame.columns])
    for name, row in frame.iterrows():
        sheet.append([name, *(float(v) if isinstance(v, Decimal) else v for v in row)])
    sheet.freeze_panes = "B3"
    workbook.save(workbook_path)


def is_total_workbook(path: Path) -> bool:
    """A workbook this command wrote (it has the breakdown sheet); read from the zip, without opening it fully."""
    try:
        with zipfile.ZipFile(path) as archive:
            return BREAKDOWN_SHEET in archive.read("xl/workbook.xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError, OSError, UnicodeDecodeError):
        return False


def aggregate_files(
    paths: Sequence[Path], out: Path, body: str, year: int | None = None, overwrite: bool = False
) -> tuple[list[ReportData], list[tuple[str, str, bool]], ValidationReport]:
    """Sum the valid inputs into the workbook `out` (written atomically); returns (included, excluded, report).

    Each left-out input comes with its reason and whether it is a problem (unreadable, invalid, a second copy with
    other figures) or expected (another year than --year, an identical copy, an earlier total).
    """
    with OutputFolder(out.parent, overwrite) as folder:
        folder.check([out.name])  # before the long part: a total someone edited is not silently replaced
        return _aggregate(paths, out, body, year, folder)


def _aggregate(
    paths: Sequence[Path], out: Path, body: str, year: int | None, folder: OutputFolder
) -> tuple[list[ReportData], list[tuple[str, str, bool]], ValidationReport]:
    included: list[ReportData] = []
    excluded: list[tuple[str, str, bool]] = []
    first_of: dict[tuple[str, int | None], ReportData] = {}
    for path in paths:
        if path.resolve() == out.resolve():
            continue  # last run's total: adding it again would count every body twice
        if is_total_workbook(path):
            excluded.append((str(path), f"这是汇总生成的工作簿（含“{BREAKDOWN_SHEET}”表），不再计入", False))
            continue
        try:
            data = load(path)
        except GenerateReportError as err:
            excluded.append((str(path), str(err), True))
            continue
        report = validate(data)
        twin = first_of.get((data.body, data.year))
        if not report.valid:
            excluded.append((str(path), f"{len(report.errors)} 个错误，如：{report.errors[0].message}", True))
        elif year is not None and data.year != year:
            excluded.append((str(path), f"报告年度为 {data.year}，不是要汇总的 {year} 年", False))
        elif twin is not None and twin.figures == data.figures:
            excluded.append(
                (str(path), f"与 {twin.source} 是同一机关、同一年度（{data.body}），数字相同，只计一次", False)
            )
        elif twin is not None:
            reason = f"与 {twin.source} 是同一机关、同一年度（{data.body}），但数字不同：只计入了 {twin.source}，请确认用哪一份"
            excluded.append((str(path), reason, True))
        else:
            first_of[(data.body, data.year)] = data
            included.append(data)
    values = summed_values(included, body, year)
    with tempfile.TemporaryDirectory() as scratch:
        draft = Path(scratch) / out.name
        draft.write_bytes(write_workbook(values))
        write_breakdown(draft, included)
        folder.write({out.name: draft.read_bytes()}, check=False)
    return included, excluded, validate(load(out))
