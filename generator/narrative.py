"""Narrative paragraphs that quote figures by key ({{ t3.new_received.total }}), expanded in the sandbox."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache
from types import SimpleNamespace
from typing import Any

from generator import schema
from generator.findings import Finding, make_finding
from generator.model import ReportData, issue_date_text

TAG_MARKERS = ("{{", "{%", "{#")


def nest(flat: Mapping[str, Any]) -> SimpleNamespace:
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


INVALID_FIGURE = "【有误】"  # stands for a figure that failed validation (seen only in --force reports)


def report_figures(data: ReportData) -> dict[str, Any]:
    """Every figure key with its value, or the marker when it did not parse (so one bad cell is one finding)."""
    return {key: data.figures.get(key, INVALID_FIGURE) for key in schema.figures()}


# Context names that are not schema keys, with what they hold (listed in each template set's README).
DERIVED_NAMES: dict[str, str] = {
    "meta.title": "报告标题，如“孟州市人民政府2023年政府信息公开工作年度报告”",
    "meta.issue_date_text": "发布日期的中文写法，如“2024年1月20日”（未填写时为空）",
    "meta.period": "统计期限，如“2023年1月1日至12月31日”",
    "meta.is_government": "机关类型为政府时为真（true），部门时为假",
    "headings.overview": "一级标题“一、总体情况”（headings.t2、t3、t4、problems、other 依次为二至六）",
    "overview": "总体情况五个小节的列表，每项有 heading（小标题）与 paragraphs（段落列表）",
    "tables.t3": "表格布局（网页模板用）：caption、head、body，每格有 tag、text、rowspan、colspan、scope",
    "validation.failed": "数据未通过校验时为真（仅在 --force 时出现）；validation.banner 为提示语",
    "placeholder": "未填写的部分显示的文字【本节未填写】",
}


def quote_context(data: ReportData) -> dict[str, Any]:
    """What a narrative paragraph may quote: the figures by key and the metadata."""
    figures = report_figures(data)
    year = data.year or ""
    meta = SimpleNamespace(
        body=data.body,
        year=year,
        issue_date=data.meta.get("issue_date"),
        issue_date_text=issue_date_text(data.meta.get("issue_date")),  # type: ignore[arg-type]
        body_kind=data.meta.get("body_kind", "government"),
        is_government=data.is_government,
        period=f"{year}年1月1日至12月31日" if year else "",
        contact=str(data.meta.get("contact") or ""),
    )
    return {"meta": meta, **vars(nest(figures))}


@cache
def _text_environment() -> Any:
    from generator.render.environment import make_environment

    # Plain text out: the report template escapes it when it places the paragraph.
    return make_environment(autoescape=False)


@lru_cache(maxsize=4096)
def _compiled(text: str) -> Any:
    """Each distinct paragraph is compiled once per process (a batch repeats the same sentences)."""
    return _text_environment().from_string(text)


def expand_paragraph(text: str, context: Mapping[str, Any]) -> str:
    """The paragraph with its quotes filled in; raises jinja2 errors (the caller reports them)."""
    if not any(marker in text for marker in TAG_MARKERS):
        return text
    return str(_compiled(text).render(context))


def _describe(paragraph: str, err: Exception) -> str:
    """The template checker's wording (unknown name with a suggestion, syntax error) for a failed quote."""
    from generator.render.check import check_source

    problems = check_source(paragraph, "")
    return problems[0].message if problems else str(err)


def expand_narrative(
    data: ReportData, standard: Mapping[str, str] | None = None
) -> tuple[dict[str, tuple[str, ...]], list[Finding]]:
    """Every narrative field as finished paragraphs (standard text where the data gives none), and quote errors."""
    from jinja2 import TemplateError as JinjaTemplateError

    context = quote_context(data)
    labels = {f.key: f.label for f in schema.NARRATIVE_FIELDS}
    expanded: dict[str, tuple[str, ...]] = {}
    findings: list[Finding] = []
    for key in labels:
        paragraphs = data.narrative.get(key) or ((standard or {}).get(key),)
        done = []
        for paragraph in paragraphs:
            if not paragraph:
                continue
            try:
                done.append(expand_paragraph(paragraph, context))
            except JinjaTemplateError as err:
                problem = _describe(paragraph, err)
                where = data.where(key)
                findings.append(
                    make_finding("E-narrative", "quote", key, location=where, label=labels[key], problem=problem)
                )
                done.append(paragraph)
        if done:
            expanded[key] = tuple(done)
    return expanded, findings
