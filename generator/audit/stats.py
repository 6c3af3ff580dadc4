"""What the database says across reports: problems by rule, key figures against bodies of the same kind
(quartiles), and the years it holds. A body's report for a year is the one audited last."""

from __future__ import annotations

import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from generator.audit.store import IN_RUN, Store
from generator.checks.continuity import JUMP_KEYS

# The figures each body is set against its peers with: documents, decisions, fees, applications, cases.
KEY_FIGURES: tuple[str, ...] = (
    "t2.art20_1.normative_docs.issued",
    "t2.art20_1.normative_docs.in_force",
    *JUMP_KEYS,
)
# A finding a reviewer judged 误报 counts nowhere.
COUNTED = (
    "NOT EXISTS (SELECT 1 FROM finding_states s WHERE s.report_id = f.report_id AND s.seq = f.seq "
    "AND s.verdict = 'false_alarm')"
)
LATEST = """
    SELECT * FROM (
        SELECT r.*, ROW_NUMBER() OVER (PARTITION BY body_key, year ORDER BY seen DESC, id DESC) AS latest
        FROM reports r WHERE status != 'unreadable' AND body_key != '' AND year IS NOT NULL
    ) WHERE latest = 1"""


@dataclass(frozen=True)
class RuleCount:
    code: str
    severity: str
    findings: int
    reports: int


def rule_counts(store: Store, run: int) -> list[RuleCount]:
    """Problems of the run's reports by rule: errors first, then by how many there are."""
    rows = store.db.execute(
        "SELECT f.code, f.severity, count(*) AS n, count(DISTINCT f.report_id) AS reports FROM findings f "
        "JOIN reports r ON r.id = f.report_id WHERE r." + IN_RUN + f" AND {COUNTED} GROUP BY f.code, f.severity "
        "ORDER BY f.severity = 'warning', n DESC, f.code",
        (run,),
    )
    return [RuleCount(row["code"], row["severity"], row["n"], row["reports"]) for row in rows]


def counts_by_report(store: Store, run: int) -> dict[int, dict[str, int]]:
    """For each report of the run, its findings by rule."""
    counts: dict[int, dict[str, int]] = {}
    rows = store.db.execute(
        "SELECT f.report_id, f.code, count(*) AS n FROM findings f JOIN reports r ON r.id = f.report_id "
        "WHERE r." + IN_RUN + f" AND {COUNTED} GROUP BY f.report_id, f.code",
        (run,),
    )
    for row in rows:
        counts.setdefault(row["report_id"], {})[row["code"]] = row["n"]
    return counts


FEWEST_PEERS = 4  # bodies of a kind below which quartiles say nothing a reviewer could compare with
TOO_FEW = "同类单位太少，不作比较"


@dataclass(frozen=True)
class Quartiles:
    """P25, P50 and P75 of one figure over `count` bodies (linear interpolation between the values)."""

    count: int
    p25: float
    p50: float
    p75: float

    def position(self, value: float) -> str:
        if self.count < FEWEST_PEERS:
            return TOO_FEW
        if value < self.p25:
            return "低于 P25"
        if value > self.p75:
            return "高于 P75"
        return "在 P25 至 P75 之间"


def quartiles(values: Sequence[float]) -> Quartiles | None:
    if not values:
        return None
    if len(values) == 1:
        return Quartiles(1, values[0], values[0], values[0])
    p25, p50, p75 = statistics.quantiles(values, n=4, method="inclusive")
    return Quartiles(len(values), p25, p50, p75)


def peer_quartiles(store: Store, year: int, kind: str) -> dict[str, Quartiles]:
    """Each key figure's quartiles over the bodies of one kind (政府, 部门, or '' when unknown) for one year."""
    marks = ", ".join("?" * len(KEY_FIGURES))
    rows = store.db.execute(
        f"SELECT f.key, f.value FROM figures f JOIN ({LATEST}) r ON r.id = f.report_id "
        f"WHERE r.year = ? AND r.body_kind = ? AND f.key IN ({marks}) AND f.value IS NOT NULL",
        (year, kind, *KEY_FIGURES),
    )
    values: dict[str, list[float]] = {}
    for row in rows:
        values.setdefault(row["key"], []).append(float(row["value"]))
    found = {key: quartiles(sorted(v)) for key, v in values.items()}
    return {key: q for key, q in found.items() if q is not None}


def key_figures(store: Store, report_id: int) -> dict[str, float]:
    marks = ", ".join("?" * len(KEY_FIGURES))
    rows = store.db.execute(
        f"SELECT key, value FROM figures WHERE report_id = ? AND key IN ({marks}) AND value IS NOT NULL",
        (report_id, *KEY_FIGURES),
    )
    return {row["key"]: float(row["value"]) for row in rows}


@dataclass(frozen=True)
class YearTotals:
    """One year of the database: bodies' reports, how many failed, and each key figure's total over them."""

    year: int
    reports: int
    failed: int
    errors: int
    totals: dict[str, float]


def years(store: Store) -> list[YearTotals]:
    rows = store.db.execute(
        f"SELECT year, count(*) AS n, sum(status = 'failed') AS failed, sum(errors) AS errors FROM ({LATEST}) "
        "GROUP BY year ORDER BY year"
    ).fetchall()
    marks = ", ".join("?" * len(KEY_FIGURES))
    totals: dict[int, dict[str, float]] = {}
    for row in store.db.execute(
        f"SELECT r.year, f.key, total(f.value) AS total FROM figures f JOIN ({LATEST}) r ON r.id = f.report_id "
        f"WHERE f.key IN ({marks}) GROUP BY r.year, f.key",
        KEY_FIGURES,
    ):
        totals.setdefault(row["year"], {})[row["key"]] = row["total"]
    return [YearTotals(r["year"], r["n"], r["failed"], r["errors"], totals.get(r["year"], {})) for r in rows]


def body_years(store: Store, key: str) -> Iterator[tuple[int, str, dict[str, float]]]:
    """A body's years in the database: (year, status, key figures) of each year's latest report."""
    rows = store.db.execute(
        "SELECT id, year, status FROM reports WHERE body_key = ? AND status != 'unreadable' AND year IS NOT NULL "
        "ORDER BY year, seen DESC, id DESC",  # as LATEST, for one body: its index finds the rows
        (key,),
    ).fetchall()
    years_seen: set[int] = set()
    for row in rows:
        if row["year"] not in years_seen:
            years_seen.add(row["year"])
            yield row["year"], row["status"], key_figures(store, row["id"])
