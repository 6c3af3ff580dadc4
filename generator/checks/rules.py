"""The rule catalogue for one year's data: arithmetic between figures, narrative agreement, plausibility."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from generator.checks.continuity import check_continuity
from generator.checks.findings import SUSPECT_NOTE, Finding, ValidationReport, make_finding
from generator.checks.plausibility import check_plausibility
from generator.checks.quotes import expand_narrative
from generator.checks.structure import read_findings
from generator.format import relations, schema
from generator.format.cells import normalise_text
from generator.format.model import Number, ReportData
from generator.format.relations import Relation

# --- Arithmetic: each one-year relation of format/relations.py -----------------------------------


def _check_sums(data: ReportData) -> list[Finding]:
    failed: list[tuple[Relation, Number, Number]] = []
    for relation in relations.single_year():
        found = relations.sides(relation, data.figures)
        if found is not None and found[0] != found[1]:  # a figure that did not parse has its own finding
            failed.append((relation, *found))
    suspect = _single_out(relation for relation, _, _ in failed)
    findings = []
    for relation, actual, expected in failed:
        key = suspect if suspect and suspect in relation.keys else relation.anchor
        note = ""
        if key != relation.anchor:
            note = SUSPECT_NOTE.format(
                location=data.where(key), label=schema.figures()[key].label, value=data.figures[key]
            )
        findings.append(
            make_finding(
                relation.code,
                "sum",
                key,
                data.place(key),
                where=data.where(relation.anchor),  # the message reads from the equation's own total
                keys=relation.keys,
                actual=actual,
                expected=expected,
                suspect=note,
                **dict(relation.params),
            )
        )
    return findings


def _single_out(failed: Iterator[Relation]) -> str:
    """When exactly one row and one column of table 三 fail, the cell where they cross is the likely culprit."""
    rows: set[str] = set()
    columns: set[str] = set()
    for rule in failed:
        axis, _, name = rule.axis.partition(":")
        (rows if axis == "row" else columns if axis == "col" else set()).add(name)
    if len(rows) == 1 and len(columns) == 1:
        return f"t3.{rows.pop()}.{columns.pop()}"
    return ""


# --- Narrative that states a table's figure ---------------------------------------------------


@dataclass(frozen=True)
class NarrativeClaim:
    """A sentence pattern whose number (group 1) must equal the sum of `keys`."""

    pattern: re.Pattern[str]
    keys: tuple[str, ...]


_NUM = r"(\d[\d,]*)"
_NOT_INCLUDING = r"(?![（(]?(?:含|其中|包括))"
NARRATIVE_CLAIMS: tuple[NarrativeClaim, ...] = (
    NarrativeClaim(
        re.compile(rf"(?:受理|新收|收到)[^，。；、\d]{{0,12}}申请{_NUM}件{_NOT_INCLUDING}"), ("t3.new_received.total",)
    ),
    NarrativeClaim(re.compile(rf"上一?年度?结转[^，。；、\d]{{0,8}}?{_NUM}件"), ("t3.carried_over.total",)),
    NarrativeClaim(re.compile(rf"结转(?:至)?下一?年度?[^，。；、\d]{{0,8}}?{_NUM}件"), ("t3.carried_forward.total",)),
    NarrativeClaim(re.compile(rf"行政复议(?:案件)?{_NUM}(?:件|起)"), ("t4.review.total",)),
    NarrativeClaim(
        re.compile(rf"行政诉讼(?:案件)?{_NUM}(?:件|起)"),
        ("t4.litigation_direct.total", "t4.litigation_after_review.total"),
    ),
    NarrativeClaim(
        re.compile(rf"(?:制发|印发|出台)[^，。；、\d]{{0,6}}行政规范性文件{_NUM}件"),
        ("t2.art20_1.normative_docs.issued",),
    ),
)


def _check_narrative(data: ReportData) -> list[Finding]:
    """Quotes ({{ key }}) must name real figures; a figure stated in words must equal its cell."""
    expanded, problems = expand_narrative(data)
    labels = {f.key: f.label for f in schema.NARRATIVE_FIELDS}
    findings = [
        make_finding("E-narrative", "quote", p.key, data.place(p.key), label=labels[p.key], problem=p.message)
        for p in problems
    ]
    for field in schema.NARRATIVE_FIELDS:
        for paragraph in expanded.get(field.key, ()):
            text = normalise_text(paragraph)
            for claim in NARRATIVE_CLAIMS:
                matches = list(claim.pattern.finditer(text))
                if not matches or not all(k in data.figures for k in claim.keys):
                    continue
                expected = sum(data.figures[k] for k in claim.keys)
                for match in matches:
                    stated = Decimal(match.group(1).replace(",", ""))
                    if stated != expected:
                        findings.append(_narrative_finding(data, field, claim, match, stated))
    return findings


WITH_CARRIED = ("t3.new_received.total", "t3.carried_over.total")


def _narrative_finding(
    data: ReportData, field: schema.TextField, claim: NarrativeClaim, match: re.Match[str], stated: Decimal
) -> Finding:
    """A sentence whose figure is not its cell's: an error in a draft; in a published report a warning that shows
    the arithmetic, and never an accusation where the prose counted last year's carried-over applications in
    ("收到申请75件" for 74 new and 1 carried over), the usual way of counting."""
    key = claim.keys[0]
    label = "＋".join(schema.figures()[k].label for k in claim.keys)
    common = {"section": field.label, "text_where": data.where(field.key), "quote": match.group(0)}
    if claim.keys == WITH_CARRIED[:1] and all(k in data.figures for k in WITH_CARRIED):
        new, carried = (data.figures[k] for k in WITH_CARRIED)
        if new + carried == stated:
            keys = (*WITH_CARRIED, field.key)
            place = data.place(key)
            return make_finding(
                "W-narrative", "with_carried", key, place, keys=keys, new=new, carried=carried, actual=stated, **common
            )
    expected = sum(data.figures[k] for k in claim.keys)
    code = "W-narrative" if data.published else "E-narrative"
    figures = [str(data.figures[k]) for k in claim.keys]
    arithmetic = f"{' + '.join(figures)} = {expected}" if len(figures) > 1 else str(expected)
    return make_finding(
        code,
        "mismatch",
        key,
        data.place(key),
        keys=claim.keys + (field.key,),
        label=label,
        expected=expected,
        actual=stated,
        arithmetic=arithmetic,
        **common,
    )


# --- Warnings ---------------------------------------------------------------------------------

NO_FEE_NOTICE = re.compile(r"(?:未|没有|无)(?:发出|下发|出具|发送|开具)?[^。；]{0,6}收费通知")
COUNTY_LEVEL_NAME = re.compile(r"(?<!自治)区|县|旗|乡|镇|街道|办事处")
REVIEW_RESULT_WORDS = ("考核", "评议", "责任追究")


def _check_text(data: ReportData) -> list[Finding]:
    findings = []
    for field in schema.NARRATIVE_FIELDS:
        if field.key not in data.narrative and field.key not in schema.OPTIONAL_NARRATIVE:
            variant = "not_published" if data.published else "missing"  # a published report has no template
            findings.append(make_finding("W-text", variant, field.key, data.place(field.key), label=field.label))
    overview = "".join("".join(data.narrative.get(f.key, ())) for f in schema.OVERVIEW_FIELDS)
    if overview and not re.search(r"\d", normalise_text(overview)):
        findings.append(make_finding("W-text", "no_figures", "narrative.overview.active"))
    if overview and data.is_government and not any(word in overview for word in REVIEW_RESULT_WORDS):
        findings.append(make_finding("W-text", "review_results", "narrative.overview.supervision"))
    return findings


def _check_plausibility(data: ReportData) -> list[Finding]:
    figures, findings = data.figures, []
    unpaid_key = "t3.other.unpaid_fee.total"
    other_text = "".join(data.narrative.get("narrative.other", ()))
    if figures.get(unpaid_key, 0) > 0 and NO_FEE_NOTICE.search(other_text):
        label = schema.figures()[unpaid_key].label
        findings.append(
            make_finding(
                "W-fee",
                "no_notice",
                unpaid_key,
                place=data.place(unpaid_key),
                label=label,
                actual=figures[unpaid_key],
            )
        )
    concluded = [figures.get(f"t4.review.{o}") for o in ("upheld", "corrected", "other")]
    after_key = "t4.litigation_after_review.total"
    after = figures.get(after_key)
    if after is not None and None not in concluded and after > sum(c for c in concluded if c is not None):
        findings.append(
            make_finding(
                "W-review",
                "exceeds",
                after_key,
                place=data.place(after_key),
                keys=(after_key, "t4.review.upheld", "t4.review.corrected", "t4.review.other"),
                actual=after,
                expected=sum(c for c in concluded if c is not None),
            )
        )
    if COUNTY_LEVEL_NAME.search(data.body):
        for column in ("issued", "repealed", "in_force"):
            key = f"t2.art20_1.regulations.{column}"
            if figures.get(key, 0) > 0:
                label = schema.figures()[key].label
                findings.append(
                    make_finding(
                        "W-stock",
                        "regulations",
                        key,
                        place=data.place(key),
                        label=label,
                        actual=figures[key],
                        body=data.body,
                    )
                )
    return findings


def validate(data: ReportData, previous: ReportData | None = None) -> ValidationReport:
    """Every single-year rule of the format; reading problems come first, then arithmetic on what parsed.

    With `previous` (last year's data of the same body) the continuity rules follow, as warnings.
    """
    findings = [
        *read_findings(data),
        *_check_sums(data),
        *_check_narrative(data),
        *_check_text(data),
        *_check_plausibility(data),
        *check_plausibility(data, previous),
    ]
    if previous is not None:
        findings += check_continuity(previous, data)
        previous_errors = validate(previous).errors
        if previous_errors:  # the year-to-year checks above trusted figures that are themselves wrong
            findings.append(
                make_finding(
                    "W-meta",
                    "previous_invalid",
                    "meta.year",
                    old_source=previous.source,
                    count=len(previous_errors),
                    example=previous_errors[0].message,
                )
            )
    return ValidationReport(data.source, tuple(findings))
