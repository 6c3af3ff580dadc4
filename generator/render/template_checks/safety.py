"""What a template set from another office must not do: read files outside itself, put scripts into a
government web page, or run without end. Part of check-template, and so of every render."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.exceptions import GenerateReportError
from generator.jinja.environment import make_environment
from generator.jinja.errors import running_template
from generator.jinja.limits import RenderLimit, render_budget
from generator.jinja.names import TemplateProblem, check_source
from generator.jinja.sets import DOCX_TEMPLATE, HTML_TEMPLATE, STYLE_SHEET, TemplateSet, inside, read_template_text
from generator.render.filling.docx import compile_docx, document_environment

TRIAL_SECONDS = 5.0  # a blank year renders in milliseconds; a template still running after this never ends
# Active content a report page must not carry: the page is published as it is, and must work without scripts.
ACTIVE_CONTENT = (
    (re.compile(r"<\s*script\b", re.IGNORECASE), "含有 <script> 脚本"),
    (re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE), "含有事件属性（如 onclick=、onload=）"),
    (re.compile(r"javascript\s*:", re.IGNORECASE), "含有 javascript: 链接"),
    (re.compile(r"expression\s*\(|behavior\s*:|-moz-binding", re.IGNORECASE), "样式中含有可执行的表达式"),
    (re.compile(r"<\s*(iframe|object|embed)\b", re.IGNORECASE), "嵌入了外部页面或插件（iframe、object、embed）"),
)
WEB_SUFFIXES = (".j2", ".html", ".htm", ".css")


def _links_outside(folder: Path) -> Iterator[TemplateProblem]:
    """Every link inside the set's own folder that leads out of it (a file, or a folder to include from)."""
    for root, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(root, name)
            if path.is_symlink() and not inside(folder, path):
                yield TemplateProblem(
                    name, "", f"是指向模板集以外的链接（{os.path.realpath(path)}）：模板集只能使用自己文件夹中的文件"
                )


def _active_content(folder: Path) -> Iterator[TemplateProblem]:
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in WEB_SUFFIXES or not path.is_file() or not inside(folder, path):
            continue
        try:
            text = read_template_text(path)
        except GenerateReportError:
            continue  # reported where the file is used
        for pattern, what in ACTIVE_CONTENT:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                yield TemplateProblem(path.name, f"第 {line} 行", f"{what}：报告网页不得含有可执行的内容")


def _style_sheet(template_set: TemplateSet, context: dict[str, Any]) -> list[TemplateProblem]:
    """style.css is included into the page as a template: its tags are checked like the page's."""
    try:
        path = template_set.file(STYLE_SHEET)
        return check_source(read_template_text(path), STYLE_SHEET, context)
    except GenerateReportError as err:
        return [TemplateProblem(STYLE_SHEET, "", str(err))]


def _trial(name: str, produce: Any) -> list[TemplateProblem]:
    """Render once with a blank year under a short budget: a template that does not end is said to be so."""
    try:
        with render_budget(TRIAL_SECONDS):
            produce()
    except RenderLimit as err:
        return [TemplateProblem(running_template(err, name), "", f"{err.message}（用空白数据试生成时）")]
    except Exception:  # any other failure is what the other checks report
        return []
    return []


def safety_problems(template_set: TemplateSet, context: dict[str, Any]) -> list[TemplateProblem]:
    """Links out of the set, scripts and event handlers in its web files, and templates that run without end."""
    problems = list(_links_outside(template_set.folder)) + list(_active_content(template_set.folder))
    problems += _style_sheet(template_set, context)
    if problems:
        return problems
    env = make_environment(template_set.html_loader())
    problems += _trial(HTML_TEMPLATE, lambda: env.get_template(HTML_TEMPLATE).render(context))
    docx_env = document_environment()
    problems += _trial(
        DOCX_TEMPLATE, lambda: compile_docx(template_set.file(DOCX_TEMPLATE), docx_env).render(context, docx_env)
    )
    return problems
