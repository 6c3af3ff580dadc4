"""What staff type into a figure cell, and how each is read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from generator.format.cells import parse_date, parse_figure, parse_year, split_paragraphs
from generator.format.schema import Kind


@pytest.mark.parametrize(
    ("typed", "kind", "value"),
    [
        (146, Kind.COUNT, 146),
        (146.0, Kind.COUNT, 146),
        ("146", Kind.COUNT, 146),
        ("１４６", Kind.COUNT, 146),  # full-width digits
        (" 14 6 ", Kind.COUNT, 146),  # stray spaces
        ("28,414", Kind.COUNT, 28414),
        ("２８，４１４", Kind.COUNT, 28414),  # full-width comma as a thousands separator
        ("0", Kind.COUNT, 0),
        (4351.7195, Kind.WAN_YUAN, Decimal("4351.7195")),
        ("4,351.7195", Kind.WAN_YUAN, Decimal("4351.7195")),
        (0.1 + 0.2, Kind.WAN_YUAN, Decimal("0.3")),  # binary noise from a formula
        ("0.0001", Kind.WAN_YUAN, Decimal("0.0001")),
        ("1036.204518", Kind.WAN_YUAN, Decimal("1036.204518")),  # to the 分, as published reports state fees
        (1036.204518, Kind.WAN_YUAN, Decimal("1036.204518")),
        ("0.000001", Kind.WAN_YUAN, Decimal("0.000001")),
    ],
)
def test_numbers_are_read_as_they_show(typed, kind, value):
    parsed = parse_figure(typed, kind)
    assert (parsed.value, parsed.problem) == (value, "")


@pytest.mark.parametrize(
    ("typed", "kind", "problem"),
    [
        (None, Kind.COUNT, "blank"),
        ("", Kind.COUNT, "blank"),
        ("  ", Kind.COUNT, "blank"),
        ("—", Kind.COUNT, "placeholder"),
        ("/", Kind.COUNT, "placeholder"),
        ("无", Kind.COUNT, "placeholder"),
        ("-", Kind.COUNT, "placeholder"),
        ("12件", Kind.COUNT, "unit"),
        ("4351.7万元", Kind.WAN_YUAN, "unit"),
        ("约十件", Kind.COUNT, "text"),
        ("1,2,3", Kind.COUNT, "text"),
        (True, Kind.COUNT, "text"),
        (-1, Kind.COUNT, "count"),
        ("2.5", Kind.COUNT, "count"),
        ("1.0000001", Kind.WAN_YUAN, "amount"),
        ("-3", Kind.WAN_YUAN, "amount"),
        ("1E309", Kind.WAN_YUAN, "text"),
        ("1e3", Kind.COUNT, "text"),
        (float("inf"), Kind.WAN_YUAN, "text"),  # a workbook cell holding 1E309 reads as infinity
        (float("nan"), Kind.WAN_YUAN, "text"),
        ("Infinity", Kind.WAN_YUAN, "text"),
        ("NaN", Kind.COUNT, "text"),
        (Decimal("Infinity"), Kind.WAN_YUAN, "text"),
        ("١٢", Kind.COUNT, "text"),  # Arabic-Indic digits are no figure here
        ("१२", Kind.COUNT, "text"),  # Devanagari
        ("²", Kind.COUNT, "text"),  # a superscript NFKC would turn into 2
        ("①", Kind.COUNT, "text"),
    ],
)
def test_what_is_not_a_valid_figure_is_named_never_zero(typed, kind, problem):
    parsed = parse_figure(typed, kind)
    assert parsed.value is None
    assert parsed.problem == problem


def test_year_date_and_paragraphs():
    assert parse_year("２０２３") == 2023
    assert parse_year(2023.0) == 2023
    assert parse_year("23") is None
    assert parse_date("2024年1月5日") == dt.date(2024, 1, 5)
    assert parse_date("2024-01-05") == dt.date(2024, 1, 5)
    assert parse_date(dt.datetime(2024, 1, 5, 0, 0)) == dt.date(2024, 1, 5)
    assert parse_date("2024-02-30") is None
    assert split_paragraphs("第一段\r\n\r\n  第二段 \n") == ("第一段", "第二段")
