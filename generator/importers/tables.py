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
from dataclasses import dataclass, field, replace
from decimal import Decimal

from generator.format import schema
from generator.format.cells import ZERO_PLACEHOLDERS, parse_figure, semantic
from generator.format.model import NOWHERE, Place
from generator.importers.base import Evidence, LeftOut, Line
from generator.importers.labels import (
    GROUP,
    RowIndex,
    norm,
    strip_numbering,
    t2_index,
    t3_header_words,
    t3_index,
)
from generator.importers.runs import RowRule, resolve_t3, splits, t3_row_holds, t4_row_holds

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
    """The cells that follow one row label (or a whole table 四 data line), with where they were found.

    `places` runs beside `cells`: each cell's place in the report (line or page, table, row and cell number).
    `label` is the official label (for messages), `printed` the label as the report printed it, `text` the
    row's own lines as printed (shown for a row that is left out).
    """

    prefix: str
    cells: list[str]
    positional: bool
    where: str
    signature: tuple[int, int] = (-1, -1)  # (label's cell index, cells after it): rows of one shape align alike
    label: str = ""
    places: list[Place] = field(default_factory=list)
    printed: str = ""
    text: str = ""
    place: Place = NOWHERE
    group: bool = False  # a group's own row (（六）其他处理 printed as one row, without its three sub-rows)
    run_together: bool = False  # the page may have run the row's cells together ("640020470")

    def __post_init__(self) -> None:
        self.places = self.places or [NOWHERE] * len(self.cells)

    def data_count(self) -> int:
        return sum(1 for c in self.cells if c and is_data(c))

    def extend(self, cells: Sequence[str], places: Sequence[Place], text: str) -> None:
        self.cells += cells
        self.places += places
        self.text = f"{self.text} / {text}" if self.text else text

    def reset(self, cells: Sequence[str], places: Sequence[Place], text: str) -> None:
        self.cells, self.places, self.signature = list(cells), list(places), (-1, len(cells))
        self.text = f"{self.text} / {text}" if self.text else text


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
    origins: Sequence[int | None] = ()  # for each column, the index of its cell in the row (None: not printed)
    run: str = ""  # figures split out of this run of digits printed together
    derived: bool = False  # the split was chosen by the table's arithmetic, not by the row's structure alone
    options: Sequence[Sequence[str]] = ()  # several splits fit the row: table 三's column rules may choose

    def __post_init__(self) -> None:
        self.origins = self.origins or [None] * len(self.cells)


def _split_run(row: RowCells, filled: Sequence[int], width: int, holds: RowRule | None) -> Placement:
    """A row whose cells ran together: its figures only where one split alone fits (runs.py); else left out."""
    run = " ".join(row.cells[i] for i in filled)
    options = splits(run, width)
    said = f"{row.where}「{row.label}」的数字连在一起（「{run}」）"
    if options is None:
        return Placement([None] * width, f"{said}，可能的拆分过多，未导入。")
    forced = len(options) == 1  # as many digits as cells: the structure alone splits it
    if not forced and holds is not None:
        options = [o for o in options if holds(o)]
    origins = [filled[0] if len(filled) == 1 else None] * width
    if len(options) == 1:
        return Placement(options[0], "", origins, run, derived=not forced)
    if not options:
        return Placement([None] * width, f"{said}，没有一种拆分符合本表的结构和勾稽关系，未导入。", run=run)
    note = f"{said}，有 {len(options)} 种拆分都符合本表的结构和勾稽关系，无法确定，未导入。"
    return Placement([None] * width, note, origins, run, options=options)


def place(
    row: RowCells,
    width: int,
    leads: dict[tuple[int, int], int],
    adds_up: Callable[[Sequence[str]], bool] | None,
    holds: RowRule | None = None,
) -> Placement:
    """Which `width` consecutive cells of the row are its figures: the only fit, else the alignment of rows of the
    same shape, else the only alignment that adds up; what stays ambiguous is left unplaced and said so.
    A row whose cells the page ran together is split only where one split alone fits (`holds`: the row's rule)."""
    cells = [c if c and is_data(c) else "" for c in row.cells]
    filled = [i for i, c in enumerate(cells) if c]
    if row.run_together and not row.positional and 0 < len(filled) < width:
        return _split_run(row, filled, width, holds)
    if not filled:
        if row.positional and len(cells) >= width:  # the row's cells are there, each one empty
            return Placement([""] * width, origins=[i if i < len(cells) else None for i in range(width)])
        return Placement([None] * width, f"{row.where}「{row.label}」这一行没有找到数字，未导入。")
    if len(filled) > width:
        return Placement(
            [None] * width, f"{row.where}「{row.label}」有 {len(filled)} 个数字，应为 {width} 个，未导入。"
        )
    if not row.positional:
        if len(filled) == width:
            return Placement([cells[i] for i in filled], origins=filled)
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
    # With one alignment each figure has its cell; a figure every alignment agrees on has a value but no one cell.
    origins = [starts[0] + i if len(starts) == 1 and starts[0] + i < len(cells) else None for i in range(width)]
    note = ""
    if None in agreed:
        note = f"{row.where}「{row.label}」有空白单元格，无法确定部分数字所在的列，这些格未导入。"
    return Placement(agreed, note, origins)


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
    """A table's figures as printed (key -> raw text), their evidence, group rows kept as given, what was left out."""

    values: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    groups: dict[str, Evidence] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)

    def put(self, row: RowCells, placement: Placement, keys: Sequence[str], labels: Sequence[str]) -> None:
        """The placed figures of a row with their cells; the columns that could not be placed are left out."""
        target = self.groups if row.group else self.evidence
        for key, label, value, origin in zip(keys, labels, placement.cells, placement.origins, strict=True):
            if value is None:
                continue
            where = row.places[origin] if origin is not None else row.place
            place = replace(where, row=row.printed, column=label)
            if placement.run:  # the cell was not printed apart: say which run it was split from
                place = replace(place, text=f"连写的「{placement.run}」拆分所得")
            if not row.group:
                self.values[key] = value
            target[key] = Evidence(key, value, semantic(value, _kind(key)), place)
        if placement.note:
            self.notes.append(placement.note)
            missing = tuple(k for k, v in zip(keys, placement.cells, strict=True) if v is None)
            self.left_out.append(LeftOut(missing, row.text, placement.note, replace(row.place, row=row.printed)))


def _kind(key: str) -> schema.Kind:
    figure = schema.figures().get(key)
    return figure.kind if figure else schema.Kind.COUNT


def _cut_group_piece(compact: str, index: RowIndex) -> str:
    """The text without a leading piece of a group label ("理缴纳费用…" -> "缴纳费用…"): a layout extraction prints a
    tall group cell's wrapped text on the lines of the rows beside it."""
    for cut in range(min(4, len(compact) - 1), 0, -1):
        if index.is_group_part(compact[:cut]):
            return compact[cut:]
    return compact


def _continues(row: RowCells, text: str, index: RowIndex) -> bool:
    """Whether `text` is the rest of the row's label, broken across lines: a part of that label (maybe after a
    piece of a group label printed beside it)."""
    label = norm(row.label)
    compact = strip_numbering(norm(text))
    return bool(compact) and (compact in label or _cut_group_piece(compact, index) in label)


def _row_columns(index: RowIndex, prefix: str) -> tuple[str, ...]:
    if prefix in index.rows:
        return index.rows[prefix].columns
    return next(row.columns for key, row in index.rows.items() if key.startswith(prefix + "."))


def _new_row(
    prefix: str, line: Line, cells: Sequence[str], start: int, positional: bool, label: str, printed: str
) -> RowCells:
    """The row a label opens, with the cells after the label (only the non-empty ones when spaces separate them)."""
    at = [i for i in range(start, len(cells)) if positional or cells[i]]
    after = [cells[i] for i in at]
    row = RowCells(prefix, after, positional, line.where, (start - 1, len(after)), label)
    row.places, row.printed, row.text = [line.cell_place(i) for i in at], printed, line.text.strip()
    row.place, row.run_together = line.place, line.run_together
    return row


def _tail(line: Line, cells: Sequence[str], positional: bool, start: int = 0) -> tuple[list[str], list[Place]]:
    at = [i for i in range(start, len(cells)) if positional or cells[i]]
    return [cells[i] for i in at], [line.cell_place(i) for i in at]


def _labelled_rows(lines: Sequence[Line], index: RowIndex, header: frozenset[str]) -> tuple[list[RowCells], list[str]]:
    """The rows of a table, each with the cells printed after its label.

    Numbers alone on a line continue the row whose label came just before them (a row broken across lines, a
    cell per line); once anything else came between — another label, a header, a caption — they belong to no
    row that can be known (an extraction that prints all labels first, then all numbers) and are noted.
    """
    rows: list[RowCells] = []
    notes: list[str] = []
    current: RowCells | None = None
    held: Line | None = None  # a line of numbers only, after a row already complete
    fragment = ""
    for line in lines:
        cells, positional = split_cells(line.text)
        data_at = [i for i, c in enumerate(cells) if c and is_data(c)]
        labels_at = [i for i, c in enumerate(cells) if c and not is_data(c) and (not data_at or i < data_at[0])]
        if not labels_at and not data_at:
            continue
        piece = "".join(cells[i] for i in labels_at)
        if labels_at and data_at and index.is_group_part(piece) and index.match(piece) != GROUP:
            labels_at = []  # a piece of a group's tall cell beside a row's figures ("（三）  2  0 …")
        if not labels_at:  # numbers only: the rest of a row broken across lines
            width = len(_row_columns(index, current.prefix)) if current else 0
            if current is not None and current.data_count() < width:
                more, places = _tail(line, cells, positional)
                if current.data_count() == 0:
                    current.reset(more, places, line.text.strip())
                else:
                    first = next((i for i, c in enumerate(more) if c), 0)
                    current.extend(more[first:], places[first:], line.text.strip())
            elif held is None:
                held = line  # maybe the figures of the label on the next line (printed a little higher)
            else:
                notes.append(f"{held.where}：无法归入任何一行的数字「{held.text.strip()}」，未导入。")
                held = line
            continue
        last = labels_at[-1]
        joined = "".join(cells[i] for i in labels_at)
        prefix = index.match(cells[last]) or index.match(joined)
        if prefix is None and fragment:
            prefix = index.match(fragment + joined)
        if prefix in (None, GROUP) and not (not data_at and index.is_group_part(joined)):
            held = _release(held, notes)  # held numbers go only to the row label right after them
        if not data_at and any(norm(cells[i]) in header for i in labels_at):
            current, fragment = None, ""
            continue
        if prefix == GROUP:
            group = index.group(joined) if data_at else ""
            if group:  # a group printed as one row of its own (（六）其他处理 without its sub-rows): kept as given
                current = _new_row(group, line, cells, last + 1, positional, joined, joined)
                current.group = True
                rows.append(current)
            elif data_at:
                notes.append(f"{line.where}：分组标题「{joined}」后的数字无法归入任何一行，未导入。")
            else:
                current = None
            fragment = ""
            continue
        if prefix is None:
            if current is not None and current.data_count() == 0 and _continues(current, joined, index):
                current.printed += joined  # the label ran on to this line
                if data_at:
                    current.reset(*_tail(line, cells, positional, last + 1), line.text.strip())
            elif data_at:
                notes.append(f"{line.where}：未识别的行「{joined}」，其中的数字未导入。")
            elif not (current is not None and _continues(current, joined, index)) and not index.is_group_part(joined):
                fragment = joined if not fragment else fragment + joined
                current = None
            continue
        fragment = ""
        printed = cells[last] if index.match(cells[last]) == prefix else joined  # the row's own cell, not its group's
        current = _new_row(prefix, line, cells, last + 1, positional, index.rows[prefix].label, printed)
        rows.append(current)
        if held is not None and current.data_count() == 0:
            held_cells, held_positional = split_cells(held.text)
            current.reset(*_tail(held, held_cells, held_positional), held.text.strip())
            held = None
        held = _release(held, notes)
    _release(held, notes)
    return rows, notes


def _release(held: Line | None, notes: list[str]) -> Line | None:
    """Numbers held for a label that did not come next: they belong to no row that can be known (none is held)."""
    if held is not None:
        notes.append(f"{held.where}：无法归入任何一行的数字「{held.text.strip()}」，未导入。")
    return None


def _resolve_runs(placements: dict[str, Placement], rows: dict[str, RowCells]) -> None:
    """Table 三's rows whose cells ran together, settled by the column rules where the rows' own could not."""
    open_rows = {p: [list(o) for o in pl.options] for p, pl in placements.items() if pl.options}
    derived = {p for p, pl in placements.items() if pl.derived}
    if not open_rows and not derived:
        return
    known = {
        p: [c or "" for c in pl.cells] for p, pl in placements.items() if None not in pl.cells and not rows[p].group
    }
    placed, dropped = resolve_t3(known, open_rows, derived)
    for prefix in open_rows:
        if prefix in placed:
            before = placements[prefix]
            placements[prefix] = Placement(list(placed[prefix]), "", before.origins, before.run, derived=True)
    for prefix in dropped:
        before, row = placements[prefix], rows[prefix]
        note = (
            f"{row.where}「{row.label}」的数字连在一起（「{before.run}」），拆分后与本表其他行的勾稽关系不符，"
            "无法确定，未导入。"
        )
        placements[prefix] = Placement([None] * len(before.cells), note, run=before.run)


def read_rows(
    lines: Sequence[Line],
    index: RowIndex,
    header: frozenset[str],
    adds_up: Callable[[Sequence[str]], bool] | None,
    holds: RowRule | None = None,
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
    placements: dict[str, Placement] = {}
    for prefix, row in by_prefix.items():
        width = len(_row_columns(index, prefix))
        same_width = [r for r in rows if len(_row_columns(index, r.prefix)) == width]
        placements[prefix] = place(row, width, _leads(same_width, width), adds_up, holds)
    if holds is t3_row_holds:
        _resolve_runs(placements, by_prefix)
    for prefix, row in by_prefix.items():
        columns = _row_columns(index, prefix)
        labels = [_column_label(index, prefix, column) for column in columns]
        result.put(row, placements[prefix], [f"{prefix}.{column}" for column in columns], labels)
    for prefix, row in by_prefix.items():
        if row.group:
            _absent_children(result, index, prefix, row)
    return result


def _column_label(index: RowIndex, prefix: str, column: str) -> str:
    key = f"{prefix}.{column}"
    if key in schema.figures():
        return schema.figures()[key].label.rpartition("·")[2]
    return dict(schema.T3_COLUMNS).get(column, column)


def _absent_children(result: TableResult, index: RowIndex, group: str, row: RowCells) -> None:
    """A group printed only as its own row: the rows under it are not in the report — absent, never 0."""
    children = [p for p in index.rows if p.startswith(group + ".")]
    if any(f"{child}.{column}" in result.values for child in children for column in index.rows[child].columns):
        return  # the report prints the group's total and its rows: the rows stand
    for child in children:
        for column in index.rows[child].columns:
            key = f"{child}.{column}"
            place = replace(row.place, row=row.printed, column=_column_label(index, child, column))
            result.evidence[key] = Evidence(key, "", "absent", place)
    labels = "、".join(index.rows[child].label for child in children)
    result.notes.append(
        f"{row.where}「{row.printed}」只印了一行，没有分列其下各项（{labels}）：这一行按原样保留，"
        "各项作缺失处理（不是 0），请补填。"
    )


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
    return read_rows(lines, t3_index(), t3_header_words(), t3_adds_up, t3_row_holds)


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
        if row is None:
            row = _new_row("t4", line, cells, start, positional, "表四", "")
        else:
            row.extend(*_tail(line, cells, positional, start), line.text.strip())
            row.positional = row.positional and positional
    keys = t4_keys()
    if row is None:
        return result
    labels = [schema.figures()[key].label for key in keys]
    result.put(row, place(row, len(keys), {}, t4_adds_up, t4_row_holds), keys, labels)
    return result
