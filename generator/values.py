"""Turning what a person typed into a cell into a number, a year or a date — or saying why not."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from generator.schema import Kind

# What staff type for "nothing" instead of 0: each must be reported, never read as 0.
ZERO_PLACEHOLDERS = frozenset({"—", "-", "－", "–", "——", "/", "／", "\\", "无", "空", "N/A", "NA", "n/a", "×", "*"})
UNIT_SUFFIX = re.compile(r"^[+-]?[\d.,]+\s*(件|个|条|次|项|元|万元|亿元|%|人)$")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
MAX_DECIMALS = 4


@dataclass(frozen=True)
class Parsed:
    """A figure read from a cell: `value` when it is a valid number, else the finding variant and raw text."""

    value: int | Decimal | None = None
    problem: str = ""  # "", blank, placeholder, unit, text, count, amount
    raw: str = ""


def normalise_text(text: str) -> str:
    """Full-width digits and punctuation to ASCII (NFKC), stray spaces removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _number_from(value: object) -> Decimal | None | str:
    """A Decimal, None for blank, or the problem variant for text that is not a number."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "text"
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # Excel keeps 15 significant digits; anything past that is binary noise (0.1+0.2).
        return Decimal(format(value, ".15g"))
    text = normalise_text(str(value))
    if not text:
        return None
    if text in ZERO_PLACEHOLDERS or str(value).strip() in ZERO_PLACEHOLDERS:
        return "placeholder"
    if GROUPED_NUMBER.match(text):
        text = text.replace(",", "")
    if PLAIN_NUMBER.match(text):
        try:
            return Decimal(text)
        except InvalidOperation:
            return "text"
    return "unit" if UNIT_SUFFIX.match(text) else "text"


def parse_figure(value: object, kind: Kind) -> Parsed:
    raw = "" if value is None else str(value).strip()
    number = _number_from(value)
    if number is None:
        return Parsed(problem="blank", raw=raw)
    if isinstance(number, str):
        return Parsed(problem=number, raw=raw)
    if kind is Kind.COUNT:
        if number < 0 or number != number.to_integral_value():
            return Parsed(problem="count", raw=raw)
        return Parsed(value=int(number), raw=raw)
    exponent = number.normalize().as_tuple().exponent
    if number < 0 or (isinstance(exponent, int) and -exponent > MAX_DECIMALS):
        return Parsed(problem="amount", raw=raw)
    return Parsed(value=number, raw=raw)


def parse_year(value: object) -> int | None:
    """2023, "2023", "２０２３" or "2023年" / "2023年度" -> 2023."""
    if isinstance(value, str):
        value = re.sub(r"年度?$", "", value.strip())
    number = _number_from(value)
    if isinstance(number, Decimal) and number == number.to_integral_value() and 2000 <= number <= 2100:
        return int(number)
    return None


DATE_PATTERNS = (
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
)


def parse_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = normalise_text(str(value or ""))
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                return None
    return None


def split_paragraphs(value: object) -> tuple[str, ...]:
    """A narrative cell holds one paragraph per line (Alt+Enter in Excel); blank lines are dropped."""
    if value is None:
        return ()
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return tuple(line.strip() for line in lines if line.strip())
