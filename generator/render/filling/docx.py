"""The Word report: a docxtpl template compiled once per process, then filled per report into a deterministic zip.

docxtpl's own `DocxTemplate(path).render(ctx)` re-reads and re-parses the whole document for every report.
Here its tag clean-up (`patch_xml`) runs once per template and the compiled Jinja is kept between runs
(jinja/cache.py); each report only renders the compiled parts, and the parts that never change (styles, theme)
go into the zip as they were compressed once (zipout.py), with fixed timestamps: the same input gives the same
bytes. Templates using docxtpl features that need a parsed tree ({%tc %}, {% hm %}, {% vm %}, images in loops)
take docxtpl's full path, re-zipped the same deterministic way. Either way the filled body then gets the
layout that depends on its words (render.typography.layout: the signature block), and the file the report's date; the
filled parts are kept as they are too, since the web page is made from them (render.page.word_html).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, Template, TemplateSyntaxError
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.exceptions import SecurityError

from generator.exceptions import TemplateError
from generator.format.archive import check_sizes
from generator.format.cells import XML_FORBIDDEN
from generator.jinja.cache import compile_string
from generator.jinja.environment import make_environment
from generator.jinja.errors import describe_template_error
from generator.render.filling.word_tags import jinja_source
from generator.render.filling.zipout import Packed, zip_bytes
from generator.render.typography.faces import narrow_advances, resolved_face
from generator.render.typography.layout import typeset_body
from generator.render.typography.word_grid import portable_grid

# Parts that may hold tags: the body, headers, footers, footnotes and the core properties (the title).
TEMPLATE_PART = re.compile(r"^(word/(document|header\d*|footer\d*|footnotes)\.xml|docProps/core\.xml)$")
NEEDS_TREE = re.compile(r"\{%-?\s*(tc|hm|vm)\b|\{%-?\s*colspan\b|\{%-?\s*cellbg\b")
LISTING_CHARACTERS = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\n\t\a\f]")
# A text run holding a line break or tab that a value brought in: Word needs <w:br/> and <w:tab/> instead.
BROKEN_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*[\n\t][^<]*)</w:t>")
LONE_LINE_BREAK = re.compile(r"(?<!\r)\n")  # a value's line break, not a Windows line end of the XML itself
BREAKS = {"\n": '</w:t><w:br/><w:t xml:space="preserve">', "\t": '</w:t><w:tab/><w:t xml:space="preserve">'}


def _line_breaks(match: re.Match[str]) -> str:
    """As docxtpl's resolve_listing does for line breaks and tabs, in only the runs that hold them."""
    text = re.sub(r"[\n\t]", lambda m: BREAKS[m.group()], match.group(1))
    return f'<w:t xml:space="preserve">{text}</w:t>'


def _with_breaks(xml: str) -> str:
    """BROKEN_TEXT replaced over only the stretch of the part from the first text run holding a break or tab to
    the last (the title's few lines): not over the tables' thousands of runs."""
    marks = [at for at in (xml.find("\n"), xml.find("\t")) if at >= 0]
    start = max(xml.rfind("<w:t", 0, min(marks)), 0)
    last = max(xml.rfind("\n"), xml.rfind("\t"))
    end = xml.find("</w:t>", last)
    end = len(xml) if end < 0 else end + len("</w:t>")
    return xml[:start] + BROKEN_TEXT.sub(_line_breaks, xml[start:end]) + xml[end:]


CORE_DATES = re.compile(r"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")
BODY_SIZE = re.compile(r"<w:rPrDefault>.*?<w:sz w:val=\"(\d+)\"", re.DOTALL)
BODY_FACE = re.compile(r"<w:rPrDefault>(?:(?!</w:rPrDefault>).)*?<w:rFonts\b[^>]*?w:ascii=\"([^\"]+)\"", re.DOTALL)
BODY_SPACING = re.compile(r"<w:rPrDefault>(?:(?!</w:rPrDefault>).)*?<w:spacing w:val=\"(-?\d+)\"", re.DOTALL)


def _finish(members: list[tuple[str, bytes]], context: dict[str, Any]) -> list[tuple[str, bytes]]:
    """The body typeset (render.typography.layout) and the core properties dated as the report (context `properties.date`)."""
    styles = dict(members).get("word/styles.xml", b"")
    size, spacing = _body_size(styles)
    date = getattr(context.get("properties"), "date", "")
    finished = []
    for name, data in members:
        if name == "word/document.xml":
            data = typeset_body(data, size, spacing, _body_advances(styles))
        elif name == "docProps/core.xml" and date:
            data = CORE_DATES.sub(lambda m: f"{m.group(1)}{date}{m.group(2)}", data.decode("utf-8")).encode("utf-8")
        finished.append((name, data))
    return finished


@lru_cache(maxsize=16)
def _body_size(styles: bytes) -> tuple[int, int]:
    """The body's type size in half-points (32, 三号, when unstated) and character spacing in 1/20 pt, from the
    styles' defaults: read once per template, as every report of it shares the same styles part."""
    text = styles.decode("utf-8", "replace")
    size, spacing = BODY_SIZE.search(text), BODY_SPACING.search(text)
    return int(size.group(1)) if size else 32, int(spacing.group(1)) if spacing else 0


@lru_cache(maxsize=16)
def _body_advances(styles: bytes) -> Mapping[str, float]:
    """The digits' and signs' widths in the face this computer sets the body's Latin text in (the styles'
    default, 仿宋_GB2312 or its stand-in): where the signature and date go depends on them."""
    face = BODY_FACE.search(styles.decode("utf-8", "replace"))
    return narrow_advances(resolved_face(face.group(1)) if face else "")


def _portable(members: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The parts with the document grid as every suite sets it (word_grid): once per template."""
    parts = dict(members)
    if "word/styles.xml" not in parts:
        return members
    try:
        document, styles = (parts[name].decode("utf-8") for name in ("word/document.xml", "word/styles.xml"))
    except UnicodeDecodeError:
        return members  # not a part Word would open either: the render says so
    grid_document, grid_styles = portable_grid(document, styles)
    if grid_document is document:
        return members
    changed = {"word/document.xml": grid_document.encode("utf-8"), "word/styles.xml": grid_styles.encode("utf-8")}
    return [(name, changed.get(name, data)) for name, data in members]


def _template_error(name: str, err: Exception, source: str = "") -> TemplateError:
    return TemplateError(describe_template_error(name, err, source))


@dataclass(frozen=True)
class RenderedDocx:
    """A filled Word report: every part as it is (the web page is made from them), and the parts unchanged from
    the template already compressed."""

    members: list[tuple[str, bytes]]
    packed: dict[str, Packed] = field(default_factory=dict)

    def zip(self) -> bytes:
        return zip_bytes([self.packed.get(name) or Packed.of(name, data) for name, data in self.members])


@dataclass
class CompiledDocx:
    """A Word template ready to fill: its zip members in order, a compiled Jinja template per part with tags,
    and every other part compressed once."""

    name: str
    blob: bytes
    members: list[tuple[str, bytes]]
    parts: dict[str, Template] = field(default_factory=dict)
    packed: dict[str, Packed] = field(default_factory=dict)
    needs_tree: bool = False

    def render(self, context: dict[str, Any], env: Environment) -> RenderedDocx:
        try:
            if self.needs_tree:
                return RenderedDocx(self._render_with_docxtpl(context, env))
            members = [
                (name, self._fill(self.parts[name], context) if name in self.parts else data)
                for name, data in self.members
            ]
            finished = _finish(members, context)
            unchanged = {name: self.packed[name] for name, _ in self.members if name in self.packed}
            return RenderedDocx(finished, unchanged)
        except (JinjaTemplateError, SecurityError, TypeError, ValueError, ArithmeticError) as err:
            raise _template_error(self.name, err) from err

    def _fill(self, template: Template, context: dict[str, Any]) -> bytes:
        xml = template.render(context)
        if "{_" in xml or "_}" in xml:  # braces docxtpl escaped in the template's own text
            xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if "\a" in xml or "\f" in xml:  # a value with a paragraph or page break: docxtpl makes Word markup
            if LISTING_CHARACTERS.search(xml):
                from docxtpl import DocxTemplate  # 60 ms of imports (python-docx, Pillow) only a rare report needs

                xml = str(DocxTemplate.resolve_listing(None, xml))  # uses nothing of the instance
        elif "\t" in xml or LONE_LINE_BREAK.search(xml):  # line breaks and tabs (the title's lines), in place
            xml = _with_breaks(xml)
        return xml.encode("utf-8")  # values pass the environment's finalize: no character XML forbids

    def _render_with_docxtpl(self, context: dict[str, Any], env: Environment) -> list[tuple[str, bytes]]:
        from docxtpl import DocxTemplate

        class Template(DocxTemplate):  # type: ignore[misc]
            patch_xml = staticmethod(jinja_source)  # the same reading of tags as the compiled path

        template = Template(io.BytesIO(self.blob))
        template.render(context, jinja_env=env, autoescape=True)
        saved = io.BytesIO()
        template.save(saved)
        with zipfile.ZipFile(saved) as archive:
            return _finish(_portable([(info.filename, archive.read(info)) for info in archive.infolist()]), context)


def _members(name: str, blob: bytes) -> list[tuple[str, bytes]]:
    """The zip's parts, after checking it is a Word file within the size limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            check_sizes(archive)
            if "word/document.xml" not in archive.namelist():
                raise KeyError("word/document.xml")
            return [(info.filename, archive.read(info)) for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, zlib.error) as err:
        raise TemplateError(f"模板 {name}：不是有效的 Word（.docx）文件：{err}") from err


def tagged_xml(name: str, data: bytes) -> str | None:
    """A part's XML when it is one that may hold tags and does, else None."""
    # The template's own text may carry characters XML forbids too (values are cleaned as they are printed).
    xml = XML_FORBIDDEN.sub("", data.decode("utf-8", "replace")) if TEMPLATE_PART.match(name) else ""
    return xml if any(marker in xml for marker in ("{{", "{%", "{#", "{<")) else None


def template_sources(path: Path) -> dict[str, str]:
    """Part name -> the Jinja source the renderer compiles (for the check: the very text the render reads)."""
    members = _members(path.name, path.read_bytes())
    return {name: prepared_source(xml) for name, data in members if (xml := tagged_xml(name, data)) is not None}


@lru_cache(maxsize=16)
def _compile(path: str, mtime_ns: int, size: int, env: Environment) -> CompiledDocx:
    name = Path(path).name
    blob = Path(path).read_bytes()
    compiled = CompiledDocx(name, blob, _portable(_members(name, blob)))
    for part_name, data in compiled.members:
        xml = tagged_xml(part_name, data)
        if xml is None:
            compiled.packed[part_name] = Packed.of(part_name, data)
            continue
        compiled.needs_tree |= bool(NEEDS_TREE.search(re.sub(r"<[^>]+>", "", xml)))
        try:
            compiled.parts[part_name] = compile_string(env, xml, jinja_source, f"{path}:{part_name}")
        except TemplateSyntaxError as err:
            raise _syntax_error(name, env, xml, err) from err
    return compiled


def prepared_source(xml: str) -> str:
    """A Word part's XML as Jinja source (word_tags), each paragraph on a line of its own, as the template check
    reads it and a syntax error is reported: its line number names a paragraph. The report is filled from the
    source without those line breaks (they would have to be taken out of every report again)."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", jinja_source(xml))


def _syntax_error(name: str, env: Environment, xml: str, err: TemplateSyntaxError) -> TemplateError:
    """The syntax error as it reads with a paragraph on each line (line breaks between elements change no tag)."""
    source = prepared_source(xml)
    try:
        env.parse(source)
    except TemplateSyntaxError as numbered:
        return _template_error(name, numbered, source)
    return _template_error(name, err, source)


@cache
def document_environment() -> Environment:
    """The one environment Word templates are compiled in, shared by every report of the process."""
    return make_environment(xml_safe=True)


def compile_docx(template_path: Path, env: Environment) -> CompiledDocx:
    """The compiled template, reused for as long as the file is unchanged (one parse per process)."""
    path = Path(template_path)
    if not path.is_file():
        raise TemplateError(f"找不到模板文件：{template_path}")
    stat = path.stat()
    return _compile(str(path.resolve()), stat.st_mtime_ns, stat.st_size, env)


def render_docx(template_path: Path, context: dict[str, Any], env: Environment) -> RenderedDocx:
    """Fill the Word template with `context` (`.zip()` gives the .docx); any template problem becomes a one-line
    TemplateError."""
    return compile_docx(template_path, env).render(context, env)
