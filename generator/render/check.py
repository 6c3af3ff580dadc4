"""Checking templates before they run: syntax, unknown names, unsafe attributes, Word-specific tag mistakes.

The same check runs before every render, so a broken template never produces a half-right report.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from jinja2 import nodes

from generator.templates import DOCX_TEMPLATE, HTML_TEMPLATE, MANIFEST, TemplateSet

TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
BLOCK_TAG = re.compile(r"\{%-?\s*(tr|tc|p|r)?\s*(for|if|endfor|endif)\b")


@dataclass(frozen=True)
class TemplateProblem:
    """One problem in one template file; `blocking` problems stop rendering, the others are advice."""

    file: str
    where: str
    message: str
    blocking: bool = True

    def describe(self) -> str:
        place = f" {self.where}" if self.where else ""
        return f"模板 {self.file}{place}：{self.message}"


# --- What templates may use -------------------------------------------------------------------


@cache
def probe_data() -> Any:
    """A blank year (every figure 0) of the real shape, to resolve template names against."""
    from generator.model import RawValue, assemble
    from generator.schema import all_keys

    raws = {key: RawValue("0", "") for key in all_keys()}
    raws["meta.year"] = RawValue("2000", "")
    return assemble("probe", raws)


@cache
def probe_context() -> dict[str, Any]:
    """What report templates see, built from the blank year."""
    from generator.findings import ValidationReport
    from generator.render.context import build_context

    return build_context(probe_data(), ValidationReport("probe"), standard={})


def known_names() -> list[str]:
    """Every dotted name a template can use, for suggestions ("did you mean")."""
    names: list[str] = []

    def walk(prefix: str, value: Any) -> None:
        names.append(prefix)
        if isinstance(value, SimpleNamespace):
            for attr, child in vars(value).items():
                walk(f"{prefix}.{attr}", child)

    for name, value in probe_context().items():
        walk(name, value)
    return names


def _resolve(name: str, path: list[str], context: dict[str, Any]) -> str | None:
    """The first part of name.path that does not exist in the probe context, or None when all do."""
    value: Any = context[name]
    walked = name
    for part in path:
        walked = f"{walked}.{part}"
        if isinstance(value, SimpleNamespace):
            if not hasattr(value, part):
                return walked
            value = getattr(value, part)
        elif isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
            if part not in value:
                return walked
            value = value[part]
        else:
            return None  # a list, a string or a number: methods and items are checked at render time
    return None


def _chains(node: nodes.Node) -> Iterator[tuple[str, list[str], int]]:
    """(name, attribute path, line) for every variable use, e.g. ("t3", ["granted", "total"], 12)."""
    if isinstance(node, nodes.Getattr | nodes.Getitem):
        parts: list[str] = []
        current: nodes.Node = node
        while isinstance(current, nodes.Getattr | nodes.Getitem):
            if isinstance(current, nodes.Getattr):
                parts.append(current.attr)
            elif isinstance(current.arg, nodes.Const) and isinstance(current.arg.value, str):
                parts.append(current.arg.value)
            else:
                yield from _chains(current.arg)
                parts.clear()  # a computed index: only the part before it can be checked
            current = current.node
        if isinstance(current, nodes.Name):
            yield current.name, parts[::-1], node.lineno
        else:
            yield from _chains(current)
        return
    if isinstance(node, nodes.Name) and node.ctx == "load":
        yield node.name, [], node.lineno
        return
    for child in node.iter_child_nodes():
        yield from _chains(child)


def _declared(tree: nodes.Template) -> set[str]:
    names = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    names |= {m.name for m in tree.find_all(nodes.Macro)}
    return names | {"loop", "caller", "varargs", "kwargs"}


def used_variables(source: str) -> set[str]:
    """Dotted names a Jinja source reads from the context (loop variables and macros left out)."""
    from generator.render.environment import make_environment

    env = make_environment()
    tree = env.parse(source)
    declared = _declared(tree) | set(env.globals)
    return {".".join([name, *path]) for name, path, _ in _chains(tree) if name not in declared}


def check_source(
    source: str, file: str, locate: Any = None, context: dict[str, Any] | None = None
) -> list[TemplateProblem]:
    """Syntax, unknown names and unsafe attributes of one Jinja source. `locate(name, line)` names the place;
    names resolve against `context` (default: what report templates see)."""
    from jinja2 import TemplateSyntaxError

    from generator.render.environment import make_environment

    env = make_environment()
    locate = locate or (lambda _name, line: f"第 {line} 行")
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as err:
        return [TemplateProblem(file, locate("", err.lineno), f"语法错误：{err.message}")]
    problems = []
    for attr in tree.find_all(nodes.Getattr):
        if attr.attr.startswith("_"):
            problems.append(
                TemplateProblem(
                    file, locate(attr.attr, attr.lineno), f"不允许访问属性“{attr.attr}”（模板在沙箱中运行）"
                )
            )
    declared = _declared(tree) | set(env.globals)
    context = probe_context() if context is None else context
    seen = set()
    for name, path, line in _chains(tree):
        if name in declared:
            continue
        unknown = _resolve(name, path, context) if name in context else name
        if unknown and (unknown, line) not in seen:
            seen.add((unknown, line))
            full = ".".join([name, *path])
            close = difflib.get_close_matches(full, known_names(), n=1, cutoff=0.8)
            hint = f"，是否应为“{close[0]}”？" if close else "（可用的名称见 generate-report schema 与模板说明）"
            problems.append(TemplateProblem(file, locate(full, line), f"未知的变量“{full}”{hint}"))
    return problems


# --- Word templates ---------------------------------------------------------------------------


def _docx_paragraphs(document: Any) -> Iterator[tuple[str, Any]]:
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


def _split_tags(place: str, paragraph: Any, file: str) -> Iterator[TemplateProblem]:
    bounds, position = set(), 0
    for run in paragraph.runs:
        position += len(run.text)
        bounds.add(position)
    for match in TAG.finditer(paragraph.text):
        if any(match.start() < b < match.end() for b in bounds):
            yield TemplateProblem(
                file,
                place,
                f"标签“{match.group(0)}”被 Word 拆分在几段格式（run）中：建议删除后一次性重新输入，或先整段清除格式",
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


def check_docx(path: Path) -> list[TemplateProblem]:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    file = path.name
    try:
        document = Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as err:
        return [TemplateProblem(file, "", f"不是有效的 Word（.docx）文件（{type(err).__name__}）")]
    problems: list[TemplateProblem] = []
    places: list[tuple[str, str]] = []
    for place, paragraph in _docx_paragraphs(document):
        text = paragraph.text
        if not any(marker in text for marker in ("{{", "{%", "{#")):
            continue
        places.append((place, text))
        problems += _split_tags(place, paragraph, file)
        problems += _block_tags(place, text, place.startswith("表格"), file)
        if "{{" in text and text.count("{{") != text.count("}}"):
            problems.append(TemplateProblem(file, place, "“{{”与“}}”不成对"))

    def locate(name: str, _line: int) -> str:
        return next((place for place, text in places if name and name in text.replace(" ", "")), "")

    for source in docx_sources(path):
        for problem in check_source(source, file, locate):
            if problem not in problems:
                problems.append(problem)
    return problems


def docx_sources(path: Path) -> list[str]:
    """The Jinja sources as docxtpl will run them: body, headers, footers (tags re-joined across runs)."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(path))
    template.init_docx()
    parts = [template.get_xml()]
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        parts += [template.get_part_xml(part) for _, part in template.get_headers_footers(uri)]
    return [template.patch_xml(xml) for xml in parts]


def html_sources(path: Path, template_set: TemplateSet) -> tuple[dict[str, str], list[TemplateProblem]]:
    """The HTML template and everything it includes or extends, by name, through the set's loader chain."""
    from jinja2 import TemplateNotFound

    loader = template_set.html_loader()
    sources: dict[str, str] = {}
    problems: list[TemplateProblem] = []
    pending = [path.name]
    while pending:
        name = pending.pop()
        if name in sources or name.endswith(".css"):
            continue
        try:
            sources[name] = loader.get_source(None, name)[0]
        except TemplateNotFound:
            problems.append(TemplateProblem(path.name, "", f"找不到被引用的模板“{name}”"))
            continue
        pending += re.findall(r"\{%-?\s*(?:include|extends|import|from)\s+[\"']([^\"']+)[\"']", sources[name])
    return sources, problems


def check_html(path: Path, template_set: TemplateSet) -> list[TemplateProblem]:
    sources, problems = html_sources(path, template_set)
    for name, source in sources.items():
        problems += check_source(source, name)
    return problems


def template_variables(template_set: TemplateSet) -> dict[str, set[str]]:
    """Every variable each template of the set uses, by file name."""
    from jinja2 import TemplateSyntaxError

    found: dict[str, set[str]] = {}
    sources, _ = html_sources(template_set.file(HTML_TEMPLATE), template_set)
    by_file = {name: [source] for name, source in sources.items()}
    by_file[DOCX_TEMPLATE] = docx_sources(template_set.file(DOCX_TEMPLATE))
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
    from generator import schema
    from generator.narrative import quote_context

    narrative_keys = {f.key for f in schema.NARRATIVE_FIELDS}
    quotable = quote_context(probe_data())
    problems = []
    for key, text in template_set.standard_paragraphs.items():
        where = f"[standard_paragraphs] {key}"
        if key not in narrative_keys:
            problems.append(
                TemplateProblem(MANIFEST, where, f"“{key}”不是正文的键（可用的键见 generate-report schema）")
            )
            continue
        problems += check_source(str(text), MANIFEST, lambda _name, _line, where=where: where, quotable)
    return problems


def check_template_set(template_set: TemplateSet) -> list[TemplateProblem]:
    """Every problem of the set's HTML and Word templates (as found through the loader chain) and its manifest."""
    return (
        check_html(template_set.file(HTML_TEMPLATE), template_set)
        + check_docx(template_set.file(DOCX_TEMPLATE))
        + check_manifest(template_set)
    )
