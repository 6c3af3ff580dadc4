"""A table's cells laid out on a grid, with the row and column spans of the official format."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Scope = Literal["col", "colgroup", "row", "rowgroup"]


@dataclass(frozen=True)
class GridCell:
    """One cell at its top-left grid position; a header cell shows its text, a figure cell has a key.

    A figure cell's text is the figure's full label (row·column), which is never printed in the cell.
    """

    row: int
    col: int
    text: str = ""
    key: str = ""
    rowspan: int = 1
    colspan: int = 1
    scope: Scope | None = None

    @property
    def is_figure(self) -> bool:
        return bool(self.key)


@dataclass(frozen=True)
class Grid:
    """A whole table: caption, size, how many leading rows are column headers, and its cells."""

    caption: str
    n_rows: int
    n_cols: int
    head_rows: int
    cells: tuple[GridCell, ...]

    def rows(self) -> list[list[GridCell]]:
        """Cells grouped by the row they start in, left to right (the order HTML needs)."""
        grouped: list[list[GridCell]] = [[] for _ in range(self.n_rows)]
        for cell in sorted(self.cells, key=lambda c: (c.row, c.col)):
            grouped[cell.row].append(cell)
        return grouped

    def figure_cells(self) -> list[GridCell]:
        return [c for c in self.cells if c.is_figure]


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (spreadsheet column names)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def column_number(letters: str) -> int:
    """A -> 1, Z -> 26, AA -> 27 (1-based, as spreadsheets count)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


@lru_cache(maxsize=4096)
def cell_position(address: str) -> tuple[int, int]:
    """ "D5" -> (5, 4): a cell address's row and column, 1-based (row 0 when the address names a column only)."""
    letters = address.rstrip("0123456789")
    digits = address[len(letters) :]
    return (int(digits) if digits else 0), column_number(letters)


def sheet_address(cell: GridCell, first_row: int) -> str:
    """The spreadsheet address of a grid cell when the grid starts at row `first_row` (1-based)."""
    return f"{column_letter(cell.col)}{cell.row + first_row}"
