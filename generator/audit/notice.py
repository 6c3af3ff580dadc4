"""审查通报.docx: a draft notice listing the bodies and their problems, from an editable Word template
(templates/notice/notice.docx by default), rendered in the same sandboxed Jinja environment as the reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from generator.audit.evidence import shown_findings
from generator.audit.review import corrections, review_counts
from generator.audit.stats import rule_counts
from generator.audit.store import Store
from generator.audit.views import grouped
from generator.checks.findings import rule_title, without_keys
from generator.exceptions import TemplateError
from generator.format.filters import cn_date
from generator.jinja.sets import builtin_templates_dir
from generator.render.filling.docx import document_environment, render_docx
from generator.render.typography.layout import TITLE_LINE_CHARS, fill_lines

NOTICE_TEMPLATE = "notice.docx"
DEFAULT_OFFICE = "（发文机关）"


def notice_template(choice: Path | None) -> Path:
    """The Word template: a .docx file, a folder holding notice.docx, or the shipped one."""
    if choice is None:
        return builtin_templates_dir() / "notice" / NOTICE_TEMPLATE
    path = choice / NOTICE_TEMPLATE if choice.is_dir() else choice
    if not path.is_file():
        raise TemplateError(f"找不到通报模板：{path}（应为 .docx 文件，或含有 {NOTICE_TEMPLATE} 的文件夹）。")
    return path


def _years(store: Store, run: int) -> str:
    found = sorted({r.year for r in store.reports(run) if r.year is not None})
    return "、".join(str(year) for year in found) or "    "


def title_lines(years: str, limit: float = TITLE_LINE_CHARS) -> list[str]:
    """The notice's title broken where its meaning breaks (GB/T 9704 7.3.3), as the report's is: 关于…年度 /
    政府信息公开工作年度报告 / 审查情况的通报, pieces joined while they fit a line, a long list of years cut after a 、."""
    years_pieces = [f"{year}、" for year in years.split("、")]
    pieces = [
        "关于",
        *years_pieces[:-1],
        years_pieces[-1].rstrip("、") + "年度",
        "政府信息公开工作年度报告",
        "审查情况的通报",
    ]
    return fill_lines(pieces, limit)


def notice_context(store: Store, run: int, totals: dict[str, int], office: str) -> dict[str, Any]:
    bodies = []
    fixed = []
    for _, reports in grouped(store, run):
        fixed += [vars(item) | {"year": item.year or ""} for report in reports for item in corrections(store, report)]
        listed: set[tuple[object, ...]] = set()
        for report in reports:
            problems = [
                {
                    "level": f.level,
                    "code": f.code,
                    "title": rule_title(f.code),
                    "message": without_keys(f.message),
                    "state": f.state,
                }
                for f in shown_findings(store, report)
                if f.review.counts  # a false alarm is not sent to the body
            ]
            # One report published twice (its web page and its PDF) has the same problems: the notice names it once.
            same = (report.year, tuple((p["code"], p["message"]) for p in problems))
            if problems and same not in listed:
                listed.add(same)
                bodies.append(
                    {
                        "name": report.body or report.name,
                        "year": report.year or "",
                        "errors": report.errors,
                        "warnings": report.warnings,
                        "problems": problems,
                    }
                )
    rules = [
        {"code": r.code, "title": rule_title(r.code), "findings": r.findings, "reports": r.reports}
        for r in rule_counts(store, run)
    ]
    return {
        "office": office or DEFAULT_OFFICE,
        "years": _years(store, run),
        "date": cn_date(dt.date.today()),
        "title_lines": title_lines(_years(store, run)),
        "totals": totals,
        "rules": rules,
        "bodies": bodies,
        # Counted apart: 属实 and 未核实 findings; a false alarm never; corrected figures with their reason.
        "review": review_counts(store, run) | {"corrections": fixed},
    }


def render_notice(template: Path, context: dict[str, Any]) -> bytes:
    return render_docx(template, context, document_environment()).zip()
