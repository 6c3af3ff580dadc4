"""Reading problems as findings: a figure that is blank, text or not a whole number (E-cell, E-int), metadata
that is missing or unreadable (E-meta, W-meta)."""

from __future__ import annotations

from generator.checks.findings import Finding, make_finding
from generator.format import schema
from generator.format.model import ReadProblem, ReportData

# What happens to a report when an optional metadata field is missing.
CONSEQUENCES = {
    "meta.issue_date": "报告末尾将不显示发布日期。",
    "meta.body_kind": "按“政府”处理。",
}
REQUIRED_META = frozenset(f.key for f in schema.META_FIELDS if f.required)
SIGNED = REQUIRED_META | {"meta.issue_date"}  # what a published report always prints (its title, its signature)


def _label(key: str) -> str:
    if key in schema.figures():
        return schema.figures()[key].label
    return next(f.label for f in schema.text_fields() if f.key == key)


def _finding(problem: ReadProblem, published: bool) -> Finding:
    key, variant = problem.key, problem.variant
    if published and key in SIGNED and variant == "missing":  # every report names its body and year, and dates
        return make_finding("W-meta", "unrecognised", key, problem.place, label=_label(key))  # it: not found is ours
    if variant == "sheet_name":  # a hint of the reader, whatever key stands for the sheet
        return make_finding("W-meta", variant, key, problem.place, raw=problem.raw, sheet_name=problem.raw.strip())
    if variant == "control":
        code = "W-meta" if key.startswith("meta.") else "W-text"
        return make_finding(code, variant, key, problem.place, label=_label(key), raw=problem.raw)
    if key in schema.figures():
        code = "E-int" if variant in ("count", "amount") else "E-cell"
    else:
        code = "E-meta" if key in REQUIRED_META else "W-meta"
    consequence = CONSEQUENCES.get(key, "")
    return make_finding(code, variant, key, problem.place, label=_label(key), raw=problem.raw, consequence=consequence)


def read_findings(data: ReportData) -> list[Finding]:
    """One finding per value that could not be read, in reading order (figures, then metadata). A cell of a
    published report that this tool could not settle ("unread") is no finding: the report is not to blame."""
    return [_finding(problem, data.published) for problem in data.problems if problem.variant != "unread"]
