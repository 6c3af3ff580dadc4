"""The CSV long format: header `key,value`, one figure or text field per row, UTF-8 (BOM or not) or GBK/GB18030."""

from __future__ import annotations

import csv
import difflib
import io
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from generator.exceptions import InputError
from generator.format import schema
from generator.format.cells import unguard_formula
from generator.format.encoding import decode_text
from generator.format.model import Place, RawValue

# What a clerk who gives a published report where data is expected is told: `import` reads it first.
IMPORT_HINT = "已发布的报告（PDF、网页、Word 或复制的文字）请先用 generate-report import 导入"


def _columns(header: list[str], name: str) -> tuple[int, int]:
    names = [h.strip().lower() for h in header]
    if "key" not in names or "value" not in names:
        # A line without a comma is prose (a report's title), not a table of keys and values.
        hint = f"；{IMPORT_HINT}" if len(header) < 2 else ""
        raise InputError(f"{name}：第 1 行应为表头 key,value（键,值），实际为“{','.join(header)}”{hint}。")
    return names.index("key"), names.index("value")


SIZE_LIMIT = 32 * 1024 * 1024  # a year's figures and narrative are a few dozen kilobytes
# A narrative cell may be long (a whole section pasted in); csv's default limit of 128 KiB per field is not.
csv.field_size_limit(SIZE_LIMIT)


def read_csv(path: Path) -> dict[str, RawValue]:
    if path.stat().st_size > SIZE_LIMIT:
        raise InputError(
            f"{path.name}：文件有 {path.stat().st_size / 1048576:,.0f} MB，不像是一个单位一年的数据，已拒绝。"
        )
    text = decode_text(path.read_bytes(), path.name, "请另存为 UTF-8 或 GBK 编码的 CSV")
    try:
        return _read_rows(csv.reader(io.StringIO(text, newline="")), path.name)
    except csv.Error as err:
        raise InputError(f"{path.name}：CSV 格式有误，无法读取（{err}）：请用 Excel 另存为 CSV 后再运行。") from err


@cache
def known_keys() -> frozenset[str]:
    return frozenset(schema.all_keys())


@lru_cache(maxsize=4096)
def line_place(line: int) -> Place:
    """One Place per line number for the process: the same lines recur in every body's file of a batch."""
    return Place(line=line)


def _read_rows(reader: Any, name: str) -> dict[str, RawValue]:
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{name}：文件是空的。") from None
    key_col, value_col = _columns(header, name)
    known = known_keys()
    raws: dict[str, RawValue] = {}
    first_line: dict[str, int] = {}
    line = reader.line_num + 1
    for row in reader:
        start, line = line, reader.line_num + 1
        if not "".join(row).strip():
            continue
        key = row[key_col].strip() if len(row) > key_col else ""
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"，是否应为“{close[0]}”？" if close else "。可用 generate-report schema 查看全部键。"
            raise InputError(f"{name} 第 {start} 行：未知的键“{key}”{hint}")
        if key in raws:
            raise InputError(f"{name} 第 {start} 行：键“{key}”重复（第 {first_line[key]} 行已出现）。")
        value = unguard_formula(row[value_col]) if len(row) > value_col else None
        raws[key] = RawValue(value, line_place(start))
        first_line[key] = start
    return raws


def read_values(path: Path) -> dict[str, str]:
    """The raw key -> value text of a long-format CSV, before any parsing (the samples are derived from it)."""
    return {key: raw.value for key, raw in read_csv(path).items() if isinstance(raw.value, str)}
