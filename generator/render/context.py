"""What templates see: figures by key path (t3.granted.total), metadata, narrative paragraphs, table layouts."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from generator import schema
from generator.findings import ValidationReport
from generator.model import ReportData, issue_date_text
from generator.render.environment import num

PLACEHOLDER = "【本节未填写】"
INVALID_FIGURE = "【有误】"  # only seen when --force renders data that failed validation
FAILED_BANNER = "【本报告未通过数据校验，共 {count} 个错误，不得发布】"


def nest(flat: dict[str, Any]) -> SimpleNamespace:
    """{"t3.granted.total": 5} -> namespace(t3=namespace(granted=namespace(total=5)))."""
    root: dict[str, Any] = {}
    for key, value in flat.items():
        node = root
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value

    def to_namespace(node: Any) -> Any:
        return SimpleNamespace(**{k: to_namespace(v) for k, v in node.items()}) if isinstance(node, dict) else node

    return to_namespace(root)


def _table(grid_key: str, figures: dict[str, Any]) -> dict[str, Any]:
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


def build_context(data: ReportData, report: ValidationReport) -> dict[str, Any]:
    figures: dict[str, Any] = {key: data.figures.get(key, INVALID_FIGURE) for key in schema.figures()}
    narrative: dict[str, list[str]] = {}
    for field in schema.NARRATIVE_FIELDS:
        paragraphs = list(data.narrative.get(field.key, ()))
        narrative[field.key] = paragraphs or ([] if field.key in schema.OPTIONAL_NARRATIVE else [PLACEHOLDER])
    year = data.year or ""
    meta = {
        "body": data.body,
        "year": year,
        # Under --force the body or year may be missing: the title must still read as a sentence.
        "title": f"{data.body}{f'{year}年' if year else ''}政府信息公开工作年度报告",
        "issue_date": data.meta.get("issue_date"),
        "issue_date_text": issue_date_text(data.meta.get("issue_date")),  # type: ignore[arg-type]
        "body_kind": data.meta.get("body_kind", "government"),
        "is_government": data.is_government,
        "period": f"{year}年1月1日至12月31日" if year else "",
    }
    overview = [{"heading": f.heading, "key": f.key, "paragraphs": narrative[f.key]} for f in schema.OVERVIEW_FIELDS]
    errors = report.errors
    return {
        "meta": SimpleNamespace(**meta),
        **vars(nest(figures)),
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
