"""A row's figures run together ("640020470"): every way to split the run into the row's cells, and the table's
arithmetic (勾稽关系) that may single one out.

A split is a way of cutting each digit run into numbers, none with a leading zero (0 itself stands alone); a
stand-in such as "/" or "—" is one cell by itself. When the run has as many digits as the row has cells, one
split exists and the structure alone places it. Otherwise the arithmetic decides — the row's own total, then
table 三's column totals — and a row is placed only when exactly one split is left; never by a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import cache
from itertools import product
from math import prod

from generator.format import relations, schema

ATOM = re.compile(r"——|\d+|[/／—–\-]")
MAX_SPLITS = 20_000  # past this many ways the run says too little to be placed at all
MAX_COMBINATIONS = 10_000  # splits of several rows weighed together against one column rule


def _cuts(digits: str, parts: int) -> Iterator[list[str]]:
    """`digits` cut into `parts` numbers without leading zeros."""
    if parts == 1:
        if digits == "0" or not digits.startswith("0"):
            yield [digits]
        return
    if digits.startswith("0"):
        for rest in _cuts(digits[1:], parts - 1):
            yield ["0", *rest]
        return
    for i in range(1, len(digits) - parts + 2):
        for rest in _cuts(digits[i:], parts - 1):
            yield [digits[:i], *rest]


def _counts(sizes: Sequence[int], total: int) -> Iterator[list[int]]:
    """How many numbers each digit run holds (between 1 and its length), adding up to `total`."""
    if not sizes:
        if total == 0:
            yield []
        return
    rest_max = sum(sizes[1:])
    for n in range(max(1, total - rest_max), min(sizes[0], total - len(sizes) + 1) + 1):
        for more in _counts(sizes[1:], total - n):
            yield [n, *more]


def splits(run: str, width: int) -> list[list[str]] | None:
    """Every split of the run into `width` cells; None when there are too many to consider."""
    atoms = ATOM.findall(run)  # cells the page kept apart by spaces stay apart
    if "".join(atoms) != re.sub(r"\s+", "", run):
        return []  # a decimal point or a separator inside the run: not a row of counts run together
    runs = [a for a in atoms if a[0].isdigit()]
    found: list[list[str]] = []
    for counts in _counts([len(r) for r in runs], width - (len(atoms) - len(runs))):
        choices = [list(_cuts(r, n)) for r, n in zip(runs, counts, strict=True)]
        for pieces in product(*choices):
            cells: list[str] = []
            numbers = iter(pieces)
            for atom in atoms:
                cells += next(numbers) if atom[0].isdigit() else [atom]
            found.append(cells)
            if len(found) > MAX_SPLITS:
                return None
    return found


def _number(cell: str) -> Decimal | None:
    return Decimal(cell) if cell.isdigit() else None


# Every row of table 三 keeps the same relation (总计 = the six applicant cells): a row is checked as its first
# one, so that a group's own row ("（六）其他处理" printed alone) is held to it too.
T3_ROW_KEYS = tuple(f"t3.{schema.T3_ROW_KEYS[0]}.{column}" for column, _ in schema.T3_COLUMNS)
T4_KEYS = tuple(key for key in schema.figures() if key.startswith("t4."))


def t3_row_holds(cells: Sequence[str]) -> bool:
    """Table 三's row relations (format/relations.py) hold for a printed row's cells."""
    return relations.row_holds(T3_ROW_KEYS, cells, _number)


def t4_row_holds(cells: Sequence[str]) -> bool:
    """Table 四's relations (the three groups' totals) hold for its printed cells."""
    return relations.row_holds(T4_KEYS, cells, _number)


@cache
def _across_rows() -> list[tuple[tuple[str, ...], tuple[relations.Relation, ...]]]:
    """Table 三's relations between rows, gathered by the rows they join (the column totals of every column
    together, the balance of every column together): (the rows' figure-key prefixes, the relations)."""
    groups: dict[tuple[str, ...], list[relations.Relation]] = {}
    for relation in relations.single_year():
        rows = tuple(dict.fromkeys(key.rpartition(".")[0] for key in relation.keys))
        if len(rows) > 1 and rows[0].startswith("t3."):
            groups.setdefault(rows, []).append(relation)
    return [(rows, tuple(group)) for rows, group in groups.items()]


def _rows_hold(rules: Sequence[relations.Relation], rows: Mapping[str, Sequence[str]]) -> bool:
    columns = [column for column, _ in schema.T3_COLUMNS]
    values = {
        f"{prefix}.{column}": _number(cell) or 0
        for prefix, cells in rows.items()
        for column, cell in zip(columns, cells, strict=True)
    }
    return all(relations.holds(rule, values) is not False for rule in rules)


def resolve_t3(
    known: Mapping[str, Sequence[str]], open_rows: Mapping[str, list[list[str]]], derived: set[str]
) -> tuple[dict[str, Sequence[str]], set[str]]:
    """Table 三's rows split by the relations between rows: the rows whose splits differ are narrowed by each
    relation they take part in, keeping the splits that hold together with the rows known (a few unknown rows at
    a time); a row split by arithmetic is dropped again when a relation it takes part in fails once every row of
    it is known (the report's own error, or a split that only seemed right).

    `known`: rows placed (by structure, or by arithmetic when named in `derived`); `open_rows`: rows with several
    splits left. Returns the rows placed and the rows dropped."""
    placed: dict[str, Sequence[str]] = dict(known)
    pending = {p: list(o) for p, o in open_rows.items()}
    chosen = set(derived)
    changed = True
    while changed and pending:
        changed = False
        for rows, rules in _across_rows():
            unsettled = [p for p in rows if p in pending]
            if not unsettled or not all(p in placed or p in pending for p in rows):
                continue
            if prod(len(pending[p]) for p in unsettled) > MAX_COMBINATIONS:
                continue
            kept: dict[str, list[list[str]]] = {p: [] for p in unsettled}
            for combination in product(*(pending[p] for p in unsettled)):
                rows_now = {p: placed[p] for p in rows if p in placed} | dict(zip(unsettled, combination, strict=True))
                if _rows_hold(rules, rows_now):
                    for p, option in zip(unsettled, combination, strict=True):
                        if option not in kept[p]:
                            kept[p].append(option)
            for prefix, options in kept.items():
                if len(options) < len(pending[prefix]):
                    changed = True
                    pending[prefix] = options
                if len(options) == 1:
                    placed[prefix] = options[0]
                    chosen.add(prefix)
                    del pending[prefix]
    dropped: set[str] = set()
    for rows, rules in _across_rows():
        complete = all(p in placed for p in rows) and any(p in chosen for p in rows)
        if complete and not _rows_hold(rules, {p: placed[p] for p in rows}):
            dropped |= {p for p in rows if p in chosen}
    return {p: cells for p, cells in placed.items() if p not in dropped}, dropped


RowRule = Callable[[Sequence[str]], bool]


def _block(tokens: Sequence[str], start: int, rows: int, width: int, by_column: bool) -> list[list[int]]:
    """The token indexes of each row of a block of `rows` rows starting at token `start`, read row by row or
    column by column (as an extraction prints a block of equal rows)."""
    if by_column:
        return [[start + c * rows + i for c in range(width)] for i in range(rows)]
    return [[start + i * width + c for c in range(width)] for i in range(rows)]


Decoded = tuple[list[str], list[int] | None]  # a row's figures, and the index of each among the tokens if known


def decode_detached(
    tokens: Sequence[str], count: int, width: int, holds: RowRule
) -> list[Decoded | list[list[str]] | None]:
    """The figures of `count` rows whose labels were printed apart from their numbers, from the numbers in the
    order an extraction printed them: read as consecutive blocks of rows, each block row by row or column by
    column. A row gets its figures only when every reading in which every row holds its rule gives it the same
    ones (with the tokens they come from, when the readings agree on those too); for a row the readings differ
    on, its readings; None when no reading fits, and for all when the count does not fit."""
    if count == 0 or len(tokens) != count * width:
        return [None for _ in range(count)]
    edges: dict[int, list[tuple[int, list[list[int]]]]] = {r: [] for r in range(count)}
    for first in range(count):
        for rows in range(1, count - first + 1):
            for by_column in (False, True) if rows > 1 else (False,):
                block = _block(tokens, first * width, rows, width, by_column)
                if all(holds([tokens[i] for i in row]) for row in block):
                    edges[first].append((first + rows, block))
    reach = {0}
    for first in range(count):
        if first in reach:
            reach |= {end for end, _ in edges[first]}
    finish = {count}
    for first in range(count - 1, -1, -1):
        if any(end in finish for end, _ in edges[first]):
            finish.add(first)
    readings: dict[int, set[tuple[str, ...]]] = {r: set() for r in range(count)}
    places: dict[int, set[tuple[int, ...]]] = {r: set() for r in range(count)}
    for first in range(count):
        for end, block in edges[first] if first in reach else ():
            if end in finish:
                for offset, row in enumerate(block):
                    readings[first + offset].add(tuple(tokens[i] for i in row))
                    places[first + offset].add(tuple(row))
    result: list[Decoded | list[list[str]] | None] = []
    for r in range(count):
        if len(readings[r]) > 1:  # several readings: table 三's column rules may still choose (resolve_t3)
            result.append(sorted(list(reading) for reading in readings[r]))
        elif not readings[r]:
            result.append(None)
        else:
            origin = list(next(iter(places[r]))) if len(places[r]) == 1 else None
            result.append((list(next(iter(readings[r]))), origin))
    return result
