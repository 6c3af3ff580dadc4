"""What check-template says about the web page a set makes from its Word template: what in the Word file cannot
reach the page, and, for a set made before the page came from Word, where its page and its Word report differ.

All of it is advice (rendering goes on): the Word and PDF reports are right either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.checks.findings import ValidationReport
from generator.format import schema
from generator.format.model import RawValue, assemble
from generator.importers.html import html_lines
from generator.jinja.names import TemplateProblem
from generator.jinja.sets import DOCX_TEMPLATE, HTML_TEMPLATE, TemplateSet
from generator.render.filling.context import build_context
from generator.render.filling.docx import document_environment, render_docx
from generator.render.ooxml import R, W
from generator.render.page.html import render_html, uses_word_body
from generator.render.page.word_html import word_body_html
from generator.render.page.word_parts import IMAGE_TYPES, WordParts
from generator.render.template_checks.check import docx_paragraphs, html_sources

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
MATH = "{http://schemas.openxmlformats.org/officeDocument/2006/math}oMath"
# Word content the page has no equivalent for, and what to do instead.
UNCARRIED: tuple[tuple[str, str], ...] = (
    (f"{W}txbxContent", "文本框中的文字不会出现在网页上：请改为普通段落"),
    (f"{W}object", "嵌入的对象（如 Excel 表格）不会出现在网页上：请改为表格或图片"),
    (MATH, "公式不会出现在网页上：请改为文字或图片"),
    (f"{W}footnoteReference", "脚注不会出现在网页上：请把脚注的内容写进正文"),
    (f"{W}endnoteReference", "尾注不会出现在网页上：请把尾注的内容写进正文"),
)
PAGE_NUMBER = re.compile(r"^[—–\-\s\d第页共/]*$")
LISTED = 10  # differences listed by name; the rest are counted


def _image_problems(paragraph: Any, links: dict[str, str]) -> Iterator[str]:
    for drawing in paragraph.iter(f"{W}drawing"):
        if any(g.get("uri", "").endswith("/chart") for g in drawing.iter(f"{A}graphicData")):
            yield "图表不会出现在网页上：请另存为图片后插入（并填写替代文字）"
            continue
        blip = next(drawing.iter(f"{A}blip"), None)
        target = links.get(blip.get(f"{R}embed") or "", "") if blip is not None else ""
        suffix = Path(target).suffix.lower()
        if target and suffix not in IMAGE_TYPES:
            yield f"图片格式 {suffix or '（未知）'} 网页无法显示：请在 Word 中改插 PNG 或 JPEG 图片"
        described = next(drawing.iter(f"{WP}docPr"), None)
        if described is None or not (described.get("descr") or described.get("title")):
            yield "图片没有替代文字（读屏软件读不出它是什么）：请在 Word 中右键图片，选“编辑替代文字”填写"


def uncarried_problems(path: Path) -> list[TemplateProblem]:
    """Everything in the Word template that will not reach the web page, by paragraph, table cell or header."""
    from docx import Document

    document = Document(str(path))
    links = {rel_id: rel.target_ref for rel_id, rel in document.part.rels.items()}
    problems = []
    for place, paragraph in docx_paragraphs(document):
        element = paragraph._p
        messages = [message for tag, message in UNCARRIED if next(element.iter(tag), None) is not None]
        messages += _image_problems(element, links)
        if ("页眉" in place or "页脚" in place) and not PAGE_NUMBER.match(paragraph.text):
            messages.append("页眉、页脚中的文字不会出现在网页上（页码除外）")
        problems += [TemplateProblem(path.name, place, message, blocking=False) for message in messages]
    return list(dict.fromkeys(problems))


TITLE = re.compile(r"<h1\b.*?</h1>", re.DOTALL)
LINE_BREAK = re.compile(r"<br\s*/?>")


def _texts(html: str) -> list[str]:
    """The page's paragraphs and headings as text (table rows left out: both come from the same schema); the
    title, which Word breaks into lines by meaning, is compared as one line."""
    html = TITLE.sub(lambda m: LINE_BREAK.sub("", m.group(0)), html)
    return [line.text for line in html_lines(html) if "\t" not in line.text]


def _listed(items: list[str]) -> str:
    shown = "；".join(f"「{text[:40]}」" for text in items[:LISTED])
    return shown + (f" 等 {len(items)} 处" if len(items) > LISTED else "")


def _overridden_blocks(template_set: TemplateSet) -> list[str]:
    """Blocks an older set overrides in "default/report.html.j2" that the page shell no longer has."""
    sources, _ = html_sources(template_set.file(HTML_TEMPLATE), template_set)
    own = sources.get(HTML_TEMPLATE, "")
    if not re.search(r"\{%-?\s*extends\s+[\"']default/report\.html\.j2[\"']", own):
        return []
    parent = sources.get("default/report.html.j2", "")
    defined = set(re.findall(r"\{%-?\s*block\s+(\w+)", parent))
    return [name for name in re.findall(r"\{%-?\s*block\s+(\w+)", own) if name not in defined]


def _blank_year_context(template_set: TemplateSet) -> dict[str, Any]:
    """A year with every figure 0 and no narrative: each template prints its own standard words."""
    raws = {key: RawValue("0") for key in schema.figures()}
    raws |= {
        "meta.body": RawValue("某某市人民政府"),
        "meta.year": RawValue("2000"),
        "meta.issue_date": RawValue("2001-01-20"),
    }
    return build_context(assemble("blank", raws), ValidationReport("blank"), template_set.standard_paragraphs)


def page_problems(template_set: TemplateSet) -> list[TemplateProblem]:
    """An older set's web page that is not made from its Word template: what the two say differently."""
    stale = _overridden_blocks(template_set)
    if stale:
        return [
            TemplateProblem(
                HTML_TEMPLATE,
                "",
                f"覆盖的块 {'、'.join(stale)} 在新版网页外框中已不存在，不再起作用：网页正文现由 {DOCX_TEMPLATE} 生成，"
                f"请把这些文字改在 {DOCX_TEMPLATE} 中",
                blocking=False,
            )
        ]
    if uses_word_body(template_set):
        return []
    context = _blank_year_context(template_set)
    word = render_docx(template_set.file(DOCX_TEMPLATE), context, document_environment())
    page = render_html(template_set, context).decode("utf-8")
    in_word = _texts(word_body_html(WordParts(dict(word.members)), context["meta"].title))
    in_page = _texts(page)
    only_word = [t for t in in_word if t not in in_page]
    only_page = [t for t in in_page if t not in in_word]
    message = (
        f"网页模板自己写出整篇正文（没有使用 {{{{ document.body }}}}）：在 {DOCX_TEMPLATE} 中修改的内容不会出现在网页上。"
        "改用新版网页外框（复制内置 default 的 report.html.j2）即可让网页与 Word 一致"
    )
    problems = [TemplateProblem(HTML_TEMPLATE, "", message, blocking=False)]
    if only_word:
        problems.append(TemplateProblem(DOCX_TEMPLATE, "", f"这些段落网页上没有：{_listed(only_word)}", False))
    if only_page:
        problems.append(TemplateProblem(HTML_TEMPLATE, "", f"这些段落 Word 报告中没有：{_listed(only_page)}", False))
    return problems
