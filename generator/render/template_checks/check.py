"""Checking a template set before it runs: syntax, unknown names, unsafe attributes, Word-specific tag mistakes,
and the manifest's standard paragraphs.

The same check runs before every render, so a broken template never produces a half-right report. Names are
resolved against the context a blank year gives (probe_context), the same one every report gets.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from functools import cache
from html import unescape
from pathlib import Path
from typing import Any

from jinja2 import TemplateNotFound, TemplateSyntaxError

from generator.checks.findings import ValidationReport
from generator.checks.quotes import quote_problems
from generator.exceptions import TemplateError, damage_reason
from generator.format import schema
from generator.format.model import RawValue, ReportData, assemble
from generator.jinja.names import TemplateProblem, check_source, used_variables
from generator.jinja.sets import DOCX_TEMPLATE, HTML_TEMPLATE, MANIFEST, TemplateSet
from generator.render.filling.context import build_context
from generator.render.filling.docx import compile_docx, document_environment, template_sources
from generator.render.ooxml import W

STRAIGHT = str.maketrans("“”‘’", "\"\"''")
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
BLOCK_TAG = re.compile(r"\{%-?\s*(tr|tc|p|r)?\s*(for|if|endfor|endif)\b")


@cache
def probe_data() -> ReportData:
    """A blank year (every figure 0) of the real shape, to resolve template names against."""
    raws = {key: RawValue("0") for key in schema.all_keys()}
    raws["meta.year"] = RawValue("2000")
    return assemble("probe", raws)


@cache
def probe_context() -> dict[str, Any]:
    """What report templates see, built from the blank year."""
    return build_context(probe_data(), ValidationReport("probe"), standard={})


# --- Word templates ---------------------------------------------------------------------------


def docx_paragraphs(document: Any) -> Iterator[tuple[str, Any]]:
    """(place, paragraph) for every paragraph: body by number, table cells by table/row/cell, headers, footers."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    number = tables = 0
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            number += 1
            yield f"第 {number} 段", Paragraph(block, document)
        elif tag == "tbl":
            tables += 1
            seen: dict[int, Any] = {}  # holding the elements keeps their ids from being reused
            for r, row in enumerate(Table(block, document).rows, 1):
                for c, cell in enumerate(row.cells, 1):
                    if id(cell._tc) in seen:  # a merged cell is listed once per grid column it spans
                        continue
                    seen[id(cell._tc)] = cell._tc
                    for paragraph in cell.paragraphs:
                        yield f"表格 {tables} 第 {r} 行第 {c} 格", paragraph
    for s, section in enumerate(document.sections, 1):
        for kind in (
            "header",
            "even_page_header",
            "first_page_header",
            "footer",
            "even_page_footer",
            "first_page_footer",
        ):
            part = getattr(section, kind)
            if not part.is_linked_to_previous:
                for paragraph in part.paragraphs:
                    yield f"第 {s} 节{'页眉' if 'header' in kind else '页脚'}", paragraph


UNSEEN = frozenset(f"{W}{tag}" for tag in ("lang", "noProof", "rPrChange"))


def _look(run: Any) -> tuple[object, ...]:
    """What a run looks like (bold, size, colour…): not revision ids, language or spell-check settings."""
    properties = run._r.rPr
    if properties is None:
        return ()
    return tuple(
        (
            child.tag,
            tuple(sorted((k, v) for k, v in child.attrib.items() if "rsid" not in k and not k.endswith("}hint"))),
        )
        for child in properties
        if child.tag not in UNSEEN and "rsid" not in child.tag
    )


def _split_tags(place: str, paragraph: Any, file: str) -> Iterator[TemplateProblem]:
    """Tags whose runs change formatting midway (the value takes the first run's): a tag only cut apart by a
    spell-check mark, a bookmark or a revision id is joined as it was typed (word_tags)."""
    runs, position = [], 0
    for run in paragraph.runs:
        runs.append((position, position + len(run.text), _look(run)))
        position += len(run.text)
    for match in TAG.finditer(paragraph.text):
        looks = {look for start, end, look in runs if start < match.end() and end > match.start()}
        if len(looks) > 1:
            yield TemplateProblem(
                file,
                place,
                f"标签“{match.group(0)}”被 Word 拆分在几段格式（run）中，填入的值只用标签开头的格式："
                "建议删除后一次性重新输入，或先整段清除格式",
                blocking=False,
            )


def _block_tags(place: str, text: str, in_table: bool, file: str) -> Iterator[TemplateProblem]:
    opened: list[str] = []
    for match in BLOCK_TAG.finditer(text):
        prefix, word = match.group(1), match.group(2)
        if prefix:
            continue
        if in_table and word == "for":
            yield TemplateProblem(file, place, "表格中的循环必须写成 {%tr for … %} … {%tr endfor %}（按行重复）")
        if word in ("for", "if"):
            opened.append(word)
        elif opened and opened[-1] == word[3:]:
            opened.pop()
        else:
            yield TemplateProblem(
                file, place, f"“{{% {word} %}}”与前面的段落配对：跨段落的标签须写成 {{%p {word} … %}}"
            )
    for word in opened:
        yield TemplateProblem(file, place, f"“{{% {word} %}}”没有在本段内结束：跨段落的标签须写成 {{%p {word} … %}}")


def _unclosed_blocks(places: list[tuple[str, str]], file: str) -> list[TemplateProblem]:
    """{%p if %} (or for, across paragraphs or table rows) never closed, at the paragraph that opened it: Jinja
    only says the template ended, with no paragraph."""
    opened: list[tuple[str, str, str]] = []  # (if or for, its p/tr/tc/r, the paragraph)
    for place, text in places:
        for match in BLOCK_TAG.finditer(text):
            prefix, word = match.group(1), match.group(2)
            if not prefix:
                continue  # in-paragraph tags are _block_tags' business
            if word in ("for", "if"):
                opened.append((word, prefix, place))
            elif opened and opened[-1][0] == word[3:]:
                opened.pop()
    return [
        TemplateProblem(file, place, f"语法错误：「{word}」块没有结束：缺少与之配对的 {{%{prefix} end{word} %}}")
        for word, prefix, place in opened
    ]


def check_docx(path: Path) -> list[TemplateProblem]:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    file = path.name
    try:
        document = Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as err:
        return [TemplateProblem(file, "", f"不是有效的 Word（.docx）文件（{damage_reason(err)}）")]
    problems: list[TemplateProblem] = []
    places: list[tuple[str, str]] = []
    for place, paragraph in docx_paragraphs(document):
        text = paragraph.text
        if not any(marker in text for marker in ("{{", "{%", "{#")):
            continue
        places.append((place, text))
        problems += _split_tags(place, paragraph, file)
        problems += _block_tags(place, text, place.startswith("表格"), file)
        if "{{" in text and text.count("{{") != text.count("}}"):
            problems.append(TemplateProblem(file, place, "“{{”与“}}”不成对"))

    unclosed = _unclosed_blocks(places, file)
    problems += unclosed
    for source in docx_sources(path):
        for problem in check_source(source, file, probe_context(), _locator(source, places)):
            if unclosed and problem.message.startswith("语法错误：模板意外结束"):
                continue  # said above, with the paragraph that opened the block
            if problem not in problems:
                problems.append(problem)
    if not any(p.blocking for p in problems):
        try:  # what the renderer does first, so that a set that passes this check compiles
            compile_docx(path, document_environment())
        except TemplateError as err:
            problems.append(TemplateProblem(file, "", str(err).removeprefix(f"模板 {file}：")))
    return problems


def _squeezed(text: str) -> str:
    """Text compared without spaces, quote shapes or docxtpl's tag prefixes ({%p if → {%if)."""
    text = re.sub(r"([{][{%#])\s*(?:tr|tc|p|r)\s", r"\1", text.translate(STRAIGHT))
    return re.sub(r"\s+", "", text)


def _locator(source: str, places: list[tuple[str, str]]) -> Callable[[str, int], str]:
    """Where a problem of one part's source is: the paragraph or cell holding the name, or for a syntax error
    (no name) the paragraphs with tags on the error's line of the source (a line per Word paragraph)."""
    lines = source.splitlines()

    def locate(name: str, line: int) -> str:
        if not name:
            text = _squeezed(unescape(re.sub(r"<[^>]+>", "", lines[line - 1]))) if 0 < line <= len(lines) else ""
            found = [place for place, own in places if text and _squeezed(own) in text]
            return "、".join(found)
        # The whole name: "penalty.decision" (misspelt) is not the table cell that holds "penalty.decisions".
        whole = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])")
        return next((place for place, text in places if whole.search(text.replace(" ", ""))), "")

    return locate


def docx_sources(path: Path) -> list[str]:
    """The Jinja sources exactly as the renderer compiles them, from the file's own XML (render.filling.docx)."""
    return list(template_sources(path).values())


def html_sources(path: Path, template_set: TemplateSet) -> tuple[dict[str, str], list[TemplateProblem]]:
    """The HTML template and everything it includes or extends, by name, through the set's loader chain."""
    loader = template_set.html_loader()
    sources: dict[str, str] = {}
    problems: list[TemplateProblem] = []
    pending = [path.name]
    while pending:
        name = pending.pop()
        if name in sources or name.endswith(".css"):
            continue
        try:
            sources[name] = loader.get_source(None, name)[0]  # type: ignore[arg-type]  # loaders ignore it
        except TemplateNotFound:
            problems.append(TemplateProblem(path.name, "", f"找不到被引用的模板“{name}”"))
            continue
        pending += re.findall(r"\{%-?\s*(?:include|extends|import|from)\s+[\"']([^\"']+)[\"']", sources[name])
    return sources, problems


def check_html(path: Path, template_set: TemplateSet) -> list[TemplateProblem]:
    sources, problems = html_sources(path, template_set)
    for name, source in sources.items():
        problems += check_source(source, name, probe_context())
    return problems


def template_variables(template_set: TemplateSet) -> dict[str, set[str]]:
    """Every variable each template of the set uses, by file name."""
    found: dict[str, set[str]] = {}
    sources, _ = html_sources(template_set.file(HTML_TEMPLATE), template_set)
    by_file = {name: [source] for name, source in sources.items()}
    try:
        by_file[DOCX_TEMPLATE] = docx_sources(template_set.file(DOCX_TEMPLATE))
    except (ValueError, KeyError, OSError, zipfile.BadZipFile):  # no Word file (a renamed .docm): the check says so
        by_file[DOCX_TEMPLATE] = []
    for name, texts in by_file.items():
        found[name] = set()
        for text in texts:
            try:
                found[name] |= used_variables(text)
            except TemplateSyntaxError:
                continue  # reported by the check itself
    return found


def check_manifest(template_set: TemplateSet) -> list[TemplateProblem]:
    """The standard paragraphs may quote figures and metadata only, like narrative in the data."""
    narrative_keys = {f.key for f in schema.NARRATIVE_FIELDS}
    problems = []
    for key, text in template_set.standard_paragraphs.items():
        where = f"[standard_paragraphs] {key}"
        if key not in narrative_keys:
            problems.append(
                TemplateProblem(MANIFEST, where, f"“{key}”不是正文的键（可用的键见 generate-report schema）")
            )
            continue
        problems += [TemplateProblem(MANIFEST, where, message) for message in quote_problems(str(text))]
    return problems
