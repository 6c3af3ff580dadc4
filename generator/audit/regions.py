"""Bodies grouped by region: the region the office's mapping file gives a body (地区.csv or .xlsx, columns 单位名称
and 地区), else the one its name begins with (format.bodies.region); and each region's roll-up of a run's reports."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.audit.store import IN_RUN, Store
from generator.exceptions import InputError
from generator.format import bodies
from generator.format.encoding import decode_text

COLUMNS = ("单位名称", "地区")
UNKNOWN = "（未能确定地区）"  # a body whose name begins with no place, and the mapping does not list


def _text(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())


def _rows(path: Path) -> list[list[str]]:
    """The file's rows as text: a CSV (UTF-8 or GBK) or the first sheet of a workbook."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError(f"{path}：地区对照表应为 .csv 或 .xlsx 文件（两列：单位名称、地区）。")
    if not path.is_file():
        raise InputError(f"找不到地区对照表：{path}")
    if suffix == ".csv":
        text = decode_text(path.read_bytes(), str(path), "请另存为 UTF-8 或 GBK 编码的 CSV")
        try:
            return [[_text(cell) for cell in row] for row in csv.reader(io.StringIO(text, newline=""))]
        except csv.Error as err:
            raise InputError(f"{path}：CSV 格式有误，无法读取（{err}）：请用 Excel 另存为 CSV 后再运行。") from err
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a file that is no workbook
        raise InputError(f"{path}：无法作为 .xlsx 工作簿打开（{type(err).__name__}）。") from err
    try:
        return [[_text(cell) for cell in row] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def read_regions(path: Path) -> dict[str, str]:
    """The mapping file's regions by body (its name as compared across years); InputError naming the file and the
    row of the first that cannot be taken."""
    rows = _rows(path)
    header = rows[0] if rows else []
    if any(name not in header for name in COLUMNS):
        raise InputError(f"{path}：第 1 行应为表头“单位名称”“地区”，实际为“{'，'.join(filter(None, header))}”。")
    name_at, region_at = (header.index(name) for name in COLUMNS)
    regions: dict[str, tuple[str, int]] = {}
    for number, row in enumerate(rows[1:], 2):
        name, region = (row[n] if n < len(row) else "" for n in (name_at, region_at))
        if not name and not region:
            continue
        if not name or not region:
            raise InputError(f"{path}：第 {number} 行缺少{'单位名称' if not name else '地区'}。")
        key = bodies.body_key(name)
        if key in regions and regions[key][0] != region:
            earlier, at = regions[key]
            raise InputError(f"{path}：第 {number} 行把“{name}”归入“{region}”，但第 {at} 行已归入“{earlier}”。")
        regions.setdefault(key, (region, number))
    return {key: region for key, (region, _) in regions.items()}


class Regions:
    """Each body's region: the mapping's (when the office supplied one), else its name's."""

    def __init__(self, mapping: Mapping[str, str] | None = None) -> None:
        self.mapping = dict(mapping or {})

    def of(self, body: str) -> str:
        return self.mapping.get(bodies.body_key(body)) or bodies.region(body) or UNKNOWN


@dataclass
class RegionRow:
    """One region's roll-up: its reports, their errors and warnings (a false alarm not counted), the cells this
    tool could not settle, and the findings a reviewer confirmed (属实)."""

    region: str
    reports: int = 0
    failed: int = 0
    errors: int = 0
    warnings: int = 0
    unread: int = 0
    confirmed: int = 0

    def to_dict(self) -> dict[str, object]:
        return dict(vars(self))


def region_rollup(store: Store, run: int, regions: Regions) -> list[RegionRow]:
    """The run's readable reports by region, by name (the undetermined last)."""
    rows = store.db.execute(
        "SELECT r.body, r.status, r.errors, r.warnings, "
        "(SELECT count(*) FROM figures g WHERE g.report_id = r.id AND g.semantic = 'unread') AS unread, "
        "(SELECT count(*) FROM finding_states s WHERE s.report_id = r.id AND s.verdict = 'confirmed') AS confirmed "
        f"FROM reports r WHERE status != 'unreadable' AND r.{IN_RUN}",
        (run,),
    )
    found: dict[str, RegionRow] = {}
    for row in rows:
        region = found.setdefault(regions.of(row["body"]), RegionRow(regions.of(row["body"])))
        region.reports += 1
        region.failed += row["status"] == "failed"
        region.errors += row["errors"]
        region.warnings += row["warnings"]
        region.unread += row["unread"]
        region.confirmed += row["confirmed"]
    return sorted(found.values(), key=lambda r: (r.region == UNKNOWN, r.region))
