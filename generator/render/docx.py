"""The Word report: a docxtpl template compiled once per process, then filled per report into a deterministic zip.

docxtpl's own `DocxTemplate(path).render(ctx)` re-reads and re-parses the whole document for every report.
Here its tag clean-up (`patch_xml`) runs once per template; each report only renders the compiled Jinja parts
and copies the other zip members as they are, with fixed timestamps, so the same input gives the same bytes.
Templates using docxtpl features that need a parsed tree ({%tc %}, {% hm %}, {% vm %}, images in loops)
take docxtpl's full path, re-zipped the same deterministic way. Either way the filled body then gets the
layout that depends on its words (render.layout: the signature block), and the file the report's date.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, Template, TemplateSyntaxError
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.exceptions import SecurityError

from generator.exceptions import TemplateError
from generator.jinja.environment import make_environment
from generator.jinja.errors import describe_template_error
from generator.render.layout import typeset_body

# Parts that may hold tags: the body, headers, footers, footnotes and the core properties (the title).
TEMPLATE_PART = re.compile(r"^(word/(document|header\d*|footer\d*|footnotes)\.xml|docProps/core\.xml)$")
NEEDS_TREE = re.compile(r"\{%-?\s*(tc|hm|vm)\b|\{%-?\s*colspan\b|\{%-?\s*cellbg\b")
LISTING_CHARACTERS = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\n\t\a\f]")
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest zip time: no generation time inside a report
CORE_DATES = re.compile(r"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")
BODY_SIZE = re.compile(r"<w:rPrDefault>.*?<w:sz w:val=\"(\d+)\"", re.DOTALL)


def _finish(members: list[tuple[str, bytes]], context: dict[str, Any]) -> list[tuple[str, bytes]]:
    """The body typeset (render.layout) and the core properties dated as the report (context `properties.date`)."""
    styles = dict(members).get("word/styles.xml", b"").decode("utf-8", "replace")
    size = BODY_SIZE.search(styles)
    date = getattr(context.get("properties"), "date", "")
    finished = []
    for name, data in members:
        if name == "word/document.xml":
            data = typeset_body(data, int(size.group(1)) if size else 32)
        elif name == "docProps/core.xml" and date:
            data = CORE_DATES.sub(lambda m: f"{m.group(1)}{date}{m.group(2)}", data.decode("utf-8")).encode("utf-8")
        finished.append((name, data))
    return finished


@cache
def document_environment() -> Environment:
    """The one environment Word templates are compiled in, shared by every report of the process."""
    return make_environment()


def _template_error(name: str, err: Exception, source: str = "") -> TemplateError:
    return TemplateError(describe_template_error(name, err, source))


def zip_members(members: list[tuple[str, bytes]]) -> bytes:
    """A .docx from its members: fixed order and timestamps, so the same input gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=1)  # speed over the last kilobyte
    return out.getvalue()


@dataclass
class CompiledDocx:
    """A Word template ready to fill: its zip members, and a compiled Jinja template per part with tags."""

    name: str
    blob: bytes
    members: list[tuple[str, bytes]]
    parts: dict[str, Template] = field(default_factory=dict)
    needs_tree: bool = False
    helper: Any = None  # a DocxTemplate, for its post-render clean-up (resolve_listing)

    def render(self, context: dict[str, Any], env: Environment) -> list[tuple[str, bytes]]:
        """The filled document's zip members, in order (the web page is made from them too)."""
        try:
            if self.needs_tree:
                return self._render_with_docxtpl(context, env)
            members = []
            for name, data in self.members:
                template = self.parts.get(name)
                members.append((name, self._fill(template, context) if template else data))
            return _finish(members, context)
        except (JinjaTemplateError, SecurityError, TypeError, ValueError, ArithmeticError) as err:
            raise _template_error(self.name, err) from err

    def _fill(self, template: Template, context: dict[str, Any]) -> bytes:
        xml = template.render(context)
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if LISTING_CHARACTERS.search(xml):  # a value with a line break or tab: docxtpl turns it into Word markup
            xml = str(self.helper.resolve_listing(xml))
        return xml.encode("utf-8")

    def _render_with_docxtpl(self, context: dict[str, Any], env: Environment) -> list[tuple[str, bytes]]:
        from docxtpl import DocxTemplate

        template = DocxTemplate(io.BytesIO(self.blob))
        template.render(context, jinja_env=env, autoescape=True)
        saved = io.BytesIO()
        template.save(saved)
        with zipfile.ZipFile(saved) as archive:
            return _finish([(info.filename, archive.read(info)) for info in archive.infolist()], context)


@lru_cache(maxsize=16)
def _compile(path: str, mtime_ns: int, size: int, env: Environment) -> CompiledDocx:
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate

    name = Path(path).name
    blob = Path(path).read_bytes()
    try:
        helper = DocxTemplate(io.BytesIO(blob))
        helper.init_docx()
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as err:
        raise TemplateError(f"模板 {name}：不是有效的 Word（.docx）文件：{err}") from err
    compiled = CompiledDocx(name, blob, members, helper=helper)
    for part_name, data in members:
        if not TEMPLATE_PART.match(part_name):
            continue
        xml = data.decode("utf-8")
        if not any(marker in xml for marker in ("{{", "{%", "{#", "{<")):
            continue
        compiled.needs_tree |= bool(NEEDS_TREE.search(re.sub(r"<[^>]+>", "", xml)))
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", helper.patch_xml(xml))
        try:
            compiled.parts[part_name] = env.from_string(source)
        except TemplateSyntaxError as err:
            raise _template_error(name, err, source) from err
    return compiled


def compile_docx(template_path: Path, env: Environment) -> CompiledDocx:
    """The compiled template, reused for as long as the file is unchanged (one parse per process)."""
    path = Path(template_path)
    if not path.is_file():
        raise TemplateError(f"找不到模板文件：{template_path}")
    stat = path.stat()
    return _compile(str(path.resolve()), stat.st_mtime_ns, stat.st_size, env)


def render_docx(template_path: Path, context: dict[str, Any], env: Environment) -> list[tuple[str, bytes]]:
    """Fill the Word template with `context`: the document's members (zip them with zip_members); any template
    problem becomes a one-line TemplateError."""
    return compile_docx(template_path, env).render(context, env)
