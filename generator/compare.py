"""Two years of one body compared: every figure's change, the narrative's changes, the continuity findings.

`diff(old, new)` returns data (a YearDiff); the format_* functions and render_diff_html only display it.
Values stay exact: counts are ints, the fee a Decimal in 万元, changes are computed in Decimal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from generator import schema
from generator.continuity import check_continuity
from generator.exceptions import GenerateReportError
from generator.findings import Finding, to_json_number
from generator.model import Number, ReportData
from generator.narrative import expand_narrative
from generator.narrative_diff import Segment, as_text, count_changes, diff_text

DIFF_TEMPLATE = "diff.html.j2"
NO_PERCENT = "—"  # the percentage change when last year's value is 0 (or missing)
DIRECTIONS = {1: ("▲", "增加"), -1: ("▼", "减少"), 0: ("＝", "不变")}
CSV_COLUMNS = ("table", "key", "label", "old", "new", "change", "percent", "direction", "symbol")


def _plain(value: Number | None) -> str:
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
        return f"+{_plain(change)}" if change > 0 else _plain(change)

    @property
    def percent_text(self) -> str:
        percent = self.percent
        if percent is None:
            return NO_PERCENT
        return f"+{percent}%" if percent > 0 else f"{percent}%"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; numbers stay numbers (the 万元 amount has at most 4 decimals, which a float prints exactly)."""
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
        return [f.to_dict() for f in self.figures]

    def to_frame(self) -> Any:
        """The figure rows as a pandas DataFrame (object columns: counts stay int, amounts stay Decimal)."""
        import pandas as pd

        rows = [
            {
                "table": f.table,
                "key": f.key,
                "label": f.label,
                "old": f.old,
                "new": f.new,
                "change": f.change,
                "percent": f.percent,
                "direction": f.direction,
                "symbol": f.symbol,
            }
            for f in self.figures
        ]
        return pd.DataFrame(rows, columns=list(CSV_COLUMNS), dtype=object)


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


# --- Output formats -----------------------------------------------------------------------------


def title(result: YearDiff) -> str:
    """孟州市人民政府2022年与2023年政府信息公开工作年度报告对比."""
    years = "与".join(f"{y}年" for y in (result.old_year, result.new_year) if y)
    return f"{result.body}{years}政府信息公开工作年度报告对比"


def summary_lines(result: YearDiff) -> list[str]:
    figures = (
        f"数字：{result.figure_count} 个中有 {result.changed_count} 个与上年不同"
        f"（▲增加 {result.increased} 个，▼减少 {result.decreased} 个）。"
        if result.changed_count
        else f"数字：{result.figure_count} 个全部与上年相同。"
    )
    findings = f"衔接核对：{len(result.findings)} 个警告。" if result.findings else "衔接核对：未发现问题。"
    return [figures, findings]


def format_text(result: YearDiff) -> str:
    """For the terminal: summary, figures by table, narrative in [-deleted-]{+inserted+} notation, findings."""
    lines = [f"{title(result)}（{result.old_source} → {result.new_source}）", *summary_lines(result)]
    for _, heading, rows in result.tables():
        lines += ["", heading]
        if not rows:
            lines.append("  本表数字与上年相同。")
        for f in rows:
            lines.append(
                f"  {f.label}：{_plain(f.old)} → {_plain(f.new)}，{f.change_text}（{f.percent_text}），{f.symbol}{f.direction}"
            )
    if result.narrative:
        lines += ["", "正文变化（[-…-] 为上年有、本年删去的文字，{+…+} 为本年新增的文字）"]
        for section in result.narrative:
            lines += [f"【{section.label}】（{section.changes} 处变化）", as_text(section.segments)]
    if result.findings:
        lines += ["", "衔接核对"] + [f.describe() for f in result.findings]
    return "\n".join(lines) + "\n"


def format_json(result: YearDiff) -> str:
    """A list of objects, one per figure shown: key, table, label, old, new, change, percent, direction."""
    return json.dumps(result.to_records(), ensure_ascii=False, indent=2) + "\n"


def format_csv(result: YearDiff) -> str:
    """One row per figure shown; percent is — when last year's value is 0 (exact values, no float noise)."""
    frame = result.to_frame()
    frame["percent"] = frame["percent"].map(lambda p: NO_PERCENT if p is None else p)
    text: str = frame.to_csv(index=False, lineterminator="\n")
    return text


def html_context(result: YearDiff) -> dict[str, Any]:
    tables = [
        {
            "id": f"diff-{table}",
            "caption": heading,
            "rows": [
                {
                    "key": f.key,
                    "label": f.label,
                    "old": _plain(f.old),
                    "new": _plain(f.new),
                    "change": f.change_text,
                    "percent": f.percent_text,
                    "symbol": f.symbol,
                    "direction": f.direction,
                    "changed": f.changed,
                }
                for f in rows
            ],
        }
        for table, heading, rows in result.tables()
    ]
    return {
        "title": title(result),
        "body": result.body,
        "old": {"source": result.old_source, "year": result.old_year or ""},
        "new": {"source": result.new_source, "year": result.new_year or ""},
        "summary": summary_lines(result),
        "include_unchanged": result.include_unchanged,
        "findings": [{"code": f.code, "severity": f.severity, "message": f.message} for f in result.findings],
        "tables": tables,
        "narrative": [
            {
                "key": s.key,
                "label": s.label,
                "changes": s.changes,
                "segments": [{"op": seg.op, "text": seg.text} for seg in s.segments],
            }
            for s in result.narrative
        ],
    }


def render_diff_html(result: YearDiff, template: str | None = None) -> bytes:
    """The standalone HTML page (style inlined), through the one sandboxed, autoescaping environment."""
    from jinja2 import FileSystemLoader
    from jinja2 import TemplateError as JinjaTemplateError
    from jinja2.sandbox import SecurityError

    from generator.exceptions import TemplateError
    from generator.render.environment import make_environment
    from generator.render.html import describe_template_error
    from generator.templates import find_template_set

    path = find_template_set(template).file(DIFF_TEMPLATE)
    env = make_environment(FileSystemLoader(str(path.parent)))
    try:
        return env.get_template(path.name).render(html_context(result)).encode("utf-8")
    except (JinjaTemplateError, SecurityError) as err:
        raise TemplateError(describe_template_error(path.name, err)) from err


FORMATS = ("text", "html", "csv", "json")


def format_diff(result: YearDiff, fmt: str) -> str:
    """The comparison in one of FORMATS, as text."""
    formatters = {"text": format_text, "json": format_json, "csv": format_csv}
    if fmt not in FORMATS:
        raise GenerateReportError(f"不支持的对比输出格式“{fmt}”（可选：{'、'.join(FORMATS)}）。")
    if fmt == "html":
        return render_diff_html(result).decode("utf-8")
    return formatters[fmt](result)


def diff_file_bytes(result: YearDiff, fmt: str) -> bytes:
    """What `-o FILE` writes: UTF-8, and for CSV with a BOM so that Excel on Chinese Windows opens it."""
    return format_diff(result, fmt).encode("utf-8-sig" if fmt == "csv" else "utf-8")


# --- Word with tracked changes (optional) ---------------------------------------------------------

REDLINE_AUTHOR = "generate-report"
REDLINE_PACKAGES = "python-redlines python-redlines-docxodus"


def redline_docx(old: ReportData, new: ReportData, template: str | None = None) -> bytes:
    """This year's Word report with every change from last year's report as a Word tracked change.

    Both reports are rendered as usual, then compared by python-redlines' Docxodus engine (a self-contained
    binary shipped in its wheel: no .NET, Word or LibreOffice needed). Optional: without it, a clear error.
    """
    from generator.render import render
    from generator.rules import validate

    try:
        from python_redlines import DocxodusEngine, EngineExecutionError
    except ImportError as err:
        raise GenerateReportError(
            f"生成带修订痕迹的 Word 对比需要另行安装：python3 -m pip install {REDLINE_PACKAGES}"
        ) from err
    documents = [render(data, validate(data), ["docx"], template)["docx"] for data in (old, new)]
    try:
        redline, _, _ = DocxodusEngine().run_redline(REDLINE_AUTHOR, documents[0], documents[1])
    except ImportError as err:  # the engine's binary package is missing or lacks this platform's binary
        raise GenerateReportError(f"无法生成带修订痕迹的 Word 对比：{err}（安装：{REDLINE_PACKAGES}）") from err
    except (EngineExecutionError, OSError) as err:
        raise GenerateReportError(f"生成带修订痕迹的 Word 对比失败：{err}") from err
    return redline
