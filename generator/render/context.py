"""What templates see: figures by key path (t3.granted.total), metadata, narrative paragraphs, table layouts."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from generator import schema
from generator.findings import ValidationReport
from generator.model import ReportData
from generator.narrative import expand_narrative, nest, quote_context, report_figures
from generator.render.environment import num

PLACEHOLDER = "【本节未填写】"
FAILED_BANNER = "【本报告未通过数据校验，共 {count} 个错误，不得发布】"


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


def build_context(data: ReportData, report: ValidationReport, standard: Mapping[str, str]) -> dict[str, Any]:
    """`standard` holds the template set's paragraphs for narrative fields the data leaves empty."""
    figures = report_figures(data)
    expanded, _ = expand_narrative(data, standard)  # quote errors are validation findings already
    narrative: dict[str, list[str]] = {}
    for field in schema.NARRATIVE_FIELDS:
        placeholder = [] if field.key in schema.OPTIONAL_NARRATIVE else [PLACEHOLDER]
        narrative[field.key] = list(expanded.get(field.key, ())) or placeholder
    quoted = quote_context(data)
    meta = quoted["meta"]
    meta.title = f"{data.body}{f'{data.year}年' if data.year else ''}政府信息公开工作年度报告"
    overview = [{"heading": f.heading, "key": f.key, "paragraphs": narrative[f.key]} for f in schema.OVERVIEW_FIELDS]
    errors = report.errors
    return {
        **quoted,
        **vars(nest(narrative)),
        "headings": SimpleNamespace(**schema.HEADINGS),
        "overview": overview,
        "tables": {key: _table(key, figures) for key in schema.grids()},
        "validation": SimpleNamespace(
            failed=bool(errors),
            banner=FAILED_BANNER.format(count=len(errors)) if errors else "",
            errors=[f.message for f in errors],
            warnings=[f.message for f in report.warnings],
        ),
        "placeholder": PLACEHOLDER,
    }
