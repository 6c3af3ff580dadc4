"""Placing the figures of tables 二, 三 and 四 from a report's table lines, positionally and never by guess.

A table line is a row of cells: tab-separated (pasted from a web page, or a real table's row), or words
separated by spaces. With tabs an empty cell keeps its place, so a blank stays blank at the right column;
with spaces a blank vanishes, so a row with too few numbers cannot be placed and is reported instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from generator.format import schema
from generator.format.cells import ZERO_PLACEHOLDERS, parse_figure
from generator.importers.base import Line
from generator.importers.labels import GROUP, RowIndex, norm, t2_index, t3_header_words, t3_index

DATA_TOKEN = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?(?:件|个|条|次|项|元|万元)?$")
UNIT = re.compile(r"(?:件|个|条|次|项|元|万元)[。，,；;]?")  # a unit spaced off its number ("1 件") is no label


def is_data(cell: str) -> bool:
    """A cell that holds a figure as printed: a number (maybe with separators or a unit) or a stand-in for 0."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell))
    return bool(text) and (
        bool(DATA_TOKEN.match(text)) or text in ZERO_PLACEHOLDERS or cell.strip() in ZERO_PLACEHOLDERS
    )


def split_cells(text: str) -> tuple[list[str], bool]:
    """The cells of a line and whether their positions are kept (tabs, or | as in "| 规章 | 0 |");
    with spaces only, label words are joined and numbers kept apart."""
    if "\t" in text:
        return [cell.strip() for cell in text.split("\t")], True
    if "|" in text:
        bars = [cell.strip() for cell in text.strip().split("|")]
        return bars[1 if text.strip().startswith("|") else 0 : -1 if text.strip().endswith("|") else None], True
    cells: list[str] = []
    for token in text.split():
        if not is_data(token) and cells and (not is_data(cells[-1]) or _numbering(cells, token)):
            cells[-1] += " " + token
        else:
            cells.append(token)
    return cells, False


def _numbering(cells: Sequence[str], token: str) -> bool:
    """Whether the small number just read is the numbering of the label that `token` starts, spaced off its text
    ("2 ．其他法律行政法规禁止公开 0 0 …", "（三）不予公开 1 ．属于国家秘密 0 …"): a row's figures come after its label,
    so a number that opens the line, or sits between label words before a list mark, is no figure."""
    if not re.fullmatch(r"\d{1,2}", unicodedata.normalize("NFKC", cells[-1])) or UNIT.fullmatch(token):
        return False
    return len(cells) == 1 or (not is_data(cells[-2]) and unicodedata.normalize("NFKC", token)[:1] in ".、")


@dataclass
class RowCells:
    """The cells that follow one row label (or a whole table 四 data line), with where they were found."""

    prefix: str
    cells: list[str]
    positional: bool
    where: str
    signature: tuple[int, int] = (-1, -1)  # (label's cell index, cells after it): rows of one shape align alike
    label: str = ""

    def data_count(self) -> int:
        return sum(1 for c in self.cells if c and is_data(c))


def _number(cell: str) -> Decimal:
    value = parse_figure(cell, schema.Kind.WAN_YUAN).value
    return Decimal(value) if value is not None else Decimal(0)


def t3_adds_up(cells: Sequence[str]) -> bool:
    """The six applicant cells add up to a non-zero 总计 (blanks as 0): evidence that an alignment is right."""
    return bool(cells[-1]) and _number(cells[-1]) != 0 and sum(map(_number, cells[:-1])) == _number(cells[-1])


def t4_adds_up(cells: Sequence[str]) -> bool:
    groups = [cells[i : i + 5] for i in range(0, len(cells), 5)]
    totals = [g for g in groups if g[-1]]
    return any(_number(g[-1]) for g in totals) and all(sum(map(_number, g[:-1])) == _number(g[-1]) for g in totals)


@dataclass
class Placement:
    cells: Sequence[str | None]  # None: this column could not be placed
    note: str = ""


def place(
    row: RowCells, width: int, leads: dict[tuple[int, int], int], adds_up: Callable[[Sequence[str]], bool] | None
) -> Placement:
    """Which `width` consecutive cells of the row are its figures: the only fit, else the alignment of rows of the
    same shape, else the only alignment that adds up; what stays ambiguous is left unplaced and said so."""
    cells = [c if c and is_data(c) else "" for c in row.cells]
    filled = [i for i, c in enumerate(cells) if c]
    if not filled:
        return Placement([""] * width)
    if len(filled) > width:
        return Placement(
            [None] * width, f"{row.where}「{row.label}」有 {len(filled)} 个数字，应为 {width} 个，未导入。"
        )
    if not row.positional:
        if len(filled) == width:
            return Placement(cells[:width])
        return Placement(
            [None] * width,
            f"{row.where}「{row.label}」只有 {len(filled)} 个数字（应为 {width} 个）：用空格分隔时无法确定空白格的位置，未导入。",
        )
    first, last = filled[0], filled[-1]
    if last - first + 1 > width:
        return Placement([None] * width, f"{row.where}「{row.label}」的数字跨越超过 {width} 列，未导入。")
    padded = cells + [""] * width
    inside = [s for s in range(max(0, last - width + 1), first + 1) if s + width <= len(cells)]
    starts = inside or list(range(max(0, last - width + 1), first + 1))
    if len(starts) > 1 and leads.get(row.signature) in starts:
        starts = [leads[row.signature]]
    if len(starts) > 1 and adds_up:
        fitting = [s for s in starts if adds_up(padded[s : s + width])]
        if len(fitting) == 1:
            starts = fitting
    options = [padded[s : s + width] for s in starts]
    agreed: list[str | None] = [c if all(o[i] == c for o in options) else None for i, c in enumerate(options[0])]
    note = ""
    if None in agreed:
        note = f"{row.where}「{row.label}」有空白单元格，无法确定部分数字所在的列，这些格未导入。"
    return Placement(agreed, note)


def _leads(rows: Sequence[RowCells], width: int) -> dict[tuple[int, int], int]:
    """For each row shape, where the figures start in full rows — kept only when all such rows agree."""
    seen: dict[tuple[int, int], Counter[int]] = {}
    for row in rows:
        filled = [i for i, c in enumerate(row.cells) if c and is_data(c)]
        if row.positional and len(filled) == width and filled[-1] - filled[0] + 1 == width:
            seen.setdefault(row.signature, Counter())[filled[0]] += 1
    return {sig: next(iter(c)) for sig, c in seen.items() if len(c) == 1}


# --- Reading labelled rows (tables 二 and 三) --------------------------------------------------


@dataclass
class TableResult:
    values: dict[str, str] = field(default_factory=dict)
    locations: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _continues(row: RowCells, text: str) -> bool:
    """Whether `text` can be the rest of the row's label, broken across lines: short, or a part of that label."""
    compact = norm(text)
    return len(compact) <= 12 or compact in norm(row.label)


def _labelled_rows(lines: Sequence[Line], index: RowIndex, header: frozenset[str]) -> tuple[list[RowCells], list[str]]:
    rows: list[RowCells] = []
    notes: list[str] = []
    current: RowCells | None = None
    fragment = ""
    for line in lines:
        cells, positional = split_cells(line.text)
        data_at = [i for i, c in enumerate(cells) if c and is_data(c)]
        labels_at = [i for i, c in enumerate(cells) if c and not is_data(c) and (not data_at or i < data_at[0])]
        if not labels_at and not data_at:
            continue
        if not labels_at:  # numbers only: the rest of a row broken across lines
            width = len(index.rows[current.prefix].columns) if current else 0
            if current is not None and current.data_count() < width:
                more = cells if positional else [c for c in cells if c]
                if current.data_count() == 0:
                    current.cells, current.signature = more, (-1, len(more))
                else:
                    current.cells += more[next((i for i, c in enumerate(more) if c), 0) :]
            else:
                notes.append(f"{line.where}：无法归入任何一行的数字「{line.text.strip()}」，未导入。")
            continue
        if not data_at and any(norm(cells[i]) in header for i in labels_at):
            current, fragment = None, ""
            continue
        last = labels_at[-1]
        joined = "".join(cells[i] for i in labels_at)
        prefix = index.match(cells[last]) or index.match(joined)
        if prefix is None and fragment:
            prefix = index.match(fragment + joined)
        if prefix == GROUP:
            if data_at:
                notes.append(f"{line.where}：分组标题「{joined}」后的数字无法归入任何一行，未导入。")
            current, fragment = None, ""
            continue
        after = cells[last + 1 :]
        if prefix is None:
            if data_at and current is not None and current.data_count() == 0 and _continues(current, joined):
                current.cells, current.signature = after, (-1, len(after))  # the label ran on to this line
            elif data_at:
                notes.append(f"{line.where}：未识别的行「{joined}」，其中的数字未导入。")
            else:
                fragment = joined if not fragment else fragment + joined
            continue
        fragment = ""
        if not positional:
            after = [c for c in after if c]
        current = RowCells(prefix, after, positional, line.where, (last, len(after)), index.rows[prefix].label)
        rows.append(current)
    return rows, notes


def read_rows(
    lines: Sequence[Line], index: RowIndex, header: frozenset[str], adds_up: Callable[[Sequence[str]], bool] | None
) -> TableResult:
    rows, notes = _labelled_rows(lines, index, header)
    result = TableResult(notes=notes)
    by_prefix: dict[str, RowCells] = {}
    for row in rows:
        chosen = by_prefix.get(row.prefix)
        if chosen is None or (chosen.data_count() == 0 and row.data_count() > 0):
            by_prefix[row.prefix] = row
        elif row.data_count() > 0:
            result.notes.append(f"{row.where}「{row.label}」重复出现，已采用{chosen.where}的数字。")
    for prefix, row in by_prefix.items():
        columns = index.rows[prefix].columns
        same_width = [r for r in rows if len(index.rows[r.prefix].columns) == len(columns)]
        placement = place(row, len(columns), _leads(same_width, len(columns)), adds_up)
        if placement.note:
            result.notes.append(placement.note)
        for column, value in zip(columns, placement.cells, strict=True):
            if value is not None:
                result.values[f"{prefix}.{column}"] = value
                result.locations[f"{prefix}.{column}"] = row.where
    return result


def _t2_columns_note(lines: Sequence[Line]) -> list[str]:
    """Older formats print other columns under 信息内容 (本年新制作数量 …): the figures would mean other things."""
    official = {norm(label) for block in schema.T2_BLOCKS for _, label in block.columns}
    content = norm(schema.T2_CONTENT_LABEL)
    for line in lines:
        cells = [norm(c) for c in split_cells(line.text)[0] if c]
        if content in cells:
            # A heading broken across lines ("本年收费金额" / "（单位：万元）") starts an official one.
            other = [c for c in cells if c != content and not any(label.startswith(c) for label in official)]
            if other:
                return [f"{line.where}：表二的栏目「{'、'.join(other)}」与统一格式不同，请核对导入的数字。"]
    return []


def read_t2(lines: Sequence[Line]) -> TableResult:
    result = read_rows(lines, t2_index(), frozenset(), None)
    result.notes[:0] = _t2_columns_note(lines)
    return result


def read_t3(lines: Sequence[Line]) -> TableResult:
    return read_rows(lines, t3_index(), t3_header_words(), t3_adds_up)


def t4_keys() -> list[str]:
    return [key for key in schema.figures() if key.startswith("t4.")]


def read_t4(lines: Sequence[Line]) -> TableResult:
    """Table 四 has no row label: its 15 figures are the numbers of its data line(s), in order."""
    result = TableResult()
    row: RowCells | None = None
    for line in lines:
        cells, positional = split_cells(line.text)
        data_at = [i for i, c in enumerate(cells) if c and is_data(c)]
        if not data_at or any(c and not is_data(c) for c in cells[data_at[0] :]):
            continue  # no figures, or words after them: a note under the table ("注：行政复议 0 件。")
        labels_before = [i for i in range(data_at[0]) if cells[i] and not is_data(cells[i])]
        start = labels_before[-1] + 1 if labels_before else 0
        after = cells[start:] if positional else [c for c in cells[start:] if c]
        if row is None:
            row = RowCells("t4", after, positional, line.where, (start - 1, len(after)), "表四")
        else:
            row.cells += after
            row.positional = row.positional and positional
    keys = t4_keys()
    if row is None:
        return result
    placement = place(row, len(keys), {}, t4_adds_up)
    if placement.note:
        result.notes.append(placement.note)
    for key, value in zip(keys, placement.cells, strict=True):
        if value is not None:
            result.values[key] = value
            result.locations[key] = row.where
    return result
