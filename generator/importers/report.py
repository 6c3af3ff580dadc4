"""One published report in, by its suffix: the importer for its kind, then the sections and tables found in its
lines, and the figures with their evidence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from generator.exceptions import InputError
from generator.importers.base import Evidence, ImportResult, LeftOut, Line
from generator.importers.docx import read_docx
from generator.importers.html import read_html
from generator.importers.ocr import SCAN_EXTRA, EngineMissing
from generator.importers.pdf import Scanned, read_pdf
from generator.importers.proof import proofread
from generator.importers.text import parse_lines, read_text

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".shtml", ".xhtml"})
DOCX_SUFFIXES = frozenset({".docx"})
PDF_SUFFIXES = frozenset({".pdf"})
UNSUPPORTED = {
    ".doc": "Word 97-2003 文档（.doc）",
    ".wps": "WPS 文字文件（.wps）",
    ".mht": "网页存档（.mht）",
}

__all__ = ["Evidence", "ImportResult", "LeftOut", "Line", "import_report", "read_lines"]


def read_lines(path: Path) -> list[Line]:
    """The report's lines, whatever its format; InputError when it cannot be read."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(f"找不到报告文件：{path}")
    if suffix in UNSUPPORTED:
        raise InputError(
            f"{path.name}：暂不支持{UNSUPPORTED[suffix]}，请另存为 .docx，或把报告文字复制粘贴到 .txt 文件后再导入。"
        )
    if suffix in HTML_SUFFIXES:
        return read_html(path)
    if suffix in DOCX_SUFFIXES:
        return read_docx(path)
    if suffix in PDF_SUFFIXES:
        try:
            return read_pdf(path)
        except Scanned:  # each page an image: read by OCR
            return _read_scan(path)
    if suffix in TEXT_SUFFIXES or not suffix:
        return read_text(path)
    raise InputError(
        f"{path.name}：无法识别的文件类型“{path.suffix}”，请提供粘贴的网页文字（.txt）、网页（.html）、Word（.docx）或 PDF（.pdf）。"
    )


# A page's text is data: braces that would read as a narrative quote ({{ key }}) are made full-width, so that
# nothing taken from a page is ever filled in or run when the report is generated.
TEMPLATE_MARKS = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
NEUTRAL_MARKS = {"{{": "｛｛", "}}": "｝｝", "{%": "｛%", "%}": "%｝", "{#": "｛#", "#}": "#｝"}
MARKS_NOTE = "报告中有“{{”“{%”等模板标记，已改为全角括号（｛｛ ｝｝），不会作为引用执行。"


def import_report(path: str | Path, boilerplate: Sequence[str] = ()) -> ImportResult:
    """Read a published report into key → raw text; what could not be placed is in `unplaced` and `notes`.

    `boilerplate` is text a template prints by itself (with {{ … }} where it quotes values): a preface made of
    it is not kept, since generating the report prints it again.
    """
    path = Path(path)
    lines = read_lines(path)
    marked = any(TEMPLATE_MARKS.search(line.text) for line in lines)
    if marked:  # each line keeps its place and cells; only the marks change
        lines = [
            replace(line, text=TEMPLATE_MARKS.sub(lambda m: NEUTRAL_MARKS[m.group()], line.text)) for line in lines
        ]
    result = parse_lines(lines, path.name, boilerplate)
    if any(line.readings for line in lines):  # a scan: the arithmetic proof-reads what the OCR engine read
        result = proofread(result, lines)
    return replace(result, notes=(*result.notes, MARKS_NOTE)) if marked else result


def _read_scan(path: Path) -> list[Line]:
    """A scan's lines; its reading needs the `scan` extra (numpy, Pillow), loaded only for a scan."""
    try:
        from generator.importers.scan import read_scan
    except ImportError as err:
        raise EngineMissing(
            f"{path.name}：这是扫描件，读取它需要扫描件识别组件（缺少 {err.name}）：{SCAN_EXTRA}"
        ) from err
    return read_scan(path)
