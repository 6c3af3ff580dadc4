"""The report's arithmetic (勾稽关系), declared once: every equation between its figures, with one evaluator.

Each relation says sum(left) == sum(right) over figure keys; a term of a two-year relation may name last year's
figure. The rules (checks), the fill-in workbook's live formulas, the importers' splitting of run-together digits
and their alignment checks, the continuity checks and the audit all derive from this list: a new row of the
format is a change here and in the schema, nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from generator.format import schema

Value = int | Decimal


@dataclass(frozen=True)
class Term:
    """One figure of an equation: this year's, or last year's (`previous`)."""

    key: str
    previous: bool = False


@dataclass(frozen=True)
class Relation:
    """sum(left) == sum(right). `name` is stable (t3.row.<row>, t3.col_total.<column>, t3.balance.<column>,
    t4.total.<group>, carry.<column>, in_force.<row>); `code` is the finding's code when it fails; `anchor` is the
    figure a finding points at; `params` name the row, column or group for messages; `axis` places a table-三
    relation on a row or a column ("row:<row>", "col:<column>"), so that a failing row and column single out the
    cell where they cross."""

    name: str
    code: str
    left: tuple[Term, ...]
    right: tuple[Term, ...]
    anchor: str
    params: tuple[tuple[str, str], ...] = ()
    axis: str = ""

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.left + self.right

    @property
    def keys(self) -> tuple[str, ...]:
        """The figures of this year that take part (last year's are in `previous_keys`)."""
        return tuple(t.key for t in self.terms if not t.previous)

    @property
    def previous_keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.terms if t.previous)

    @property
    def across_years(self) -> bool:
        return any(t.previous for t in self.terms)

    @property
    def total(self) -> str:
        """The equation's single total when one side is a single figure of this year (else "")."""
        return self.left[0].key if len(self.left) == 1 and not self.left[0].previous else ""

    @property
    def parts(self) -> tuple[str, ...]:
        """The figures the total adds up (the right side), when the relation is a total."""
        return tuple(t.key for t in self.right)


Values = Mapping[str, Value]


def sides(relation: Relation, values: Values, previous: Values | None = None) -> tuple[Value, Value] | None:
    """(sum of left, sum of right), or None while a figure it needs is unknown."""
    sums = []
    for side in (relation.left, relation.right):
        total: Value = 0
        for term in side:
            source = previous if term.previous else values
            if source is None or term.key not in source:
                return None
            total += source[term.key]  # ints add as ints, a fee as a Decimal: both exact
        sums.append(total)
    return sums[0], sums[1]


def holds(relation: Relation, values: Values, previous: Values | None = None) -> bool | None:
    """Whether the equation holds; None while a figure it needs is unknown."""
    found = sides(relation, values, previous)
    return None if found is None else found[0] == found[1]


# --- The relations ------------------------------------------------------------------------------


def _now(keys: Iterable[str]) -> tuple[Term, ...]:
    return tuple(Term(k) for k in keys)


def _row_label(row: str) -> str:
    return schema.figures()[f"t3.{row}.total"].label.rsplit("·", 1)[0]


def _column_label(column: str) -> str:
    return schema.figures()[f"t3.new_received.{column}"].label.rsplit("·", 1)[1]


def _t3() -> list[Relation]:
    rows, columns = schema.T3_ROW_KEYS, [c for c, _ in schema.T3_COLUMNS]
    result_rows = schema.T3_RESULT_ROWS  # （一）…（六）3: the rows （七）总计 adds up
    out = []
    for row in rows:
        total = f"t3.{row}.total"
        parts = [f"t3.{row}.{c}" for c in schema.T3_APPLICANT_COLUMNS]
        params = (("row", _row_label(row)),)
        out.append(Relation(f"t3.row.{row}", "E-row-total", _now([total]), _now(parts), total, params, f"row:{row}"))
    for column in columns:
        total = f"t3.total_processed.{column}"
        params = (("column", _column_label(column)),)
        results = _now(f"t3.{r}.{column}" for r in result_rows)
        out.append(
            Relation(f"t3.col_total.{column}", "E-col-total", _now([total]), results, total, params, f"col:{column}")
        )
        forward = f"t3.carried_forward.{column}"
        inflow = _now([f"t3.new_received.{column}", f"t3.carried_over.{column}"])
        out.append(
            Relation(
                f"t3.balance.{column}", "E-balance", _now([total, forward]), inflow, forward, params, f"col:{column}"
            )
        )
    return out


def _t4() -> list[Relation]:
    out = []
    for group, label, parent in schema.T4_GROUPS:
        total = f"t4.{group}.total"
        parts = [f"t4.{group}.{o}" for o, _ in schema.T4_OUTCOMES if o != "total"]
        params = (("group", "·".join(filter(None, (parent, label)))),)
        out.append(Relation(f"t4.total.{group}", "E-t4-total", _now([total]), _now(parts), total, params))
    return out


DOCUMENT_ROWS = ("regulations", "normative_docs")  # table 二 第二十条第（一）项: stocks and flows of documents


def _across_years() -> list[Relation]:
    out = []
    for column, _ in schema.T3_COLUMNS:
        over, forward = f"t3.carried_over.{column}", f"t3.carried_forward.{column}"
        out.append(Relation(f"carry.{column}", "W-carry", (Term(over),), (Term(forward, previous=True),), over))
    for row in DOCUMENT_ROWS:
        issued, repealed, in_force = (f"t2.art20_1.{row}.{c}" for c in ("issued", "repealed", "in_force"))
        # 现行有效 = 上年现行有效 + 制发 − 废止, written without a minus: 现行有效 + 废止 = 上年现行有效 + 制发.
        left, right = (Term(in_force), Term(repealed)), (Term(in_force, previous=True), Term(issued))
        out.append(Relation(f"in_force.{row}", "W-in-force", left, right, in_force))
    return out


@cache
def relations() -> tuple[Relation, ...]:
    """Every relation of the format: one year's tables, then the two-year ones."""
    return tuple(_t3() + _t4() + _across_years())


@cache
def single_year() -> tuple[Relation, ...]:
    return tuple(r for r in relations() if not r.across_years)


@cache
def across_years() -> tuple[Relation, ...]:
    return tuple(r for r in relations() if r.across_years)


@cache
def by_name() -> dict[str, Relation]:
    return {r.name: r for r in relations()}


@cache
def within(keys: frozenset[str]) -> tuple[Relation, ...]:
    """The one-year relations whose figures all lie among `keys` (a printed row's own rules)."""
    return tuple(r for r in single_year() if set(r.keys) <= keys)


# --- A printed row read against the relations ---------------------------------------------------

Reader = Callable[[str], Value | None]


def row_holds(keys: Sequence[str], cells: Sequence[str], number: Reader) -> bool:
    """Whether a printed row's cells (in the order of `keys`) keep every relation that lies within the row;
    `number` reads a cell (None: not a figure, counted as 0, as a blank or "/" adds nothing)."""
    values = {k: (number(c) or 0) for k, c in zip(keys, cells, strict=True)}
    return all(holds(r, values) for r in within(frozenset(keys)))


def row_adds_up(keys: Sequence[str], cells: Sequence[str], number: Reader) -> bool:
    """Evidence that an alignment of a printed row is right: every relation within the row whose total is printed
    holds (blanks as 0), and one of those totals is not 0."""
    given = dict(zip(keys, cells, strict=True))
    values = {k: (number(c) or 0) for k, c in given.items()}
    printed = [r for r in within(frozenset(keys)) if r.total and given[r.total]]  # a blank total says nothing
    return any(values[r.total] for r in printed) and all(holds(r, values) for r in printed)
