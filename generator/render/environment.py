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


FILTERS = {"num": num, "thousands": thousands, "wan_yuan": wan_yuan, "percent": percent, "cn_date": cn_date}


def make_environment(loader: BaseLoader | None = None) -> SandboxedEnvironment:
    """Templates come from other offices and are untrusted: sandbox, autoescape and StrictUndefined, always."""
    env = SandboxedEnvironment(
        loader=loader,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env
