"""Rules between two consecutive years of one body: carry-over, documents in force, implausible jumps.

Every finding is a warning (FORMAT.md: W-carry, W-in-force, W-stock, W-jump, plus W-meta when the two files
are not the same body's consecutive years). Like the single-year rules, a figure that did not parse in
either year is skipped here: it already has its own finding.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Decimal

from generator.checks.findings import Finding, make_finding
from generator.format import bodies, relations, schema
from generator.format.cells import normalise_text
from generator.format.model import ReportData

# Key totals whose year-on-year ratio is checked (W-jump). The fee is included because 元 typed as 万元
# multiplies it by 10,000 even when the amount stays below W-fee's absolute threshold.
JUMP_KEYS: tuple[str, ...] = (
    "t2.art20_5.licensing.decisions",
    "t2.art20_6.penalty.decisions",
    "t2.art20_6.coercion.decisions",
    "t2.art20_8.admin_fees.amount_wan_yuan",
    "t3.new_received.total",
    "t4.review.total",
    "t4.litigation_direct.total",
    "t4.litigation_after_review.total",
)
JUMP_FACTOR = Decimal(5)
# A ratio is only meaningful over a large enough base: a small body going from 3 to 16 applications, or
# from 2 to 0 review cases, is ordinary variation, not a typing error. Below 20 (cases, decisions, or 万元
# for the fee) last year, no W-jump is raised.
JUMP_MIN_OLD = Decimal(20)


def _old_where(old: ReportData, key: str) -> str:
    """The old year's file name and cell, so the message says where last year's figure came from."""
    return " ".join(filter(None, (old.source, old.where(key))))


def _label(key: str) -> str:
    return schema.figures()[key].label


def _meta_label(key: str) -> str:
    return next(f.label for f in schema.META_FIELDS if f.key == key)


def _both(old: ReportData, new: ReportData, old_key: str, new_key: str) -> tuple[Decimal, Decimal] | None:
    if old_key in old.figures and new_key in new.figures:
        return Decimal(old.figures[old_key]), Decimal(new.figures[new_key])
    return None


def check_metadata(old: ReportData, new: ReportData) -> list[Finding]:
    """W-meta: the two files should be one body's two consecutive years."""
    findings = []
    spelled_otherwise = old.body and new.body and normalise_text(old.body) != normalise_text(new.body)
    if spelled_otherwise or not same_body(old, new):  # one body under two spellings is compared, and said so
        findings.append(
            make_finding(
                "W-meta",
                "body_spelling" if same_body(old, new) else "previous_body",
                "meta.body",
                place=new.place("meta.body"),
                label=_meta_label("meta.body"),
                body=new.body,
                old_body=old.body,
                old_source=old.source,
            )
        )
    if not consecutive(old, new) and old.year is not None and new.year is not None:
        findings.append(
            make_finding(
                "W-meta",
                "previous_year",
                "meta.year",
                place=new.place("meta.year"),
                label=_meta_label("meta.year"),
                actual=new.year,
                expected=new.year - 1,
                old_year=old.year,
                old_source=old.source,
            )
        )
    return findings


def same_body(old: ReportData, new: ReportData) -> bool:
    """True unless both bodies are named and name different bodies (format/bodies.py: one body's spellings pair)."""
    return bodies.same_body(old.body, new.body)


def consecutive(old: ReportData, new: ReportData) -> bool:
    """True unless both years are known and `old` is not the year before `new`."""
    return old.year is None or new.year is None or new.year - old.year == 1


def check_carry(old: ReportData, new: ReportData) -> list[Finding]:
    """W-carry: this year's 二、上年结转 equals last year's 四、结转下年度继续办理, column by column."""
    findings = []
    for relation in relations.across_years():
        if relation.code != "W-carry" or relations.holds(relation, new.figures, old.figures) is not False:
            continue
        key, old_key = relation.anchor, relation.previous_keys[0]
        findings.append(
            make_finding(
                "W-carry",
                "mismatch",
                key,
                place=new.place(key),
                keys=(key, old_key),
                label=_label(key),
                old_label=_label(old_key),
                old_where=_old_where(old, old_key),
                expected=old.figures[old_key],
                actual=new.figures[key],
            )
        )
    return findings


def check_documents(old: ReportData, new: ReportData) -> list[Finding]:
    """W-stock (废止 > 现行有效[y-1] + 制发) and W-in-force (现行有效[y] = 现行有效[y-1] + 制发 − 废止).

    When W-stock holds for a row, W-in-force is not raised for it: its expected stock would be negative,
    and the repealed figure is what to check first.
    """
    findings = []
    for relation in relations.across_years():
        if relation.code != "W-in-force" or relations.sides(relation, new.figures, old.figures) is None:
            continue
        in_force_key, repealed_key, issued_key = relation.keys  # 现行有效 + 废止 = 上年现行有效 + 制发
        (old_key,) = relation.previous_keys
        old_in_force = old.figures[old_key]
        issued, repealed, in_force = (new.figures[k] for k in (issued_key, repealed_key, in_force_key))
        common = {
            "old_in_force": old_in_force,
            "old_where": _old_where(old, old_key),
            "issued": issued,
        }
        if repealed > old_in_force + issued:
            findings.append(
                make_finding(
                    "W-stock",
                    "repealed",
                    repealed_key,
                    place=new.place(repealed_key),
                    keys=(repealed_key, in_force_key, issued_key),
                    label=_label(repealed_key),
                    actual=repealed,
                    expected=old_in_force + issued,
                    **common,
                )
            )
        elif not relations.holds(relation, new.figures, old.figures):
            findings.append(
                make_finding(
                    "W-in-force",
                    "mismatch",
                    in_force_key,
                    place=new.place(in_force_key),
                    keys=(in_force_key, issued_key, repealed_key),
                    label=_label(in_force_key),
                    actual=in_force,
                    expected=old_in_force + issued - repealed,
                    repealed=repealed,
                    **common,
                )
            )
    return findings


def _ratio_text(ratio: Decimal, rounding: str) -> str:
    """One decimal, rounded away from the threshold's side so 5.02 never reads "5.0 倍（超过 5 倍）"."""
    return format(ratio.quantize(Decimal("0.1"), rounding=rounding), "f")


def check_jumps(old: ReportData, new: ReportData) -> list[Finding]:
    """W-jump: a key total more than ×5 or under ÷5 of last year's (only from a base of JUMP_MIN_OLD)."""
    findings = []
    for key in JUMP_KEYS:
        pair = _both(old, new, key, key)
        if pair is None or pair[0] < JUMP_MIN_OLD:
            continue
        before, after = pair
        ratio = after / before
        if ratio > JUMP_FACTOR:
            variant, ratio_text = "rise", _ratio_text(ratio, ROUND_UP)
        elif ratio * JUMP_FACTOR < 1:
            variant, ratio_text = "fall", f"{_ratio_text(ratio * 100, ROUND_DOWN)}%"
        else:
            continue
        findings.append(
            make_finding(
                "W-jump",
                variant,
                key,
                place=new.place(key),
                label=_label(key),
                old_where=_old_where(old, key),
                expected=old.figures[key],
                actual=new.figures[key],
                ratio=ratio_text,
            )
        )
    return findings


def check_identical(old: ReportData, new: ReportData) -> list[Finding]:
    """W-jump (identical): every one of the 200 figures equals last year's — the tables were copied."""
    keys = list(schema.figures())
    if all(k in old.figures and k in new.figures and old.figures[k] == new.figures[k] for k in keys):
        return [make_finding("W-jump", "identical", keys[0], count=len(keys), old_source=old.source)]
    return []


def check_continuity(old: ReportData, new: ReportData) -> list[Finding]:
    """Every two-year rule, `old` being the year before `new`; all findings are warnings.

    When both years are known and not consecutive, the carry-over and documents-in-force rules are
    skipped (they only hold between one year and the next); when the two files are different bodies, every
    comparison is (one body's figures say nothing about another's). The metadata warning says so.
    """
    findings = check_metadata(old, new)
    if not same_body(old, new):
        return findings
    if consecutive(old, new):
        findings += check_carry(old, new) + check_documents(old, new)
    identical = check_identical(old, new)
    return findings + (identical or check_jumps(old, new))
