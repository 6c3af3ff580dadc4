"""审查结果.xlsx: one row per finding (body, year, rule, figure, expected and actual values, the evidence as printed,
the source, its stable id and the three columns a reviewer fills in), one row per report, one per region, the corrected
figures and the verdicts that no longer apply; written row by row (openpyxl's write-only mode), never all in memory."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from generator.audit.evidence import Exhibit, shown_findings
from generator.audit.rates import rate_table
from generator.audit.regions import RegionRow
from generator.audit.review import CORRECTIONS_SHEET, REVIEW_COLUMNS, STATE_TEXT, corrections, stale_verdicts
from generator.audit.run import Outcome
from generator.audit.store import Store
from generator.audit.views import STATUS_TEXT, grouped
from generator.checks.findings import rule_title

FINDING_COLUMNS = (
    ("发布机关", 24),
    ("年度", 7),
    ("代码", 12),
    ("级别", 6),
    ("规则", 26),
    ("数字", 36),
    ("键", 34),
    ("期望值", 10),
    ("实际值", 10),
    ("原文证据", 60),
    ("说明", 80),
    ("来源", 40),
    *REVIEW_COLUMNS,
)
CORRECTION_COLUMNS: tuple[tuple[str, int], ...] = (
    ("发布机关", 24),
    ("年度", 7),
    ("数字", 36),
    ("键", 34),
    ("报告原文", 10),
    ("更正值", 10),
)
CORRECTION_COLUMNS += (("核实说明", 40), ("记录时间（UTC）", 22), ("编号", 14))
STALE_COLUMNS: tuple[tuple[str, int], ...] = (
    ("发布机关", 24),
    ("年度", 7),
    ("代码", 12),
    ("键", 34),
    ("当时的问题", 60),
    ("核实结论", 10),
)
STALE_COLUMNS += (("核实说明", 40),)
REPORT_COLUMNS = (
    ("来源", 40),
    ("发布机关", 24),
    ("机关类型", 8),
    ("年度", 7),
    ("识别出的数字", 8),
    ("结果", 8),
    ("错误", 6),
    ("警告", 6),
    ("说明", 60),
)


REGION_COLUMNS = (
    ("地区", 20),
    ("报告份数", 8),
    ("未通过", 8),
    ("错误", 6),
    ("警告", 6),
    ("未能识别的格", 12),
    ("属实", 6),
)


RATE_COLUMNS = (
    ("年度", 7),
    ("机关类型", 8),
    ("比例", 50),
    ("单位数", 8),
    ("P25", 10),
    ("P50（中位数）", 12),
    ("P75", 10),
)


def evidence_text(exhibits: Iterable[Exhibit], across_years: bool) -> str:
    """Each exhibit on a line: what it is, the text as printed, what it means, where."""
    lines = []
    for exhibit in exhibits:
        year = f"{exhibit.year} " if across_years else ""
        raw = f"“{exhibit.raw}”" if exhibit.raw else "（空白）"
        lines.append(f"{year}{exhibit.label}：{raw}（{exhibit.meaning}；{exhibit.where or '位置不详'}）")
    return "\n".join(lines)


def _cell(sheet: Any, value: object) -> Any:
    """A cell that keeps text as text: openpyxl would otherwise write "=…" as a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _sheet(workbook: Any, title: str, columns: tuple[tuple[str, int], ...]) -> Any:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    for n, (_, width) in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for name, _ in columns:
        cell = _cell(sheet, name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    return sheet


def _number(text: str) -> object:
    """Expected and actual values as numbers Excel can sort and sum (they are exact decimal text)."""
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return float(text) if text.replace(".", "", 1).isdigit() else text


def _verdict_list(sheet: Any, rows: int) -> None:
    """核实结论 as a drop-down (属实 / 误报 / 已更正) on every finding's row."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    column = get_column_letter(len(FINDING_COLUMNS) - len(REVIEW_COLUMNS) + 2)
    choice = DataValidation(type="list", formula1=f'"{",".join(STATE_TEXT.values())}"', allow_blank=True)
    choice.error, choice.errorTitle, choice.showErrorMessage = (
        "请从列表中选择：属实、误报 或 已更正。",
        "核实结论",
        True,
    )
    choice.add(f"{column}2:{column}{max(rows, 1) + 1}")
    sheet.data_validations.append(choice)


def results_workbook(store: Store, run: int, outcome: Outcome, regions: Iterable[RegionRow] = ()) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    findings = _sheet(workbook, "审查结果", FINDING_COLUMNS)
    fixed: list[list[object]] = []
    written = 0
    for _, reports in grouped(store, run):
        for report in reports:
            fixed += [
                [c.body, c.year, c.label, c.key, _number(c.read), _number(c.value), c.note, c.recorded_at, c.finding_id]
                for c in corrections(store, report)
            ]
            for finding in shown_findings(store, report):
                review = finding.review
                verdict = review.state if review.state in STATE_TEXT.values() else ""
                row = [
                    report.body,
                    report.year,
                    finding.code,
                    finding.level,
                    rule_title(finding.code),
                    finding.label,
                    finding.key,
                    _number(finding.expected),
                    _number(finding.actual),
                    evidence_text(finding.exhibits, finding.across_years),
                    finding.message,
                    report.source,
                    review.finding_id,
                    verdict,
                    review.note,
                    _number(review.corrected),
                ]
                findings.append([_cell(findings, value) for value in row])
                written += 1
    _verdict_list(findings, written)
    reports_sheet = _sheet(workbook, "各报告", REPORT_COLUMNS)
    for report in store.reports(run):
        row = [
            report.source,
            report.body,
            report.body_kind,
            report.year,
            report.figures_found,
            STATUS_TEXT[report.status],
            report.errors,
            report.warnings,
            report.message,
        ]
        reports_sheet.append([_cell(reports_sheet, value) for value in row])
    for event in outcome.failures:
        status = "无法获取" if event.status == "unfetched" else "无法读取"
        reports_sheet.append(
            [_cell(reports_sheet, value) for value in (event.source, "", "", None, 0, status, 0, 0, event.message)]
        )
    for event in outcome.duplicates:  # another file of a report counted once: listed, so that none goes unseen
        copy = (event.source, event.body, "", event.year, 0, "同一报告的另一文件", 0, 0, event.message)
        reports_sheet.append([_cell(reports_sheet, value) for value in copy])
    regions_sheet = _sheet(workbook, "各地区", REGION_COLUMNS)
    for region in regions:
        row = [region.region, region.reports, region.failed, region.errors, region.warnings, region.unread]
        regions_sheet.append([_cell(regions_sheet, value) for value in (*row, region.confirmed)])
    rates_sheet = _sheet(workbook, "比例", RATE_COLUMNS)
    for rate in rate_table(store, run):
        row = [rate.year, rate.kind, rate.label, rate.count, rate.p25, rate.p50, rate.p75]
        rates_sheet.append([_cell(rates_sheet, value) for value in row])
    fixed_sheet = _sheet(workbook, CORRECTIONS_SHEET, CORRECTION_COLUMNS)
    for row in fixed:
        fixed_sheet.append([_cell(fixed_sheet, value) for value in row])
    stale_sheet = _sheet(workbook, "不再适用的核实结论", STALE_COLUMNS)
    for stale in stale_verdicts(store, run):
        row = [stale.body, stale.year, stale.code, stale.key, stale.message, stale.state, stale.note]
        stale_sheet.append([_cell(stale_sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
