"""Warnings for the usual slips of a clerk's first report: the fee typed in 元 where 万元 is asked, last year's
text left in this year's narrative, a publication date that cannot be right."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from generator.checks.continuity import JUMP_MIN_OLD
from generator.checks.findings import Finding, make_finding
from generator.format import schema
from generator.format.model import ReportData

FEE_KEY = "t2.art20_8.admin_fees.amount_wan_yuan"
# The most a body of each kind collects in a year, in 万元, with room to spare: beyond it the fee was almost
# certainly typed in 元. A department or a county-level government: 10 亿元; a city's government: 100 亿元; a
# province or a ministry: 1,000 亿元.
FEE_CEILINGS = (
    (re.compile(r"省|自治区|国务院|^国家|部$"), Decimal(10_000_000)),
    (re.compile(r"(?<!自治)区|县|旗|乡|镇|街道|办事处"), Decimal(100_000)),
)
GOVERNMENT_CEILING = Decimal(1_000_000)
DEPARTMENT_CEILING = Decimal(100_000)
FEE_RATIO_FROM_LAST_YEAR = Decimal(1000)  # 元 for 万元 multiplies by 10,000; a real year never by a thousand

# "2023年，全区共受理…", "2023年度" opening a paragraph or a sentence; a period "2023年1月1日至…".
YEAR_AT_START = re.compile(r"(?:^|[。；！？])\s*((?:19|20)[0-9]{2})\s*年")
PERIOD_YEAR = re.compile(r"((?:19|20)[0-9]{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起\s*)?(?:至|到|—|-|~)")
QUOTE_LENGTH = 24
WIDE_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# 条例 第四十九、五十条: departments publish by 31 January, governments by 31 March of the following year.
DEADLINES = {"department": (1, 31), "government": (3, 31)}


def fee_ceiling(data: ReportData) -> Decimal:
    for pattern, ceiling in FEE_CEILINGS:
        if pattern.search(data.body):
            return ceiling
    return GOVERNMENT_CEILING if data.is_government else DEPARTMENT_CEILING


def check_fee(data: ReportData, previous: ReportData | None = None) -> list[Finding]:
    """W-fee: an amount beyond what this kind of body collects, or a thousand times last year's."""
    fee = data.figures.get(FEE_KEY)
    if fee is None or fee == 0:
        return []
    label = schema.figures()[FEE_KEY].label
    common = {"label": label, "actual": fee, "yuan": f"{Decimal(fee) * 10000:,.0f}"}
    old = previous.figures.get(FEE_KEY) if previous is not None else None
    # From 20 万元 up, W-jump already points at a fivefold change; below, only a thousandfold one is said.
    if old and old < JUMP_MIN_OLD and Decimal(fee) / Decimal(old) >= FEE_RATIO_FROM_LAST_YEAR:
        return [make_finding("W-fee", "previous", FEE_KEY, data.place(FEE_KEY), expected=old, **common)]
    ceiling = fee_ceiling(data)
    if fee > ceiling:
        kind = "政府" if data.is_government else "部门"
        return [
            make_finding(
                "W-fee",
                "magnitude",
                FEE_KEY,
                data.place(FEE_KEY),
                ceiling=f"{ceiling / 10000:,.0f}",
                kind=kind,
                **common,
            )
        ]
    return []


def _quote(text: str, start: int) -> str:
    return text[start : start + QUOTE_LENGTH].strip() + ("…" if len(text) > start + QUOTE_LENGTH else "")


def check_narrative_year(data: ReportData) -> list[Finding]:
    """W-text: a paragraph opening with an earlier year, or stating another year's period, as last year's text
    copied over would. Comparisons ("较2022年") and plans ("2025年将…") are left alone."""
    year = data.year
    if year is None:
        return []
    findings = []
    for field in schema.NARRATIVE_FIELDS:
        for number, paragraph in enumerate(data.narrative.get(field.key, ()), 1):
            text = paragraph.translate(WIDE_DIGITS)  # positions stay those of the paragraph as written
            hits = [(m.start(1), int(m.group(1))) for m in PERIOD_YEAR.finditer(text) if int(m.group(1)) != year]
            hits += [(m.start(1), int(m.group(1))) for m in YEAR_AT_START.finditer(text) if int(m.group(1)) < year]
            if hits:
                at, stated = min(hits)
                findings.append(
                    make_finding(
                        "W-text",
                        "other_year",
                        field.key,
                        data.place(field.key),
                        label=field.label,
                        paragraph=number,
                        quote=_quote(text, at),
                        stated=stated,
                        year=year,
                    )
                )
    return findings


def check_issue_date(data: ReportData) -> list[Finding]:
    """W-meta: a report is published early in the year after the one it reports on; any other date is a slip
    (last year's date kept) or a report published after the legal deadline."""
    date, year = data.issue_date, data.year
    if date is None or year is None:
        return []
    kind = "department" if not data.is_government else "government"
    month, day = DEADLINES[kind]
    deadline = dt.date(year + 1, month, day)
    label = next(f.label for f in schema.META_FIELDS if f.key == "meta.issue_date")
    common = {"label": label, "date": date.isoformat(), "year": year}
    if date < dt.date(year + 1, 1, 1):
        return [make_finding("W-meta", "issue_early", "meta.issue_date", data.place("meta.issue_date"), **common)]
    if date > deadline:
        who = "部门" if kind == "department" else "政府"
        return [
            make_finding(
                "W-meta",
                "issue_late",
                "meta.issue_date",
                data.place("meta.issue_date"),
                deadline=f"{deadline.year}年{deadline.month}月{deadline.day}日",
                who=who,
                **common,
            )
        ]
    return []


def check_plausibility(data: ReportData, previous: ReportData | None = None) -> list[Finding]:
    return check_fee(data, previous) + check_narrative_year(data) + check_issue_date(data)
