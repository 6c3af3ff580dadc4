"""The ways a year-to-year comparison is shown: terminal text, JSON, CSV for Excel, a standalone HTML page."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from jinja2 import FileSystemLoader
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import SecurityError

from generator.compare.model import YearDiff, plain
from generator.compare.narrative import as_text
from generator.exceptions import GenerateReportError, TemplateError
from generator.format import schema
from generator.jinja.environment import make_environment
from generator.jinja.errors import describe_template_error
from generator.jinja.sets import find_template_set
from generator.render.typography.layout import label_words, title_lines
from generator.workbook.csvfile import csv_bytes

DIFF_TEMPLATE = "diff.html.j2"
CSV_HEADER = ("表格", "项目", "上年", "本年", "变化", "变化率", "增减", "说明", "键")
CONTINUITY = "衔接核对"
NARRATIVE = "正文"


def title(result: YearDiff) -> str:
    """孟州市人民政府2022年与2023年政府信息公开工作年度报告对比."""
    years = "与".join(f"{y}年" for y in (result.old_year, result.new_year) if y)
    return f"{result.body}{years}政府信息公开工作年度报告对比"


# After each year ("2022年与", "2023年") and after 政府信息公开: the places a title line may end besides the name's.
TITLE_BREAKS = re.compile(r"(?<=年与)|(?<=年)(?=[^与度])|(?<=信息公开)")
TITLE_NAME_CHARS = 12  # a longer name is cut between its levels: a phone's title line holds about 15 characters


def title_words(result: YearDiff) -> list[str]:
    """The title as the words a line may end after (GB/T 9704 7.3.3 asks titles to break by meaning): the body's
    name (a long one cut between its levels), each year with its 年, 政府信息公开, 工作年度报告对比 — never
    "2023" | "年"."""
    whole = title(result)
    lines = title_lines(whole, result.body, limit=TITLE_NAME_CHARS) if result.body else [whole]
    names, rest = (lines[:-1], lines[-1]) if len(lines) > 1 else ([], whole)
    return [*names, *(word for word in TITLE_BREAKS.split(rest) if word)]


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
    """For the terminal: summary, continuity warnings first, figures by table, narrative as [-deleted-]{+inserted+}."""
    lines = [f"{title(result)}（{result.old_source} → {result.new_source}）", *summary_lines(result)]
    if result.findings:
        lines += ["", CONTINUITY] + [f.describe() for f in result.findings]
    for _, heading, rows in result.tables():
        lines += ["", heading]
        if not rows:
            lines.append("  本表数字与上年相同。")
        for f in rows:
            lines.append(
                f"  {f.label}：{plain(f.old)} → {plain(f.new)}，{f.change_text}（{f.percent_text}），{f.symbol}{f.direction}"
            )
    if result.narrative:
        lines += ["", "正文变化（[-…-] 为上年有、本年删去的文字，{+…+} 为本年新增的文字）"]
        for section in result.narrative:
            lines += [f"【{section.label}】（{section.changes} 处变化）", as_text(section.segments)]
    return "\n".join(lines) + "\n"


def format_json(result: YearDiff) -> str:
    """A list of objects: one per figure shown (key, table, label, old, new, change, percent, direction), then one
    per narrative section shown, then one per continuity warning, each with its "type"."""
    return json.dumps(result.to_records(), ensure_ascii=False, indent=2) + "\n"


def csv_rows(result: YearDiff) -> list[list[str]]:
    """One row per figure shown (percent is — when last year's value is 0), then one per narrative section shown
    (both years' text, the number of changes, the changes as [-deleted-]{+inserted+}), then one per warning."""
    headings = {table: heading.split("、", 1)[-1] for table, heading, _ in result.tables()}
    rows = [
        [
            headings[f.table],
            f.label,
            plain(f.old),
            plain(f.new),
            f.change_text,
            f.percent_text,
            f"{f.symbol}{f.direction}",
            "",
            f.key,
        ]
        for f in result.figures
    ]
    rows += [
        [NARRATIVE, s.label, s.old_text, s.new_text, f"{s.changes} 处", "", "", as_text(s.segments), s.key]
        for s in result.narrative
    ]
    rows += [[CONTINUITY, f.code, "", "", "", "", f.level, f.message, f.key] for f in result.findings]
    return rows


def format_csv(result: YearDiff, bom: bool = False) -> str:
    """For Excel: Chinese headings, the key in the last column, the narrative and the continuity warnings after the
    figures."""
    return csv_bytes(CSV_HEADER, csv_rows(result), bom=bom, line_end="\n").decode("utf-8")


@cache
def label_parts(key: str) -> tuple[tuple[str, ...], ...]:
    """A figure's label as the headers it sits under, each as its words, for the page to show with separators
    and to wrap only between words: （三）不予公开 › 4.保护第三方合法权益 › 自然人."""
    figure = schema.figures()[key]
    parts = figure.label.split("·")
    grid = schema.grids()[figure.table]
    cell = next(c for c in grid.cells if c.key == key)
    # Table 三's row labels join a group and its item ("（三）不予公开4.保护…"): split them again.
    groups = [
        c.text
        for c in grid.cells
        if c.scope == "rowgroup" and c.col > 0 and c.row <= cell.row < c.row + c.rowspan and c.col < cell.col
    ]
    for group in groups:
        if parts[0].startswith(group) and parts[0] != group:
            parts[0:1] = [group, parts[0][len(group) :]]
    return tuple(label_words(part) for part in parts)


def html_context(result: YearDiff) -> dict[str, Any]:
    tables = [
        {
            "id": f"diff-{table}",
            "caption": heading,
            "rows": [
                {
                    "key": f.key,
                    "label": f.label,
                    "label_parts": label_parts(f.key),
                    "old": plain(f.old),
                    "new": plain(f.new),
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
        "title_words": title_words(result),
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
    if fmt == "csv":
        return format_csv(result, bom=True).encode("utf-8")
    return format_diff(result, fmt).encode("utf-8")
