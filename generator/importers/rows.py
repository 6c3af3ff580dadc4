"""Finding a table's rows in a report's lines: each row label with the cells printed after it.

A table line is a row of cells: tab-separated (pasted from a web page, or a real table's row), "|"-separated, or
words separated by spaces. With tabs an empty cell keeps its place, so a blank stays blank at the right column;
with spaces a blank vanishes (tables.py then cannot place a row with too few numbers and says so). Rows broken
across lines are joined back; numbers that belong to no row that can be known are kept apart (`stray`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from generator.format.cells import ZERO_PLACEHOLDERS
from generator.format.model import NOWHERE, Place
from generator.importers.base import Line
from generator.importers.labels import GROUP, RowIndex, norm, strip_numbering

DATA_TOKEN = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?(?:件|个|条|次|项|元|万元)?$")
# A label whose text ran into the figure after it ("行政规范性文件4 1 23": a narrow label column in a PDF drawn
# without rules); labels end in words, never in figures.
GLUED = re.compile(r"(?<=[\u4e00-\u9fff）)][\u4e00-\u9fff）)])(\d[\d,]*(?:\.\d+)?)(?=\s|$)")  # not "表3"
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
    for token in GLUED.sub(r" \1", text).split():
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
    tail: str = ""  # digits that may belong to the last cell or to the prose after it (Line.tail)
    scanned: bool = False  # a scan's ruled row: its cells keep their places, the arithmetic proof-reads them

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


def row_columns(index: RowIndex, prefix: str) -> tuple[str, ...]:
    """A row's or a group's columns; for a row whose label matched none yet (prefix ""), the columns every row of
    the table shares, none when they differ (its numbers then wait for its place)."""
    if prefix in index.rows:
        return index.rows[prefix].columns
    if not prefix:
        shapes = {row.columns for row in index.rows.values()}
        return shapes.pop() if len(shapes) == 1 else ()
    return next(row.columns for key, row in index.rows.items() if key.startswith(prefix + "."))


def new_row(
    prefix: str, line: Line, cells: Sequence[str], start: int, positional: bool, label: str, printed: str
) -> RowCells:
    """The row a label opens, with the cells after the label (only the non-empty ones when spaces separate them)."""
    at = [i for i in range(start, len(cells)) if positional or cells[i]]
    after = [cells[i] for i in at]
    row = RowCells(prefix, after, positional, line.where, (start - 1, len(after)), label)
    row.places, row.printed, row.text = [line.cell_place(i) for i in at], printed, line.text.strip()
    row.place, row.run_together, row.tail = line.place, line.run_together, line.tail
    row.scanned = bool(line.readings)
    return row


def tail(line: Line, cells: Sequence[str], positional: bool, start: int = 0) -> tuple[list[str], list[Place]]:
    at = [i for i in range(start, len(cells)) if positional or cells[i]]
    return [cells[i] for i in at], [line.cell_place(i) for i in at]


def labelled_rows(
    lines: Sequence[Line], index: RowIndex, header: frozenset[str]
) -> tuple[list[RowCells], list[str], list[Line]]:
    """The rows of a table, each with the cells printed after its label.

    Numbers alone on a line continue the row whose label came just before them (a row broken across lines, a
    cell per line), or, printed a little higher, the label just after them; once anything else came between —
    another label, a header, a caption — they belong to no row that can be known (an extraction that prints all
    labels first, then all numbers) and are returned apart, in order (`stray`).
    """
    rows: list[RowCells] = []
    stray: list[Line] = []  # lines of numbers that belong to no row that can be known
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
        waiting = current is not None and current.data_count() == 0 and not current.group
        if labels_at and data_at and index.is_group_part(piece) and (index.match(piece) != GROUP or waiting):
            # A piece of a group's tall cell beside a row's figures ("（三）  2  0 …"); even the group's whole
            # label when the row above still waits for its figures (a layout extraction centres tall cells).
            labels_at = []
        if not labels_at:  # numbers only: the rest of a row broken across lines
            width = len(row_columns(index, current.prefix)) if current else 0
            if current is not None and current.data_count() < width:
                more, places = tail(line, cells, positional)
                if current.data_count() == 0:
                    current.reset(more, places, line.text.strip())
                else:
                    first = next((i for i, c in enumerate(more) if c), 0)
                    current.extend(more[first:], places[first:], line.text.strip())
            elif held is None:
                held = line  # maybe the figures of the label on the next line (printed a little higher)
            else:
                stray.append(held)
                held = line
            continue
        last = labels_at[-1]
        joined = "".join(cells[i] for i in labels_at)
        prefix = index.match(cells[last]) or index.match(joined)
        if prefix is None and fragment:
            prefix = index.match(fragment + joined)
        if prefix in (None, GROUP) and not (not data_at and index.is_group_part(joined)):
            held = _release(held, stray)  # held numbers go only to the row label right after them
        if not data_at and any(norm(cells[i]) in header for i in labels_at):
            current, fragment = None, ""
            continue
        if prefix == GROUP:
            group = index.group(joined) if data_at else ""
            if group:  # a group printed as one row of its own (（六）其他处理 without its sub-rows): kept as given
                current = new_row(group, line, cells, last + 1, positional, joined, joined)
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
                    current.reset(*tail(line, cells, positional, last + 1), line.text.strip())
            elif data_at:  # a label worded otherwise: its neighbours may still say which row it is
                current = new_row("", line, cells, last + 1, positional, "", joined)
                rows.append(current)
            elif not (current is not None and _continues(current, joined, index)) and not index.is_group_part(joined):
                fragment = joined if not fragment else fragment + joined
                current = None
            continue
        fragment = ""
        printed = cells[last] if index.match(cells[last]) == prefix else joined  # the row's own cell, not its group's
        current = new_row(prefix, line, cells, last + 1, positional, index.rows[prefix].label, printed)
        rows.append(current)
        if held is not None and current.data_count() == 0:
            held_cells, held_positional = split_cells(held.text)
            if sum(1 for c in held_cells if c and is_data(c)) == len(row_columns(index, current.prefix)):
                current.reset(*tail(held, held_cells, held_positional), held.text.strip())  # a whole row, no less
                held = None
        held = _release(held, stray)
    _release(held, stray)
    return _by_neighbours(rows, index, notes), notes, stray


LIKENESS = 0.6  # how alike an unknown label must be to the one row its neighbours leave for it


def _by_neighbours(rows: list[RowCells], index: RowIndex, notes: list[str]) -> list[RowCells]:
    """Rows whose label matched none: each is the row that its recognised neighbours leave between them, when
    they leave exactly one not found elsewhere and the label is worded like it ("7.属于行政执法案件" between 6 and
    8), or, on a scan, whatever the engine made of the label when the row has a cell for each of the row's
    columns in its ruled grid (its figures are then kept only where the arithmetic vouches for them: a row put
    in the wrong place breaks its columns' sums); any other is left out with a note, its figures given to no
    row."""
    order = list(index.rows)
    found = {row.prefix for row in rows if row.prefix in index.rows}
    kept = []
    for n, row in enumerate(rows):
        if row.prefix:
            kept.append(row)
            continue
        before = next((r.prefix for r in reversed(rows[:n]) if r.prefix in index.rows), None)
        after = next((r.prefix for r in rows[n + 1 :] if r.prefix in index.rows), None)
        low = order.index(before) + 1 if before else 0
        high = order.index(after) if after else len(order)
        gap = [p for p in order[low:high] if p not in found]
        label = strip_numbering(norm(row.printed))
        if len(gap) == 1 and (
            difflib.SequenceMatcher(None, label, strip_numbering(norm(index.rows[gap[0]].label))).ratio() >= LIKENESS
            or (row.scanned and len(row.cells) == len(index.rows[gap[0]].columns))
        ):
            row.prefix, row.label = gap[0], index.rows[gap[0]].label
            found.add(gap[0])
            kept.append(row)
        else:
            notes.append(f"{row.where}：未识别的行「{row.printed}」，其中的数字未导入。")
    return kept


def _release(held: Line | None, stray: list[Line]) -> Line | None:
    """Numbers held for a label that did not come next: they belong to no row that can be known (none is held)."""
    if held is not None:
        stray.append(held)
    return None
