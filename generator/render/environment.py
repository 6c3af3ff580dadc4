"""The one Jinja environment every template runs in: sandboxed, autoescaping, strict about undefined names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from jinja2 import BaseLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return Decimal(value) if not isinstance(value, float) else Decimal(repr(value))


def num(value: Any) -> str:
    """A figure as the tables print it: 28414, 4351.7195 (no exponent, no separators)."""
    number = _decimal(value)
    return str(value) if number is None else format(number, "f")


def thousands(value: Any) -> str:
    """28414 -> 28,414; decimals kept as given."""
    number = _decimal(value)
    return str(value) if number is None else f"{number:,f}"


def wan_yuan(value: Any, places: int = 4) -> str:
    """An amount in 万元 with fixed decimals: 4351.7195."""
    number = _decimal(value)
    return str(value) if number is None else f"{number:,.{places}f}"


def percent(value: Any, places: int = 1) -> str:
    """A ratio as a percentage: 0.125 -> 12.5%."""
    number = _decimal(value)
    return str(value) if number is None else f"{number * 100:.{places}f}%"


def cn_date(value: Any) -> str:
    """A date the Chinese way: 2024年1月5日."""
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return "" if value is None else str(value)


CN_DIGITS = "零一二三四五六七八九"


def cn_num(value: Any) -> str:
    """A whole number in Chinese numerals as headings use them: 3 -> 三, 12 -> 十二, 20 -> 二十, 105 -> 一百零五."""
    number = _decimal(value)
    if number is None or number != number.to_integral_value() or not 0 <= number < 10000:
        return str(value)
    n = int(number)
    if n < 10:
        return CN_DIGITS[n]
    parts, zero = [], False
    for unit, size in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        digit, n = divmod(n, size)
        if digit:
            if zero:
                parts.append("零")
            parts.append(CN_DIGITS[digit] + unit)
            zero = False
        elif parts:
            zero = True
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text  # 十二, not 一十二


FILTERS = {
    "num": num,
    "thousands": thousands,
    "wan_yuan": wan_yuan,
    "percent": percent,
    "cn_date": cn_date,
    "cn_num": cn_num,
}


# What each filter does, for the guide that `new-template` writes (users read Chinese).
FILTER_HELP = {
    "num": "表格中的写法：28414、4351.7195（不加千分位）",
    "thousands": "加千分位：28414 → 28,414",
    "wan_yuan": "万元金额，固定小数位（默认 4 位）：12.5 → 12.5000；wan_yuan(2) 为两位",
    "percent": "百分比：0.125 → 12.5%；percent(0) 不留小数",
    "cn_date": "中文日期：2024年1月5日",
    "cn_num": "中文数字：12 → 十二，105 → 一百零五",
}


def make_environment(loader: BaseLoader | None = None, autoescape: bool = True) -> SandboxedEnvironment:
    """Templates come from other offices and are untrusted: always sandboxed and strict about undefined names.

    Autoescape is on for every document template (HTML, Word XML); it is off only where the output is plain
    text that a document template escapes afterwards (narrative paragraphs quoting figures).
    """
    env = SandboxedEnvironment(
        loader=loader,
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env
