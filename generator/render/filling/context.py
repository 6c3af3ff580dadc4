"""What templates see: figures by key path (t3.granted.total), metadata, narrative paragraphs, table layouts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from markupsafe import Markup

from generator.checks.findings import ValidationReport
from generator.checks.quotes import expand_narrative, quote_values
from generator.format import schema
from generator.format.filters import num
from generator.format.model import ReportData
from generator.render.typography.layout import title_lines

PLACEHOLDER = "【本节未填写】"
FAILED_BANNER = "【本报告未通过数据校验，共 {count} 个错误，不得发布】"


def nest(flat: Mapping[str, Any]) -> SimpleNamespace:
    """{"t3.granted.total": 5} -> namespace(t3=namespace(granted=namespace(total=5)))."""

    def build(plan: Plan) -> SimpleNamespace:
        return SimpleNamespace(**{name: flat[sub] if isinstance(sub, str) else build(sub) for name, sub in plan})

    return build(_plan(tuple(flat)))


Plan = tuple[tuple[str, "str | Plan"], ...]  # each name with its key, or with the plan of the names below it


@lru_cache(maxsize=64)
def _plan(keys: tuple[str, ...]) -> Plan:
    """The shape of the namespaces for these keys, worked out once: every report has the same keys."""
    root: dict[str, Any] = {}
    for key in keys:
        node = root
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = key

    def freeze(node: dict[str, Any]) -> Plan:
        return tuple((name, sub if isinstance(sub, str) else freeze(sub)) for name, sub in node.items())

    return freeze(root)


def _table(grid_key: str, figures: Mapping[str, Any]) -> dict[str, Any]:
    grid = schema.grids()[grid_key]
    rows = []
    for row in grid.rows():
        cells = []
        for cell in row:
            header = not cell.is_figure
            cells.append(
                {
                    "tag": "th" if header else "td",
                    "text": cell.text if header else num(figures[cell.key]),
                    "key": cell.key,
                    "label": cell.text,
                    "rowspan": cell.rowspan,
                    "colspan": cell.colspan,
                    "scope": cell.scope or "",
                }
            )
        rows.append(cells)
    return {
        "caption": grid.caption,
        "head": rows[: grid.head_rows],
        "body": rows[grid.head_rows :],
        "n_cols": grid.n_cols,
    }


def file_properties(data: ReportData, title: str) -> SimpleNamespace:
    """The Word file's subject (the title less the body's name) and its date: the issue date, else the first
    day after the period reported on, so the same data always gives the same file."""
    year = data.year
    date = data.issue_date or (dt.date(year + 1, 1, 1) if year else None)
    return SimpleNamespace(
        subject=title.removeprefix(data.body) or title,
        date=f"{date.isoformat()}T00:00:00Z" if date else "",
    )


class TableLayouts(dict[str, Any]):
    """tables.t2 … tables.t4 for page templates that lay the tables out themselves, each built when first used:
    a page made from the Word report needs none of them."""

    def __init__(self, figures: Mapping[str, Any]) -> None:
        super().__init__(dict.fromkeys(schema.grids()))
        self.figures = figures

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key)
        if value is None:
            value = _table(key, self.figures)
            self[key] = value
        return value

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else default  # noqa: SIM401  (dict.get would skip building it)

    def values(self) -> Any:
        return [self[key] for key in self]

    def items(self) -> Any:
        return [(key, self[key]) for key in self]


def build_context(data: ReportData, report: ValidationReport, standard: Mapping[str, str]) -> dict[str, Any]:
    """`standard` holds the template set's paragraphs for narrative fields the data leaves empty."""
    values = quote_values(data)
    expanded, _ = expand_narrative(data, standard)  # quote problems are validation findings already
    narrative: dict[str, list[str]] = {}
    for field in schema.NARRATIVE_FIELDS:
        placeholder = [] if field.key in schema.OPTIONAL_NARRATIVE else [PLACEHOLDER]
        narrative[field.key] = list(expanded.get(field.key, ())) or placeholder
    overview = [{"heading": f.heading, "key": f.key, "paragraphs": narrative[f.key]} for f in schema.OVERVIEW_FIELDS]
    errors = report.errors
    figures = {key: values[key] for key in schema.figures()}
    return {
        **vars(nest(values)),
        **vars(nest(narrative)),
        "title_lines": title_lines(values["meta.title"], data.body),
        "properties": file_properties(data, values["meta.title"]),
        "headings": SimpleNamespace(**schema.HEADINGS),
        "overview": overview,
        "tables": TableLayouts(figures),
        "validation": SimpleNamespace(
            failed=bool(errors),
            banner=FAILED_BANNER.format(count=len(errors)) if errors else "",
            errors=[f.message for f in errors],
            warnings=[f.message for f in report.warnings],
        ),
        "placeholder": PLACEHOLDER,
        "document": SimpleNamespace(body=Markup("")),  # the page body, made from the Word report (render.page.html)
    }
