"""Placing the figures of tables 二, 三 and 四 from the rows found in a report's lines, never by guess.

A row's figures are the cells after its label (rows.py): the only fit, else the alignment of rows of the same
shape, else the only alignment that adds up; a row whose cells the page ran together is split only where one
split alone fits (runs.py). What stays ambiguous is left out, with the row's own text, and said so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from generator.format import relations, schema
from generator.format.cells import parse_figure, semantic
from generator.format.model import Place
from generator.importers.base import Evidence, LeftOut, Line
from generator.importers.labels import RowIndex, norm, t2_index, t3_header_words, t3_index
from generator.importers.rows import RowCells, is_data, labelled_rows, new_row, row_columns, split_cells, tail
from generator.importers.runs import (
    T3_ROW_KEYS,
    T4_KEYS,
    RowRule,
    decode_detached,
    resolve_t3,
    splits,
    t3_row_holds,
    t4_row_holds,
)

__all__ = ["RowCells", "TableResult", "place", "read_t2", "read_t3", "read_t4"]


def _number(cell: str) -> Decimal | None:
    value = parse_figure(cell, schema.Kind.WAN_YUAN).value
    return Decimal(value) if value is not None else None


def t3_adds_up(cells: Sequence[str]) -> bool:
    """The row's relation holds with a non-zero 总计 printed (blanks as 0): evidence that an alignment is right."""
    return relations.row_adds_up(T3_ROW_KEYS, cells, _number)


def t4_adds_up(cells: Sequence[str]) -> bool:
    return relations.row_adds_up(T4_KEYS, cells, _number)


@dataclass
class Placement:
    cells: Sequence[str | None]  # None: this column could not be placed
    note: str = ""
    origins: Sequence[int | None] = ()  # for each column, the index of its cell in the row (None: not printed)
    run: str = ""  # figures split out of this run of digits printed together
    how: str = ""  # how figures not printed in a cell of their own were found (shown with their place)
    derived: bool = False  # the split was chosen by the table's arithmetic, not by the row's structure alone
    options: Sequence[Sequence[str]] = ()  # several splits fit the row: table 三's column rules may choose

    def __post_init__(self) -> None:
        self.origins = self.origins or [None] * len(self.cells)


SHOWN_SPLITS = 6  # the candidate splits a note lists


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
    how = f"连写的「{run}」拆分所得"
    if len(options) == 1:
        return Placement(options[0], "", origins, run, derived=not forced, how=how)
    if not options:
        return Placement([None] * width, f"{said}，没有一种拆分符合本表的结构和勾稽关系，未导入。", run=run)
    shown = "、".join("/".join(o) for o in options[:SHOWN_SPLITS]) + ("等" if len(options) > SHOWN_SPLITS else "")
    note = f"{said}，有 {len(options)} 种拆分都符合本表的结构和勾稽关系（{shown}），无法确定，未导入。"
    return Placement([None] * width, note, origins, run, options=options, how=how)


def _tail_may_belong(row: RowCells, figures: list[str], width: int, holds: RowRule | None) -> bool:
    """Whether the digits cut from the row's end (the year of the prose after it) could be the end of its last
    figure instead: then where the figures stop is not known."""
    joined = [*figures[:-1], figures[-1] + row.tail]
    if len(joined) < width:  # run together: the year's digits would be split among the cells
        options = splits(" ".join(joined), width)
        return options is None or any(holds is None or holds(o) for o in options)
    last = joined[-1]
    kind = next(f.kind for k, f in schema.figures().items() if k.startswith(row.prefix + "."))
    return not (last.startswith("0") and last[1:2].isdigit()) and parse_figure(last, kind).value is not None


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
    if row.tail and filled and _tail_may_belong(row, [cells[i] for i in filled], width, holds):
        shown = f"{' '.join(cells[i] for i in filled)}{row.tail}年"
        return Placement(
            [None] * width,
            f"{row.where}「{row.label}」的数字与其后的正文连在一起（「{shown}」），无法确定数字在哪里结束，未导入。",
        )
    if row.run_together and not row.positional and 0 < len(filled) < width:
        return _split_run(row, filled, width, holds)
    if not filled:
        # In an article crawled as one line each row runs straight on to the next: no figure is a blank row.
        if row.positional and len(cells) >= width or row.run_together and not row.group:
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
    starts = [s for s in range(max(0, last - width + 1), first + 1) if s + width <= len(cells)]
    if not starts:  # fewer cells than columns ("| 行政规范性文件 | 22 | 35 |"): which one is missing is not known
        return Placement(
            [None] * width,
            f"{row.where}「{row.label}」只有 {len(cells)} 格（应为 {width} 格），无法确定缺了哪一格，未导入。",
        )
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
    unaccounted: bool = False  # figures were printed that went to no row: a row not found may be among them

    def put(self, row: RowCells, placement: Placement, keys: Sequence[str], labels: Sequence[str]) -> None:
        """The placed figures of a row with their cells; the columns that could not be placed are left out."""
        target = self.groups if row.group else self.evidence
        for key, label, value, origin in zip(keys, labels, placement.cells, placement.origins, strict=True):
            if value is None:
                continue
            where = row.places[origin] if origin is not None else row.place
            place = replace(where, row=row.printed, column=label)
            if placement.how:  # the cell was not printed as a cell of its row: say how the figure was found
                place = replace(place, text=placement.how)
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
            placements[prefix] = Placement(
                list(placed[prefix]), "", before.origins, before.run, how=before.how, derived=True
            )
    for prefix in dropped:
        before, row = placements[prefix], rows[prefix]
        note = (
            f"{row.where}「{row.label}」的数字连在一起（「{before.run}」），拆分后与本表其他行的勾稽关系不符，"
            "无法确定，未导入。"
        )
        placements[prefix] = Placement([None] * len(before.cells), note, run=before.run)


def _detached(
    rows: dict[str, RowCells], stray: list[Line], placements: dict[str, Placement], holds: RowRule, index: RowIndex
) -> list[Line]:
    """Rows whose labels were printed without figures and numbers printed apart from any label (an extraction that
    prints a table's labels first, then its numbers): matched only where every reading of the numbers that keeps
    each row's rule gives a row the same figures (runs.decode_detached); what is left stays unplaced."""
    waiting = [p for p, row in rows.items() if row.data_count() == 0 and not row.group]
    tokens: list[tuple[str, Place]] = []
    for line in stray:
        cells, positional = split_cells(line.text)
        tokens += [(cell, line.cell_place(i)) for i, cell in enumerate(cells) if cell and is_data(cell)]
    widths = {len(row_columns(index, p)) for p in waiting}
    if not waiting or len(widths) != 1:
        return stray
    width = widths.pop()
    decoded = decode_detached([text for text, _ in tokens], len(waiting), width, holds)
    if not any(decoded):
        return stray
    how = "标签与数字分开印出，按行序和勾稽关系对应"
    for prefix, found in zip(waiting, decoded, strict=True):
        row = rows[prefix]
        if isinstance(found, tuple):
            values, origin = found
            row.cells = values
            row.places = [tokens[i][1] for i in origin] if origin else [row.place] * width
            placements[prefix] = Placement(values, "", list(range(width)), derived=True, how=how)
        elif found:  # several readings: the column rules may choose among them
            row.places = [row.place] * width
            note = f"{row.where}「{row.label}」的数字与标签分开印出，有 {len(found)} 种读法都符合勾稽关系，无法确定，未导入。"
            placements[prefix] = Placement([None] * width, note, [None] * width, options=found, how=how)
    return []  # the numbers of the rows not matched: those rows are left out, each with its note


def read_rows(
    lines: Sequence[Line],
    index: RowIndex,
    header: frozenset[str],
    adds_up: Callable[[Sequence[str]], bool] | None,
    holds: RowRule | None = None,
) -> TableResult:
    rows, notes, stray = labelled_rows(lines, index, header)
    result = TableResult(notes=notes, unaccounted=bool(notes))
    by_prefix: dict[str, RowCells] = {}
    for row in rows:
        chosen = by_prefix.get(row.prefix)
        if chosen is None or (chosen.data_count() == 0 and row.data_count() > 0):
            by_prefix[row.prefix] = row
        elif row.data_count() > 0:
            result.notes.append(f"{row.where}「{row.label}」重复出现，已采用{chosen.where}的数字。")
    placements: dict[str, Placement] = {}
    leads: dict[int, dict[tuple[int, int], int]] = {}  # by width: the same for every row of that width
    for prefix, row in by_prefix.items():
        width = len(row_columns(index, prefix))
        if width not in leads:
            leads[width] = _leads([r for r in rows if len(row_columns(index, r.prefix)) == width], width)
        placements[prefix] = place(row, width, leads[width], adds_up, holds)
    if holds is not None:
        stray = _detached(by_prefix, stray, placements, holds, index)
    if stray:  # one note for them all: an extraction that prints numbers apart prints many
        result.unaccounted = True
        shown = " ".join(line.text.strip() for line in stray[:12]) + (" …" if len(stray) > 12 else "")
        result.notes.append(f"{stray[0].where}起：{len(stray)} 行数字无法归入任何一行（{shown}），未导入。")
    if holds is t3_row_holds:
        _resolve_runs(placements, by_prefix)
    for prefix, row in by_prefix.items():
        columns = row_columns(index, prefix)
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
    if result.left_out:
        _t2_columns_apart(lines, result)
    result.notes[:0] = _t2_columns_note(lines)
    return result


def _t2_columns_apart(lines: Sequence[Line], result: TableResult) -> None:
    """Table 二 printed with its labels first and each column's numbers after its heading (pdftotext without
    -layout): a heading that alone names one column of one block, followed by exactly as many numbers as that
    block has rows, gives those rows' figures in that column, in order. Two headings in a row say nothing."""
    columns: dict[str, list[tuple[schema.T2Block, str, str]]] = {}
    for block in schema.T2_BLOCKS:
        for key, label in block.columns:
            columns.setdefault(norm(label), []).append((block, key, label))
    captions = {norm(block.caption): block for block in schema.T2_BLOCKS}
    caption: schema.T2Block | None = None
    heading: list[tuple[schema.T2Block, str, str]] = []
    headings = 0
    numbers: list[tuple[str, Place]] = []
    filled: set[str] = set()

    def settle() -> None:
        found = [c for c in heading if caption is None or len(heading) == 1 or c[0] is caption]
        if headings == 1 and len(found) == 1 and len(numbers) == len(found[0][0].rows):
            block, key, label = found[0]
            for (row, row_label), (value, place) in zip(block.rows, numbers, strict=True):
                figure = f"{block.prefix}.{row}.{key}"
                if figure not in result.values:
                    where = replace(place, row=row_label, column=label, text="标签与数字分开印出，按栏目标题对应")
                    result.values[figure] = value
                    result.evidence[figure] = Evidence(figure, value, semantic(value, _kind(figure)), where)
                    filled.add(figure)
        numbers.clear()

    for line in lines:
        cells = [c for c in split_cells(line.text)[0] if c]
        if cells and all(is_data(c) for c in cells):
            numbers += [(c, line.cell_place(i)) for i, c in enumerate(cells)]
            continue
        if numbers:
            settle()
            heading, headings = [], 0
        if norm(line.text) in captions:
            caption, heading, headings = captions[norm(line.text)], [], 0
        elif len(cells) == 1 and norm(cells[0]) in columns:
            heading, headings = columns[norm(cells[0])], headings + 1
        else:
            heading, headings = [], 0
    if numbers:
        settle()
    if filled:  # the rows still without figures have their own notes
        result.notes = [note for note in result.notes if "行数字无法归入任何一行" not in note]
    _forget_left_out(result, filled)


def _forget_left_out(result: TableResult, filled: set[str]) -> None:
    """Rows left out whose figures were found after all: what is still missing stays left out, with its note."""
    kept = []
    for item in result.left_out:
        keys = tuple(k for k in item.keys if k not in filled)
        if keys != item.keys and item.reason in result.notes:
            result.notes.remove(item.reason)
        if keys:
            kept.append(replace(item, keys=keys))
            if keys != item.keys:
                result.notes.append(item.reason.replace("这一行没有找到数字", "这一行有的数字没有找到"))
    result.left_out = kept


def read_t3(lines: Sequence[Line]) -> TableResult:
    return read_rows(lines, t3_index(), t3_header_words(), t3_adds_up, t3_row_holds)


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
            row = new_row("t4", line, cells, start, positional, "表四", "")
        else:
            row.extend(*tail(line, cells, positional, start), line.text.strip())
            row.positional = row.positional and positional
    keys = list(T4_KEYS)
    if row is None:
        result.unaccounted = True  # a table 四 with no figures found: lost by the reader as likely as left blank
        return result
    labels = [schema.figures()[key].label for key in keys]
    result.put(row, place(row, len(keys), {}, t4_adds_up, t4_row_holds), keys, labels)
    return result
