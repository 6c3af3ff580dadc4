"""The run's reports grouped by body, each with its findings and evidence, its key figures against its peers and
its years in the database: what the page, the workbook and the notice all show, read from the database one body
at a time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from generator.audit.charts import PeerChart, peer_chart
from generator.audit.evidence import ShownFinding, Unread, scan_of, shown_findings, unread_cells
from generator.audit.rates import RATES, percent, rate_quartiles, report_rates, shown_quartiles
from generator.audit.review import Correction, corrections
from generator.audit.stats import FEWEST_PEERS, KEY_FIGURES, Quartiles, body_years, key_figures, peer_quartiles
from generator.audit.store import Store, StoredReport
from generator.format import schema

STATUS_TEXT = {"passed": "通过", "failed": "未通过", "unreadable": "无法读取"}


def number_text(value: float, places: int = 2) -> str:
    """12.0 -> "12", 1036.204518 -> "1036.2" with places=1; thousands separated."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.{places}f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class PeerLine:
    """One key figure of a report beside the quartiles of the same kind of bodies that year."""

    label: str
    value: str
    p25: str
    p50: str
    p75: str
    position: str


@dataclass(frozen=True)
class RateLine:
    """One rate of a report beside the quartiles of the same kind of bodies that year ("不适用" where none)."""

    label: str
    value: str
    p25: str
    p50: str
    p75: str
    count: int


@dataclass
class ReportView:
    report: StoredReport
    findings: list[ShownFinding]
    peers: list[PeerLine] = field(default_factory=list)
    peer_count: int = 0
    chart: PeerChart | None = None
    unread: list[Unread] = field(default_factory=list)  # cells this tool could not settle: not counted as problems
    corrections: list[Correction] = field(default_factory=list)  # figures a reviewer corrected
    rates: list[RateLine] = field(default_factory=list)  # the shares a reviewer compares (rates.RATES)

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.report.status]


@dataclass
class BodyView:
    anchor: str
    name: str
    kind: str
    reports: list[ReportView]
    history: list[tuple[int, str, dict[str, str]]] = field(default_factory=list)


class Peers:
    """Quartiles per (year, kind of body), computed once each."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.cache: dict[tuple[int, str], dict[str, Quartiles]] = {}
        self.rates: dict[tuple[int, str], dict[str, Quartiles]] = {}

    def of(self, year: int, kind: str) -> dict[str, Quartiles]:
        if (year, kind) not in self.cache:
            self.cache[(year, kind)] = peer_quartiles(self.store, year, kind)
        return self.cache[(year, kind)]

    def rates_of(self, year: int, kind: str) -> dict[str, Quartiles]:
        if (year, kind) not in self.rates:
            self.rates[(year, kind)] = rate_quartiles(self.store, year, kind)
        return self.rates[(year, kind)]


def report_view(store: Store, report: StoredReport, peers: Peers, charts: bool = True) -> ReportView:
    unread = unread_cells(store, report.id, scan_of(store, report))
    view = ReportView(report, list(shown_findings(store, report)), unread=unread)
    view.corrections = corrections(store, report)
    if report.year is None or not report.body:
        return view
    view.rates = rate_lines(store, report, peers.rates_of(report.year, report.body_kind))
    quartiles = peers.of(report.year, report.body_kind)
    own = key_figures(store, report.id)
    plotted = []
    for key in KEY_FIGURES:
        if key not in own or key not in quartiles:
            continue
        q, value, label = quartiles[key], own[key], schema.figures()[key].label
        view.peers.append(
            PeerLine(
                label,
                number_text(value, 6),
                number_text(q.p25),
                number_text(q.p50),
                number_text(q.p75),
                q.position(value),
            )
        )
        view.peer_count = max(view.peer_count, q.count)
        plotted.append((label, value, q.p25, q.p50, q.p75))
    if charts and plotted and view.peer_count >= FEWEST_PEERS:
        view.chart = peer_chart(plotted)
    return view


def rate_lines(store: Store, report: StoredReport, found: dict[str, Quartiles]) -> list[RateLine]:
    own = report_rates(store, report.id)
    lines = []
    for rate in RATES:
        q = found.get(rate.name)
        lines.append(RateLine(rate.label, percent(own[rate.name]), *shown_quartiles(q), q.count if q else 0))
    return lines


def grouped(store: Store, run: int) -> Iterator[tuple[str, list[StoredReport]]]:
    """The run's readable reports by body (every year audited in the run), in order of name, with the anchor of
    the body's section; a report whose body was not found is a body of its own."""
    group: list[StoredReport] = []
    for report in store.reports(run):
        if report.status == "unreadable":
            continue
        if group and (not report.body_key or report.body_key != group[0].body_key):
            yield f"body-{group[0].id}", group
            group = []
        group.append(report)
    if group:
        yield f"body-{group[0].id}", group


def body_views(store: Store, run: int, charts: bool = True) -> Iterator[BodyView]:
    """Each body of the run with its reports' findings, peers and history, one body at a time."""
    peers = Peers(store)
    for anchor, reports in grouped(store, run):
        first = reports[0]
        view = BodyView(anchor, first.body or first.name, first.body_kind, [])
        view.reports = [report_view(store, report, peers, charts) for report in reports]
        if first.body_key:
            history = list(body_years(store, first.body_key))
            if len(history) > 1:
                view.history = [
                    (year, STATUS_TEXT[status], {k: number_text(v, 6) for k, v in figures.items()})
                    for year, status, figures in history
                ]
        yield view
