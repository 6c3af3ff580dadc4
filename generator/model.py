"""The report's data once read: figures, metadata and narrative, immutable, with where each came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from generator import schema
from generator.findings import Finding, make_finding
from generator.values import parse_date, parse_figure, parse_year, split_paragraphs

Number = int | Decimal


@dataclass(frozen=True)
class RawValue:
    """A value exactly as a reader found it, with its place ("表三!D5" or "第 12 行")."""

    value: object
    location: str
    formula: str = ""  # set when the cell holds a formula whose result was never saved


@dataclass(frozen=True)
class ReportData:
    """One body's year: every figure that parsed, the metadata, the narrative as paragraphs."""

    source: str
    figures: Mapping[str, Number]
    meta: Mapping[str, object]
    narrative: Mapping[str, tuple[str, ...]]
    locations: Mapping[str, str]
    read_findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def body(self) -> str:
        return str(self.meta.get("body") or "")

    @property
    def year(self) -> int | None:
        year = self.meta.get("year")
        return year if isinstance(year, int) else None

    @property
    def is_government(self) -> bool:
        return self.meta.get("body_kind", "government") == "government"

    def where(self, key: str) -> str:
        return self.locations.get(key, "")


def _figure_findings(raws: Mapping[str, RawValue], figures: dict[str, Number]) -> list[Finding]:
    findings = []
    for key, fig in schema.figures().items():
        raw = raws.get(key)
        if raw is None:
            findings.append(make_finding("E-cell", "missing", key, label=fig.label))
            continue
        if raw.formula and raw.value is None:
            findings.append(
                make_finding("E-cell", "formula", key, location=raw.location, label=fig.label, raw=raw.formula)
            )
            continue
        parsed = parse_figure(raw.value, fig.kind)
        if parsed.value is not None:
            figures[key] = parsed.value
            continue
        code = "E-int" if parsed.problem in ("count", "amount") else "E-cell"
        findings.append(make_finding(code, parsed.problem, key, location=raw.location, label=fig.label, raw=parsed.raw))
    return findings


def _meta(raws: Mapping[str, RawValue], meta: dict[str, object]) -> list[Finding]:
    findings = []
    labels = {f.key: f.label for f in schema.META_FIELDS}

    def finding(code: str, variant: str, key: str, **params: object) -> None:
        raw = raws.get(key)
        location = raw.location if raw else ""
        findings.append(make_finding(code, variant, key, location=location, label=labels[key], **params))

    def text(key: str) -> str:
        raw = raws.get(key)
        return "" if raw is None or raw.value is None else str(raw.value).strip()

    if text("meta.body"):
        meta["body"] = text("meta.body")
    else:
        finding("E-meta", "missing", "meta.body")
    year = parse_year(raws["meta.year"].value) if "meta.year" in raws else None
    if year is not None:
        meta["year"] = year
    elif text("meta.year"):
        finding("E-meta", "year", "meta.year", raw=text("meta.year"))
    else:
        finding("E-meta", "missing", "meta.year")

    issued = raws.get("meta.issue_date")
    meta["issue_date"] = parse_date(issued.value) if issued else None
    if not text("meta.issue_date"):
        finding("W-meta", "missing", "meta.issue_date", consequence="报告末尾将不显示发布日期。")
    elif meta["issue_date"] is None:
        finding("W-meta", "date", "meta.issue_date", raw=text("meta.issue_date"))

    meta["contact"] = text("meta.contact")
    kind = text("meta.body_kind")
    meta["body_kind"] = schema.BODY_KINDS.get(kind, "government")
    if not kind:
        finding("W-meta", "missing", "meta.body_kind", consequence="按“政府”处理。")
    elif kind not in schema.BODY_KINDS:
        finding("W-meta", "body_kind", "meta.body_kind", raw=kind)
    return findings


def assemble(source: str, raws: Mapping[str, RawValue]) -> ReportData:
    """Parse every raw value through the schema; what cannot be parsed becomes a finding, never a silent 0."""
    figures: dict[str, Number] = {}
    meta: dict[str, object] = {}
    findings = _figure_findings(raws, figures) + _meta(raws, meta)
    narrative = {f.key: split_paragraphs(raws[f.key].value) for f in schema.NARRATIVE_FIELDS if f.key in raws}
    locations = {key: raw.location for key, raw in raws.items()}
    return ReportData(
        source=source,
        figures=MappingProxyType(figures),
        meta=MappingProxyType(meta),
        narrative=MappingProxyType({k: v for k, v in narrative.items() if v}),
        locations=MappingProxyType(locations),
        read_findings=tuple(findings),
    )


def issue_date_text(date: dt.date | None) -> str:
    return f"{date.year}年{date.month}月{date.day}日" if date else ""
