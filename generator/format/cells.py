"""Turning what a person typed into a cell into a number, a year or a date — or saying why not."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from generator.format import schema
from generator.format.schema import Kind

# What staff type for "nothing" instead of 0: each must be reported, never read as 0.
ZERO_PLACEHOLDERS = frozenset(
    {"—", "-", "－", "–", "——", "/", "／", "\\", "无", "空", "不适用", "N/A", "NA", "n/a", "×", "*"}
)
UNIT_SUFFIX = re.compile(r"^[+-]?[0-9.,]+\s*(件|个|条|次|项|元|万元|亿元|%|人)$")
# ASCII digits only: after NFKC full-width digits are ASCII, while Arabic-Indic or Devanagari digits (which
# Python's \d and Decimal would accept) stay what they are, text.
PLAIN_NUMBER = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")
GROUPED_NUMBER = re.compile(r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")
LONGEST_FIGURE = 40  # characters: a trillion with six decimals and separators is under 30
MAX_DECIMALS = 6  # 0.000001 万元 is one 分: published reports state fees to the 分
# Characters NFKC turns into digits although nobody types them for a figure: superscripts, subscripts,
# circled and parenthesised numbers ("²" would otherwise read as 2).
DISGUISED_DIGITS = re.compile(r"[\u00b2\u00b3\u00b9\u2070-\u209f\u2460-\u24ff\u2776-\u2793\u3251-\u32bf]")


class Parsed(NamedTuple):
    """A figure read from a cell: `value` when it is a valid number, else the problem variant and the raw text.
    (A named tuple: made 200 times a report, it costs a third of a frozen dataclass.)"""

    value: int | Decimal | None = None
    problem: str = ""  # "", blank, placeholder, unit, text, count, amount
    raw: str = ""


def normalise_text(text: str) -> str:
    """Full-width digits and punctuation to ASCII (NFKC), stray spaces removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _number_from(value: object) -> Decimal | None | str:
    """A finite Decimal, None for blank, or the problem variant for anything that is not a number."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "text"
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):  # a cell holding 1E309 reads as infinity: never a figure
            return "text"
        # Excel keeps 15 significant digits; anything past that is binary noise (0.1+0.2).
        return Decimal(format(value, ".15g"))
    if isinstance(value, Decimal):
        return value if value.is_finite() else "text"
    original = str(value)
    if original.isascii() and original.isdigit():  # the usual case, "123": nothing to normalise
        return Decimal(original)
    if DISGUISED_DIGITS.search(original):
        return "text"
    text = normalise_text(original)
    if not text:
        return None
    if text in ZERO_PLACEHOLDERS or original.strip() in ZERO_PLACEHOLDERS:
        return "placeholder"
    if GROUPED_NUMBER.match(text):
        text = text.replace(",", "")
    if PLAIN_NUMBER.match(text):
        try:
            return Decimal(text)
        except InvalidOperation:
            return "text"
    return "unit" if UNIT_SUFFIX.match(text) else "text"


def decimals(number: Decimal) -> int:
    """How many decimal places a number is written with once trailing zeros are dropped (1.2500 -> 2)."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def parse_figure(value: object, kind: Kind) -> Parsed:
    if type(value) is str and len(value) > LONGEST_FIGURE:  # never a figure; and int() refuses 4,300 digits
        return Parsed(problem="text", raw=value.strip()[:LONGEST_FIGURE] + "…")
    if kind is Kind.COUNT and type(value) is str and value.isascii() and value.isdigit():
        return Parsed(value=int(value), raw=value)  # the usual cell, "146": nothing to normalise or check
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
    if number < 0 or decimals(number) > MAX_DECIMALS:
        return Parsed(problem="amount", raw=raw)
    return Parsed(value=number, raw=raw)


# What a printed cell said, beyond its value: imported figures keep it, so 0, a blank and 不适用 stay apart.
SEMANTICS: dict[str, str] = {
    "value": "数字",
    "zero": "0",
    "blank": "空白",
    "not_applicable": "不适用（/、—、无等）",
    "absent": "报告未列出此项",
    "unread": "未能可靠读取",
    "missing": "报告未印出（表中没有这一行或这一格）",
    "text": "其他文字",
}


def semantic(raw: str, kind: Kind) -> str:
    """What a cell as printed says: value, zero, blank, not_applicable (a stand-in such as "/" or "—") or text
    (anything else, such as a number with its unit); "absent" is for cells a report does not print at all, "unread"
    for cells this tool could not settle (digits run together that split several ways, a row it left out)."""
    parsed = parse_figure(raw, kind)
    if parsed.value is not None:
        return "zero" if parsed.value == 0 else "value"
    return {"blank": "blank", "placeholder": "not_applicable"}.get(parsed.problem, "text")


def to_json_number(value: Decimal | int | None) -> int | float | str | None:
    """Counts as JSON integers; an amount as a number when a float holds it exactly, else as its exact text."""
    if value is None:
        return None
    if isinstance(value, Decimal) and value != value.to_integral_value():
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else format(value, "f")
    return int(value)


def parse_year(value: object) -> int | None:
    """2023, "2023", "２０２３" or "2023年" / "2023年度" -> 2023."""
    if isinstance(value, str):
        value = re.sub(r"年度?$", "", value.strip())
    number = _number_from(value)
    if isinstance(number, Decimal) and number == number.to_integral_value() and 2000 <= number <= 2100:
        return int(number)
    return None


DATE_PATTERNS = (
    re.compile(r"^([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日$"),
    re.compile(r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$"),
)
# Dates as documents spell them in Chinese numerals: 二〇二五年一月二十日.
CHINESE_DIGITS = {ch: i for i, ch in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "Ｏ": 0, "O": 0}
CHINESE_DATE = re.compile(
    r"^([〇○零Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日$"
)


def chinese_number(text: str) -> int:
    """一 … 三十一, as dates write days and months: tens and units."""
    tens, _, units = text.rpartition("十")
    value = CHINESE_DIGITS[units] if units else 0
    return value + (10 * (CHINESE_DIGITS[tens] if tens else 1) if "十" in text else 0)


def _chinese_date(text: str) -> dt.date | None:
    match = CHINESE_DATE.match(text)
    if not match:
        return None
    year = int("".join(str(CHINESE_DIGITS[ch]) for ch in match.group(1)))
    try:
        return dt.date(year, chinese_number(match.group(2)), chinese_number(match.group(3)))
    except ValueError:
        return None


def parse_date(value: object) -> dt.date | None:
    """A date cell or text: 2024-01-20, 2024/1/20, 2024年1月20日 or 二〇二四年一月二十日."""
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
    return _chinese_date(text)


# A body's whole official name ends so (a 乡 or 镇 alone is not yet one: its signature adds 人民政府).
GOVERNMENT_SUFFIXES = ("人民政府", "政府", "街道办事处")
DEPARTMENT_SUFFIXES = ("办公室", "办公厅", "委员会", "局", "委", "厅", "部", "署", "中心", "院", "所", "队", "站", "办")
# What staff type in 机关类型 besides 政府 / 部门: the kind of office ("局", "人民政府") or its whole name.
GOVERNMENT_WORDS = (*GOVERNMENT_SUFFIXES, "街道", "乡", "镇")
DEPARTMENT_WORDS = (*DEPARTMENT_SUFFIXES, "室", "机关")


def body_kind(body: str) -> str:
    """政府 for a people's government (or a sub-district office), 部门 for a department, by the end of its name;
    "" when unclear. The audit, the importers and `init` all infer a body's kind by this."""
    if body.endswith(GOVERNMENT_SUFFIXES):
        return schema.BODY_KIND_NAMES["government"]
    return schema.BODY_KIND_NAMES["department"] if body.endswith(DEPARTMENT_SUFFIXES) else ""


def parse_body_kind(text: str) -> str | None:
    """ "government" or "department" for what was typed as 机关类型; None when it names neither."""
    text = "".join(text.split())
    if text in schema.BODY_KINDS:
        return schema.BODY_KINDS[text]
    if text.endswith(GOVERNMENT_WORDS):
        return "government"
    if text.endswith(DEPARTMENT_WORDS):
        return "department"
    return None


# A cell starting with one of these is a formula to Excel (=HYPERLINK(…), +1, -1, @SUM, or a tab/CR trick).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


SIGNED_NUMBER = re.compile(r"^[+-]?[0-9][0-9.,]*%?$")  # "-4", "+365.2674", "-44.4%": Excel reads a number


def guard_formula(value: object) -> str:
    """The cell's text for a CSV file, with an apostrophe in front when Excel would run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) and not SIGNED_NUMBER.match(text) else text


def unguard_formula(text: str) -> str:
    """A CSV cell as it was before guard_formula (the long-format reader reads back what this tool wrote)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


# Characters XML 1.0 forbids (C0 controls but tab and line ends, lone surrogates, U+FFFE/U+FFFF).
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def remove_control_characters(text: str) -> tuple[str, str]:
    """The text without characters XML forbids, and those removed as they would be written in code ("\\x07")."""
    found = XML_FORBIDDEN.findall(text)
    if not found:
        return text, ""
    shown = "".join(dict.fromkeys(ch.encode("unicode_escape", "backslashreplace").decode("ascii") for ch in found))
    return XML_FORBIDDEN.sub("", text), shown


def split_paragraphs(value: object) -> tuple[str, ...]:
    """A narrative cell holds one paragraph per line (Alt+Enter in Excel); blank lines are dropped."""
    if value is None:
        return ()
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return tuple(line.strip() for line in lines if line.strip())
