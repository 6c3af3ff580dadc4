"""Rates a reviewer compares across bodies, declared once: the share of applications granted in full (table 三), the
share of 复议 and of 行政诉讼 cases corrected (table 四); each body's beside the quartiles of its kind that year.
A rate is never computed from a figure that is blank, unread or missing, nor over a denominator of 0 (不适用); a
figure a reviewer corrected counts as corrected."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator.audit.stats import FEWEST_PEERS, LATEST, TOO_FEW, Quartiles, quartiles
from generator.audit.store import IN_RUN, Store

NOT_APPLICABLE = "不适用"


@dataclass(frozen=True)
class Rate:
    """A share: the sum of `numerator`'s figures over the sum of `denominator`'s."""

    name: str  # stable, for JSON
    label: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]

    def of(self, values: Mapping[str, float | None]) -> float | None:
        """The rate, or None when a figure has no value or the denominator is 0."""
        figures = [values.get(key) for key in (*self.numerator, *self.denominator)]
        if any(value is None for value in figures):
            return None
        below = sum(values[key] or 0 for key in self.denominator)
        return sum(values[key] or 0 for key in self.numerator) / below if below else None


RATES = (
    Rate(
        "granted_share",
        "申请予以公开的比例（予以公开 ÷ 办理结果总计）",
        ("t3.granted.total",),
        ("t3.total_processed.total",),
    ),
    Rate(
        "review_corrected_share",
        "行政复议被纠正的比例（结果纠正 ÷ 复议总计）",
        ("t4.review.corrected",),
        ("t4.review.total",),
    ),
    Rate(
        "litigation_corrected_share",
        "行政诉讼被纠正的比例（两类起诉的结果纠正 ÷ 诉讼总计）",
        ("t4.litigation_direct.corrected", "t4.litigation_after_review.corrected"),
        ("t4.litigation_direct.total", "t4.litigation_after_review.total"),
    ),
)
KEYS = tuple(dict.fromkeys(key for rate in RATES for key in (*rate.numerator, *rate.denominator)))
MARKS = ", ".join("?" * len(KEYS))


def percent(value: float | None) -> str:
    return NOT_APPLICABLE if value is None else f"{value * 100:.1f}%"


def report_rates(store: Store, report_id: int) -> dict[str, float | None]:
    """Each rate of one report (None: 不适用)."""
    rows = store.db.execute(
        f"SELECT key, value FROM figures WHERE report_id = ? AND key IN ({MARKS})", (report_id, *KEYS)
    )
    values = {row["key"]: None if row["value"] is None else float(row["value"]) for row in rows}
    return {rate.name: rate.of(settled(store, report_id, values)) for rate in RATES}


def settled(store: Store, report_id: int, values: dict[str, float | None]) -> dict[str, float | None]:
    """The rates' figures as the reviewers settled them: a correction that holds (--review) takes the place of the
    value read, as it does in every check."""
    corrected = {key: float(value) for key, value in store.corrections(report_id).items() if key in KEYS}
    return {**values, **corrected}


def rate_quartiles(store: Store, year: int, kind: str) -> dict[str, Quartiles]:
    """Each rate's quartiles over the bodies of one kind for one year (each body's latest report), where it applies."""
    rows = store.db.execute(
        f"SELECT f.report_id, f.key, f.value FROM figures f JOIN ({LATEST}) r ON r.id = f.report_id "
        f"WHERE r.year = ? AND r.body_kind = ? AND f.key IN ({MARKS})",
        (year, kind, *KEYS),
    )
    reports: dict[int, dict[str, float | None]] = {}
    for row in rows:
        reports.setdefault(row["report_id"], {})[row["key"]] = None if row["value"] is None else float(row["value"])
    reports = {report_id: settled(store, report_id, values) for report_id, values in reports.items()}
    found = {}
    for rate in RATES:
        shares = sorted(share for values in reports.values() if (share := rate.of(values)) is not None)
        if (q := quartiles(shares)) is not None:
            found[rate.name] = q
    return found


@dataclass(frozen=True)
class RateRow:
    """One rate's quartiles over one kind of bodies in one year, as the page and the workbook show them."""

    year: int
    kind: str
    label: str
    count: int
    p25: str
    p50: str
    p75: str


def rate_table(store: Store, run: int) -> list[RateRow]:
    """The quartiles of every rate, for each year and kind of body among the run's reports."""
    groups = store.db.execute(
        f"SELECT DISTINCT year, body_kind FROM reports WHERE {IN_RUN} AND status != 'unreadable' "
        "AND year IS NOT NULL AND body_key != '' ORDER BY year, body_kind",
        (run,),
    ).fetchall()
    table = []
    for year, kind in groups:
        found = rate_quartiles(store, year, kind)
        for rate in RATES:
            q = found.get(rate.name)
            table.append(RateRow(year, kind or "类型未识别", rate.label, q.count if q else 0, *shown_quartiles(q)))
    return table


def shown_quartiles(q: Quartiles | None) -> tuple[str, str, str]:
    """P25, P50 and P75 as the page and the workbook print them: 不适用 without bodies to count, and no figures
    from fewer bodies than a comparison needs (the key figures' table says the same)."""
    if q is None:
        return (NOT_APPLICABLE,) * 3
    if q.count < FEWEST_PEERS:
        return (TOO_FEW,) * 3
    return percent(q.p25), percent(q.p50), percent(q.p75)
