"""Narrative that quotes figures by key ({{ t3.new_received.total }}), filled in without running any template.

Narrative comes from data and from imported pages, so it is data, never code: a quote is one key, optionally
followed by documented filters with whole-number arguments ({{ t2.art20_8.admin_fees.amount_wan_yuan|wan_yuan(2) }}).
No statement, loop, call or arithmetic is ever run, so a paragraph can neither hang nor escape.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from generator.format import schema
from generator.format.filters import FILTERS
from generator.format.model import ReportData, issue_date_text

QUOTE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
TAG_MARKERS = ("{{", "{%", "{#")
NAME = r"[A-Za-z_][A-Za-z0-9_]*"
FILTER = re.compile(rf"^\s*({NAME})\s*(?:\(\s*([0-9]{{1,2}}(?:\s*,\s*[0-9]{{1,2}})*)?\s*\))?\s*$")
KEY = re.compile(rf"^\s*({NAME}(?:\.{NAME})*)\s*$")
INVALID_FIGURE = "【有误】"  # stands for a figure that failed validation (seen only in --force reports)

# Metadata a paragraph may quote besides the figures, with what each holds (listed in every template guide).
META_NAMES: dict[str, str] = {
    "meta.body": "发布机关",
    "meta.year": "报告年度",
    "meta.issue_date": "发布日期（日期，可加 cn_date 过滤器）",
    "meta.issue_date_text": "发布日期的中文写法，如“2024年1月20日”（未填写时为空）",
    "meta.body_kind": "机关类型：government 或 department",
    "meta.is_government": "机关类型为政府时为真（true），部门时为假",
    "meta.period": "统计期限，如“2023年1月1日至12月31日”",
    "meta.contact": "联系方式（可选）",
    "meta.title": "报告标题，如“孟州市人民政府2023年政府信息公开工作年度报告”",
}


class QuoteError(ValueError):
    """A quote that is not one known key with documented filters; the message is Chinese."""


def report_title(data: ReportData) -> str:
    return f"{data.body}{f'{data.year}年' if data.year else ''}政府信息公开工作年度报告"


def quote_values(data: ReportData) -> dict[str, Any]:
    """Every quotable name with its value: the figures by key (the marker where a figure did not parse), metadata."""
    year = data.year or ""
    values: dict[str, Any] = {key: data.figures.get(key, INVALID_FIGURE) for key in schema.figures()}
    values.update(
        {
            "meta.body": data.body,
            "meta.year": year,
            "meta.issue_date": data.issue_date,
            "meta.issue_date_text": issue_date_text(data.issue_date),
            "meta.body_kind": data.meta.get("body_kind", "government"),
            "meta.is_government": data.is_government,
            "meta.period": f"{year}年1月1日至12月31日" if year else "",
            "meta.contact": str(data.meta.get("contact") or ""),
            "meta.title": report_title(data),
        }
    )
    return values


@cache
def quotable_names() -> tuple[str, ...]:
    return (*schema.figures(), *META_NAMES)


def _suggest(name: str, known: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
    return f"，是否应为“{close[0]}”？" if close else "（可引用的键见 generate-report schema 与模板说明）"


@dataclass(frozen=True)
class Quote:
    """One parsed {{ … }}: the key and the filters (name, whole-number arguments) applied in order."""

    key: str
    filters: tuple[tuple[Callable[..., str], tuple[int, ...]], ...]

    def fill(self, values: Mapping[str, Any]) -> str:
        value = values[self.key]
        for function, args in self.filters:
            value = function(value, *args)
        return "" if value is None else str(value)


@cache
def parse_quote(inner: str) -> Quote:
    """The inside of one {{ … }}; QuoteError with the reason when it is anything but a key and filters."""
    head, *piped = inner.split("|")
    match = KEY.match(head)
    if not match:
        raise QuoteError(f"引用「{{{{{inner}}}}}」只能写一个键，如 {{{{ t3.new_received.total }}}}，不能计算或调用")
    key = match.group(1)
    if key not in quotable_names():
        raise QuoteError(f"未知的变量“{key}”{_suggest(key, quotable_names())}")
    filters = []
    for text in piped:
        filter_match = FILTER.match(text)
        if not filter_match:
            raise QuoteError(f"引用「{{{{{inner}}}}}」中的过滤器写法有误：只能写过滤器名，如 |wan_yuan 或 |wan_yuan(2)")
        name, args = filter_match.groups()
        if name not in FILTERS:
            raise QuoteError(f"未知的过滤器“{name}”{_suggest(name, list(FILTERS))}")
        filters.append((FILTERS[name], tuple(int(a) for a in args.split(",")) if args else ()))
    return Quote(key, tuple(filters))


def quote_problems(text: str) -> list[str]:
    """Why each quote of a paragraph cannot be filled in (empty when every quote is fine)."""
    problems = []
    if "{%" in text or "{#" in text:
        problems.append("正文中只能用 {{ 键 }} 引用数字，不能使用 {% … %} 或 {# … #}")
    rest = QUOTE.sub("", text)
    if "{{" in rest or "}}" in rest:
        problems.append("“{{”与“}}”不成对")
    for match in QUOTE.finditer(text):
        try:
            parse_quote(match.group(1))
        except QuoteError as err:
            problems.append(str(err))
    return problems


def expand_paragraph(text: str, values: Mapping[str, Any]) -> str:
    """The paragraph with its quotes filled in; QuoteError when a quote cannot be."""
    if not any(marker in text for marker in TAG_MARKERS):
        return text
    problems = quote_problems(text)
    if problems:
        raise QuoteError(problems[0])
    return QUOTE.sub(lambda m: parse_quote(m.group(1)).fill(values), text)


@dataclass(frozen=True)
class QuoteProblem:
    """A narrative field whose paragraph has a quote that cannot be filled in."""

    key: str
    message: str


def expand_narrative(
    data: ReportData, standard: Mapping[str, str] | None = None
) -> tuple[dict[str, tuple[str, ...]], list[QuoteProblem]]:
    """Every narrative field as finished paragraphs (standard text where the data gives none), and quote problems.

    A paragraph whose quotes cannot be filled in is kept as written (its problem is a validation finding).
    """
    values = quote_values(data)
    expanded: dict[str, tuple[str, ...]] = {}
    problems: list[QuoteProblem] = []
    for field in schema.NARRATIVE_FIELDS:
        paragraphs = data.narrative.get(field.key) or ((standard or {}).get(field.key),)
        done = []
        for paragraph in paragraphs:
            if not paragraph:
                continue
            try:
                done.append(expand_paragraph(paragraph, values))
            except QuoteError as err:
                problems.append(QuoteProblem(field.key, str(err)))
                done.append(paragraph)
        if done:
            expanded[field.key] = tuple(done)
    return expanded, problems
