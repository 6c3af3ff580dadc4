"""Where the fill-in workbook's live checks sit and what they compute, derived from the schema's addresses.

The check cells (each row's 六类之和, each column's 平衡 / 不平衡, table 四's group totals) sit outside the figure
grid, so the reader, which reads only the schema's cells, never sees them: they help staff while typing and are
never trusted over the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from generator.format import relations, schema
from generator.format.grid import column_letter, column_number

BALANCED, UNBALANCED, INCOMPLETE = "平衡", "不平衡", "未填完"


@dataclass(frozen=True)
class Check:
    """A formula cell outside the figure grid: a sum, or a check showing 平衡 / 不平衡 (未填完 while cells are empty)."""

    name: str  # checks: t3.row.<row>, t3.col_total.<column>, t3.balance.<column>, t4.total.<group>
    sheet: str
    cell: str
    formula: str
    label: str  # what it checks, for people

    @property
    def is_check(self) -> bool:
        return self.formula.startswith("=IF(")


# --- Addresses derived from the schema --------------------------------------------------------


def split_address(address: str) -> tuple[str, int]:
    letters = address.rstrip("0123456789")
    return letters, int(address[len(letters) :])


def figure_address(key: str) -> str:
    return schema.figures()[key].cell


def _refs(cells: Sequence[str]) -> str:
    """Cells as one range when they run on in one row or one column ("D7:D27"), else a list ("D5,D6,D28")."""
    split = [split_address(c) for c in cells]
    cols = [column_number(c) for c, _ in split]
    rows = [r for _, r in split]
    run_on = list(range(rows[0], rows[0] + len(rows))) == rows and len(set(cols)) == 1
    run_on = run_on or (list(range(cols[0], cols[0] + len(cols))) == cols and len(set(rows)) == 1)
    return f"{cells[0]}:{cells[-1]}" if run_on and len(cells) > 1 else ",".join(cells)


def _sum(cells: Sequence[str]) -> str:
    return f"=SUM({_refs(cells)})"


def _checked(cells: Sequence[str], condition: str) -> str:
    """平衡 when the condition holds, 不平衡 when not, 未填完 while any of the cells is still empty."""
    return f'=IF(COUNT({_refs(cells)})<{len(cells)},"{INCOMPLETE}",IF({condition},"{BALANCED}","{UNBALANCED}"))'


CHECK_GAP = 2  # one empty column (row) between a table and its checks to the right (below)
T3_RIGHT = ("六类申请人之和（自动计算）", "总计核对（自动）")
T3_BELOW = (
    "（一）至（六）各项之和（自动计算）",
    "（七）总计核对：应等于上一行",
    "一＋二（自动计算）",
    "（七）总计＋四（自动计算）",
    "本列平衡核对：一＋二＝（七）＋四",
)
T4_BELOW = ("维持＋纠正＋其他＋尚未审结（自动）", "总计核对（自动）")


def t3_check_columns() -> tuple[str, str]:
    first = schema.grids()["t3"].n_cols + CHECK_GAP - 1
    return column_letter(first), column_letter(first + 1)


def checks_row(table: str) -> int:
    return schema.GRID_FIRST_ROW + schema.grids()[table].n_rows - 1 + CHECK_GAP


def _addresses(keys: Sequence[str]) -> list[str]:
    return [figure_address(k) for k in keys]


def _t3_formulas() -> list[Check]:
    sheet, (sum_col, check_col), out = schema.T3_SHEET, t3_check_columns(), []
    relation = relations.by_name()
    for row in schema.T3_ROW_KEYS:
        rule = relation[f"t3.row.{row}"]
        parts, total = _addresses(rule.parts), figure_address(rule.total)
        line, label = split_address(total)[1], dict(rule.params)["row"]
        out.append(Check(f"t3.row_sum.{row}", sheet, f"{sum_col}{line}", _sum(parts), label))
        condition = f"{total}={sum_col}{line}"
        out.append(Check(rule.name, sheet, f"{check_col}{line}", _checked([*parts, total], condition), label))
    below = checks_row("t3")
    for column, column_label in schema.T3_COLUMNS:
        col_total, balance = relation[f"t3.col_total.{column}"], relation[f"t3.balance.{column}"]
        results, total = _addresses(col_total.parts), figure_address(col_total.total)
        inflow, outflow = _addresses(balance.parts), _addresses([t.key for t in balance.left])
        at = [f"{split_address(total)[0]}{below + i}" for i in range(len(T3_BELOW))]
        formulas = {
            "result_sum": _sum(results),
            col_total.name: _checked([*results, total], f"{total}={at[0]}"),
            "inflow": "=" + "+".join(inflow),
            "outflow": "=" + "+".join(outflow),
            balance.name: _checked(inflow + outflow, f"{at[2]}={at[3]}"),
        }
        for (name, formula), address, label in zip(formulas.items(), at, T3_BELOW, strict=True):
            name = name if "." in name else f"t3.{name}.{column}"
            out.append(Check(name, sheet, address, formula, f"{column_label}列：{label}"))
    return out


def _t4_formulas() -> list[Check]:
    out, below = [], checks_row("t4")
    for group, _, _ in schema.T4_GROUPS:
        rule = relations.by_name()[f"t4.total.{group}"]
        parts, total = _addresses(rule.parts), figure_address(rule.total)
        col, name = split_address(total)[0], dict(rule.params)["group"]
        out.append(Check(f"t4.sum.{group}", schema.T4_SHEET, f"{col}{below}", _sum(parts), f"{name}：{T4_BELOW[0]}"))
        check = _checked([*parts, total], f"{total}={col}{below}")
        out.append(Check(rule.name, schema.T4_SHEET, f"{col}{below + 1}", check, f"{name}：{T4_BELOW[1]}"))
    return out


@cache
def formula_cells() -> tuple[Check, ...]:
    """Every formula cell of the workbook: the sums and the checks."""
    return tuple(_t3_formulas() + _t4_formulas())


@cache
def check_cells() -> dict[str, Check]:
    """The cells showing 平衡 / 不平衡 by name (t3.row.<row>, t3.col_total.<column>, t3.balance.<column>,
    t4.total.<group>)."""
    return {c.name: c for c in formula_cells() if c.is_check}
