"""Two years of one body compared: every figure's change, the narrative's changes, the continuity findings.

`diff(old, new)` returns data (a YearDiff); formats.py only displays it. Values stay exact: counts are ints,
the fee a Decimal in 万元, changes are computed in Decimal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from generator.checks.continuity import check_continuity
from generator.checks.findings import Finding, to_json_number
from generator.checks.quotes import expand_narrative
from generator.compare.narrative import Segment, count_changes, diff_text
from generator.format import schema
from generator.format.model import Number, ReportData

NO_PERCENT = "—"  # the percentage change when last year's value is 0 (or missing)
DIRECTIONS = {1: ("▲", "增加"), -1: ("▼", "减少"), 0: ("＝", "不变")}


def plain(value: Number | None) -> str:
    """A figure as the tables print it (4351.7195, 28414), or empty when it did not parse."""
    return "" if value is None else format(Decimal(value), "f")


@dataclass(frozen=True)
class FigureChange:
    """One figure in both years. `old`/`new` are None where that year's cell did not parse."""

    key: str
    label: str
    table: str  # "t2", "t3", "t4"
    old: Number | None
    new: Number | None

    @property
    def changed(self) -> bool:
        return self.old != self.new

    @property
    def comparable(self) -> bool:
        return self.old is not None and self.new is not None

    @property
    def change(self) -> Number | None:
        if self.old is None or self.new is None:
            return None
        return self.new - self.old

    @property
    def percent(self) -> Decimal | None:
        """Change in per cent of last year's value, to one decimal; None when last year's value is 0."""
        if self.old is None or self.new is None or self.old == 0:
            return None
        ratio = (Decimal(self.new) - Decimal(self.old)) * 100 / Decimal(self.old)
        return ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def sign(self) -> int:
        change = self.change
        return 0 if not change else (1 if change > 0 else -1)

    @property
    def symbol(self) -> str:
        return DIRECTIONS[self.sign][0] if self.comparable else "？"

    @property
    def direction(self) -> str:
        """增加 / 减少 / 不变 in words, so the change never depends on colour or a symbol alone."""
        return DIRECTIONS[self.sign][1] if self.comparable else "无法比较"

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return NO_PERCENT
        return f"+{plain(change)}" if change > 0 else plain(change)

    @property
    def percent_text(self) -> str:
        percent = self.percent
        if percent is None:
            return NO_PERCENT
        return f"+{percent}%" if percent > 0 else f"{percent}%"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; numbers stay numbers (an amount a float cannot hold exactly is its exact text)."""
        percent = self.percent
        return {
            "key": self.key,
            "table": self.table,
            "label": self.label,
            "old": to_json_number(self.old),
            "new": to_json_number(self.new),
            "change": to_json_number(self.change),
            "percent": None if percent is None else float(percent),
            "direction": self.direction,
            "symbol": self.symbol,
        }


@dataclass(frozen=True)
class SectionDiff:
    """One narrative field in both years, as segments of shared, deleted and inserted text."""

    key: str
    label: str
    segments: tuple[Segment, ...]

    @property
    def changes(self) -> int:
        return count_changes(self.segments)

    @property
    def changed(self) -> bool:
        return self.changes > 0

    @property
    def old_text(self) -> str:
        return "".join(s.text for s in self.segments if s.op != "insert")

    @property
    def new_text(self) -> str:
        return "".join(s.text for s in self.segments if s.op != "delete")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: both years' text, the number of changes and the segments ([op, text], op one of equal,
        delete, insert)."""
        return {
            "key": self.key,
            "label": self.label,
            "old": self.old_text,
            "new": self.new_text,
            "changes": self.changes,
            "segments": [[s.op, s.text] for s in self.segments],
        }


@dataclass(frozen=True)
class YearDiff:
    """What changed from `old` (last year) to `new` (this year)."""

    old_source: str
    new_source: str
    body: str
    old_year: int | None
    new_year: int | None
    figures: tuple[FigureChange, ...]  # in schema order; unchanged ones only when asked for
    narrative: tuple[SectionDiff, ...]
    findings: tuple[Finding, ...]  # continuity findings (all warnings)
    changed_count: int
    figure_count: int
    include_unchanged: bool = False

    @property
    def increased(self) -> int:
        return sum(1 for f in self.figures if f.changed and f.sign > 0)

    @property
    def decreased(self) -> int:
        return sum(1 for f in self.figures if f.changed and f.sign < 0)

    def tables(self) -> list[tuple[str, str, list[FigureChange]]]:
        """(table id, official heading, rows) for 二, 三, 四, in the format's order."""
        return [
            (table, schema.HEADINGS[table], [f for f in self.figures if f.table == table]) for table in schema.grids()
        ]

    def to_records(self) -> list[dict[str, Any]]:
        """One object per figure shown, then per narrative section shown, then per continuity finding; "type"
        (figure, narrative, finding) tells them apart."""
        return [
            *({"type": "figure", **f.to_dict()} for f in self.figures),
            *({"type": "narrative", **s.to_dict()} for s in self.narrative),
            *({"type": "finding", **f.to_dict()} for f in self.findings),
        ]


def _label(field: schema.TextField) -> str:
    return field.label.removesuffix("（可选）")


def diff(old: ReportData, new: ReportData, include_unchanged: bool = False) -> YearDiff:
    """Compare last year's data (`old`) with this year's (`new`) of the same body."""
    rows = [
        FigureChange(key, fig.label, fig.table, old.figures.get(key), new.figures.get(key))
        for key, fig in schema.figures().items()
    ]
    # Compare the text as readers see it: figures quoted by key ({{ t3.new_received.total }}) filled in.
    old_text, new_text = expand_narrative(old)[0], expand_narrative(new)[0]
    sections = []
    for field in schema.NARRATIVE_FIELDS:
        before, after = old_text.get(field.key, ()), new_text.get(field.key, ())
        if not before and not after:
            continue
        section = SectionDiff(field.key, _label(field), diff_text("\n".join(before), "\n".join(after)))
        if section.changed or include_unchanged:
            sections.append(section)
    return YearDiff(
        old_source=old.source,
        new_source=new.source,
        body=new.body or old.body,
        old_year=old.year,
        new_year=new.year,
        figures=tuple(r for r in rows if r.changed or include_unchanged),
        narrative=tuple(sections),
        findings=tuple(check_continuity(old, new)),
        changed_count=sum(1 for r in rows if r.changed),
        figure_count=len(rows),
        include_unchanged=include_unchanged,
    )
