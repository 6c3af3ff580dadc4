"""One report published twice — the page and its PDF attachment, a Word copy — counts once in a run."""

from __future__ import annotations

from generator.audit.run import Event, Outcome
from generator.audit.store import Store, StoredReport

FORM_NAMES = {"html": "网页", "pdf": "PDF", "docx": "Word", "txt": "文本", "md": "文本"}


def same_report_once(store: Store, run: int, outcome: Outcome) -> None:
    """Files of the run that name the same body and year and print the same figures are one report: the one that
    read more figures counts, each other is listed as a duplicate. Files whose figures differ both count (which
    the body published is for the reviewer to settle); a report without its body or year is never paired."""
    groups: dict[tuple[str, int], list[StoredReport]] = {}
    for report in store.reports(run):
        if report.status != "unreadable" and report.body_key and report.year is not None:
            groups.setdefault((report.body_key, report.year), []).append(report)
    for reports in groups.values():
        if len(reports) < 2:
            continue  # the usual body: one file, no figures to read back
        group = sorted(((r, _read(store, r.id)) for r in reports), key=lambda item: (-len(item[1]), item[0].source))
        kept: list[tuple[StoredReport, dict[str, float]]] = []
        for report, values in group:
            twin = next((k for k, v in kept if _same(values, v)), None)
            if twin is None:
                kept.append((report, values))
                continue
            store.unlist(run, report.id)
            form = FORM_NAMES.get(twin.file_type, twin.file_type)
            message = f"与 {twin.source}（{form}）是同一份报告（同一单位、同一年度，数字相同），只计一次。"
            outcome.duplicates.append(Event(report.source, "duplicate", report.body, report.year, message))


def _read(store: Store, report_id: int) -> dict[str, float]:
    rows = store.db.execute("SELECT key, value FROM figures WHERE report_id = ? AND value IS NOT NULL", (report_id,))
    return {row["key"]: float(row["value"]) for row in rows}


def _same(values: dict[str, float], other: dict[str, float]) -> bool:
    """Every figure both read is the same, and each read most of the other's (a scan's few unread cells aside)."""
    shared = values.keys() & other.keys()
    return len(shared) * 10 >= 9 * max(len(values), len(other), 1) and all(values[key] == other[key] for key in shared)
