"""Geometry of the page's charts, drawn as inline SVG by the template: bars of problems by rule, a body's key
figures on the band its peers span (P25 to P75, the median marked), and the years in the database.

Every chart has a table beside it with the same numbers, its text alternative; shapes and words, never colour
alone, carry the meaning. Each label has its own line above its bar, so it is never cut short, and the drawing
is narrow enough that a 390 px phone shows its 13 px text at nine tenths rather than half.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

CHART_WIDTH = 400
LABEL_LINE = 20  # a label's line above its bar or band
BAR_HEIGHT = 22
ROW_GAP = 8
ROW_HEIGHT = LABEL_LINE + BAR_HEIGHT + ROW_GAP
MARGIN = 6  # a mark at 0 (the peer chart's dot) is drawn whole


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as printed at the bar's end
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]  # y: the top of a bar's label line; the bar itself starts LABEL_LINE below
    width: int
    height: int
    label_line: int


def bar_chart(items: Sequence[tuple[str, float, str]]) -> BarChart:
    """Horizontal bars, one per (label, value, printed value), scaled to the largest."""
    room = CHART_WIDTH - 60  # the printed value follows the longest bar
    largest = max((value for _, value, _ in items), default=0) or 1
    bars = tuple(
        Bar(label, value, text, n * ROW_HEIGHT, round(max(1.0, room * value / largest), 1) if value else 0)
        for n, (label, value, text) in enumerate(items)
    )
    return BarChart(bars, CHART_WIDTH, len(bars) * ROW_HEIGHT, LABEL_LINE)


@dataclass(frozen=True)
class PeerRow:
    """One key figure of a body on its peers' scale: the P25–P75 band, the median tick and the body's mark."""

    label: str
    y: float
    band_x: float
    band_width: float
    median_x: float
    value_x: float


@dataclass(frozen=True)
class PeerChart:
    rows: tuple[PeerRow, ...]  # y: the top of a row's label line; the band starts LABEL_LINE below
    width: int
    height: int
    label_line: int
    plot_x: int  # the scale's 0
    plot_width: int


def peer_chart(items: Sequence[tuple[str, float, float, float, float]]) -> PeerChart:
    """Rows of (label, value, P25, P50, P75), each on its own scale from 0 to the largest of them (with room)."""
    plot = CHART_WIDTH - 2 * MARGIN
    rows = []
    for n, (label, value, p25, p50, p75) in enumerate(items):
        top = max(value, p75, 1.0) * 1.1

        def x(v: float, top: float = top) -> float:
            return MARGIN + plot * v / top

        band = (round(x(p25), 1), round(x(p75) - x(p25), 1))  # a tenth of a pixel: the page stays small
        rows.append(PeerRow(label, n * ROW_HEIGHT, *band, round(x(p50), 1), round(x(value), 1)))
    return PeerChart(tuple(rows), CHART_WIDTH, len(rows) * ROW_HEIGHT, LABEL_LINE, MARGIN, plot)


@dataclass(frozen=True)
class YearColumn:
    year: int
    x: float
    reports_height: float
    failed_height: float
    reports: int
    failed: int


@dataclass(frozen=True)
class YearChart:
    columns: tuple[YearColumn, ...]
    width: int
    height: int
    base: float  # the y of the axis
    column_width: float


def year_chart(items: Sequence[tuple[int, int, int]]) -> YearChart:
    """Paired columns per year: the reports held and those that failed."""
    height, base, column = 220, 190.0, 28.0
    largest = max((reports for _, reports, _ in items), default=0) or 1
    scale = (base - 30) / largest
    columns = tuple(
        YearColumn(
            year, 40 + n * (column * 2 + 40), round(reports * scale, 1), round(failed * scale, 1), reports, failed
        )
        for n, (year, reports, failed) in enumerate(items)
    )
    width = max(320, int(80 + len(columns) * (column * 2 + 40)))
    return YearChart(columns, width, height, base, column)
