"""How figures, amounts and dates are written in a report: the filters templates and narrative quotes use.

Pure functions of a value. A figure is never rounded: an amount keeps every decimal it has (to the 分), so the
text says exactly what the table says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    number = Decimal(value) if not isinstance(value, float) else Decimal(repr(value))
    return number if number.is_finite() else None


def num(value: Any) -> str:
    """A figure as the tables print it: 28414, 4351.7195 (no exponent, no separators)."""
    if type(value) is int:  # the usual figure, a count: printed as it is
        return str(value)
    number = _decimal(value)
    return str(value) if number is None else format(number, "f")


def thousands(value: Any) -> str:
    """28414 -> 28,414; decimals kept as given."""
    number = _decimal(value)
    return str(value) if number is None else f"{number:,f}"


def wan_yuan(value: Any, places: int = 0) -> str:
    """An amount in 万元 as the table prints it, with at least `places` decimals: never rounded (12.5 -> 12.50 at 2)."""
    number = _decimal(value)
    if number is None:
        return str(value)
    text = format(number, "f")
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0") if "." in text else ""
    fraction = fraction.ljust(max(int(places), 0), "0")
    return f"{whole}.{fraction}" if fraction else whole


def percent(value: Any, places: int = 1) -> str:
    """A ratio as a percentage: 0.125 -> 12.5%."""
    number = _decimal(value)
    return str(value) if number is None else f"{number * 100:.{int(places)}f}%"


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


FILTERS: dict[str, Callable[..., str]] = {
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
    "wan_yuan": "万元金额，与表格写法相同，小数一位不丢：4351.7195；wan_yuan(2) 至少两位小数：12.5 → 12.50",
    "percent": "百分比：0.125 → 12.5%；percent(0) 不留小数",
    "cn_date": "中文日期：2024年1月5日",
    "cn_num": "中文数字：12 → 十二，105 → 一百零五",
}
