"""A Word paragraph's runs as HTML: text, bold, italic, underline, line breaks, links, images with their alt text.

Field codes (a page number's instruction) and deleted revisions are left out, hidden text too. Everything is
escaped: the only markup in the result is what this module writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from generator.render.ooxml import R, W
from generator.render.page.word_parts import WordParts, style_class

WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
V = "{urn:schemas-microsoft-com:vml}"
EMU_PER_PX = 9525
WRAPPERS = frozenset(f"{W}{tag}" for tag in ("ins", "smartTag", "fldSimple", "sdt", "sdtContent", "customXml"))
OFF = frozenset({"0", "false", "off", "none"})
FORMATS = (("b", "strong"), ("i", "em"), ("u", "u"))


def _on(rpr: Any, tag: str) -> bool:
    element = rpr.find(f"{W}{tag}") if rpr is not None else None
    return element is not None and (element.get(f"{W}val") or "true").lower() not in OFF


@dataclass
class Piece:
    """A stretch of escaped HTML with the formatting it carries; `raw` pieces (br, img) carry none."""

    html: str
    marks: tuple[str, ...] = ()


class InlineWriter:
    """Collects a paragraph's pieces; unknown elements are simply not carried (check-template names them)."""

    def __init__(self, parts: WordParts, plain: bool = False) -> None:
        self.parts = parts
        self.plain = plain  # no emphasis (headings, table headers: their style already makes them bold)
        self.pieces: list[Piece] = []
        self.text: list[str] = []
        self.in_field_code = False

    def add(self, text: str, marks: tuple[str, ...]) -> None:
        self.text.append(text)
        self.pieces.append(Piece(escape(text, quote=False), () if self.plain else marks))

    def run(self, run: Any) -> None:
        rpr = run.find(f"{W}rPr")
        if _on(rpr, "vanish"):
            return
        marks = tuple(tag for flag, tag in FORMATS if _on(rpr, flag)) + self.character_style(rpr)
        for child in run:
            tag = child.tag
            if tag == f"{W}fldChar":
                kind = child.get(f"{W}fldCharType")
                self.in_field_code = kind == "begin"
            elif self.in_field_code or tag == f"{W}instrText":
                continue  # the field's instruction (" PAGE "), not its result
            elif tag == f"{W}t":
                self.add(child.text or "", marks)
            elif tag == f"{W}tab":
                self.add(" ", marks)
            elif tag == f"{W}noBreakHyphen":
                self.add("\u2011", marks)
            elif tag in (f"{W}br", f"{W}cr") and child.get(f"{W}type") not in ("page", "column"):
                self.text.append("\n")
                self.pieces.append(Piece("<br>"))
            elif tag in (f"{W}drawing", f"{W}pict"):
                self.image(child)

    def character_style(self, rpr: Any) -> tuple[str, ...]:
        """A run's character style as a class the page's style sheet can set ("Run-in Heading", 楷体 as in Word)."""
        element = rpr.find(f"{W}rStyle") if rpr is not None else None
        style_id = element.get(f"{W}val") if element is not None else None
        if not style_id:
            return ()
        return (f'span class="{style_class(self.parts.style(style_id).name)}"',)

    def image(self, element: Any) -> None:
        blip = element.find(f".//{A}blip")
        rel_id = blip.get(f"{R}embed") if blip is not None else None
        if rel_id is None:
            data = element.find(f".//{V}imagedata")
            rel_id = data.get(f"{R}id") if data is not None else None
        uri = self.parts.image_uri(rel_id or "")
        if uri is None:
            return
        described = element.find(f".//{WP}docPr")
        alt = (described.get("descr") or described.get("title") or "") if described is not None else ""
        size = ""
        extent = element.find(f".//{WP}extent")
        if extent is not None:
            width, height = (int(extent.get(k) or 0) // EMU_PER_PX for k in ("cx", "cy"))
            size = f' width="{width}" height="{height}"' if width and height else ""
        self.pieces.append(Piece(f'<img src="{uri}" alt="{escape(alt)}"{size}>'))

    def walk(self, element: Any) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{W}r":
                self.run(child)
            elif tag == f"{W}hyperlink":
                href = self.parts.hyperlink(child.get(f"{R}id") or "")
                start = len(self.pieces)
                self.walk(child)
                if href and len(self.pieces) > start:
                    inner = _joined(self.pieces[start:])
                    self.pieces[start:] = [Piece(f'<a href="{escape(href)}">{inner}</a>')]
            elif tag in WRAPPERS:
                self.walk(child)

    def html(self) -> str:
        return _joined(self.pieces)

    def plain_text(self) -> str:
        return "".join(self.text)


def _joined(pieces: list[Piece]) -> str:
    """Neighbouring pieces with the same formatting share one <strong>/<em>/<u>."""
    out: list[str] = []
    index = 0
    while index < len(pieces):
        marks = pieces[index].marks
        end = index
        while end < len(pieces) and pieces[end].marks == marks:
            end += 1
        inner = "".join(p.html for p in pieces[index:end])
        for tag in marks:
            inner = f"<{tag}>{inner}</{tag.split()[0]}>"
        out.append(inner)
        index = end
    return "".join(out)


def paragraph_inline(parts: WordParts, paragraph: Any, plain: bool = False) -> tuple[str, str]:
    """(HTML, plain text) of a paragraph's content."""
    writer = InlineWriter(parts, plain)
    writer.walk(paragraph)
    return writer.html(), writer.plain_text()
