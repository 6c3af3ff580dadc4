"""A rendered Word body's blocks in order: each paragraph and table as the web page shows it.

Paragraph styles decide the element: Title -> h1, a heading's outline level -> h2…h6 (一、 is h2), numbered or
bulleted paragraphs -> list items, any other style -> <p class="style-name">. What a paragraph is (its Form)
comes from its properties and style alone; its words are then put in (word_inline.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.render.ooxml import W
from generator.render.page.word_inline import paragraph_inline
from generator.render.page.word_parts import WordParts, style_class
from generator.render.page.word_tables import table_html

PLAIN_STYLES = frozenset({"normal", "body text", "default", "no spacing", "plain text"})
LIST_NAMES = re.compile(r"^list (bullet|number)", re.IGNORECASE)
ALIGNMENTS = {"center": "align-center", "right": "align-right", "end": "align-right", "both": "", "left": ""}
STAND_IN = "generate-report-table"  # the attribute naming an official table's stand-in in a cut document


@dataclass
class Block:
    """One piece of the body in order: a heading (level 1 = h1), a paragraph, a list item or a table."""

    kind: str  # heading, paragraph, item, table
    html: str
    text: str = ""
    level: int = 0  # heading level; list nesting level
    ordered: bool = False
    statistics: str | None = None  # the official table's key


@dataclass(frozen=True)
class Form:
    """What a paragraph is, whatever its words: a heading, a list item or a paragraph with its classes."""

    kind: str
    level: int = 0
    ordered: bool = False
    classes: str = ""

    @property
    def plain(self) -> bool:
        """No emphasis inside: a heading's style already makes it bold."""
        return self.kind == "heading"

    def block(self, html: str, text: str, skip: frozenset[str]) -> Block | None:
        """The paragraph with its words (`html` and `text` as word_inline gives them), or None for an empty one
        (spacing in Word) or a line the page shell shows itself (`skip`)."""
        if not html.strip() or text.strip() in skip:
            return None
        if self.kind == "paragraph":
            html = f'<p class="{self.classes}">{html}</p>' if self.classes else f"<p>{html}</p>"
        return Block(self.kind, html, text, self.level, self.ordered)


class BodyReader:
    """Walks the document body in order and turns each paragraph and table into a Block."""

    def __init__(self, parts: WordParts, skip: frozenset[str]) -> None:
        self.parts = parts
        self.skip = skip
        self.tables = 0

    def blocks(self, container: Any) -> Iterator[Block]:
        for element in container:
            tag = element.tag
            if tag == f"{W}p":
                block = self.paragraph(element)
                if block is not None:
                    yield block
            elif tag == f"{W}tbl":
                self.tables += 1
                known = self.parts.known_tables.get(element.get(STAND_IN) or "")
                html, key = known or table_html(self.parts, element, self.tables)
                yield Block("table", html, statistics=key)
            elif tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):  # content controls wrap ordinary blocks
                yield from self.blocks(element)

    def paragraph(self, paragraph: Any) -> Block | None:
        form = self.form(paragraph)
        html, text = paragraph_inline(self.parts, paragraph, plain=form.plain)
        return form.block(html, text, self.skip)

    def form(self, paragraph: Any) -> Form:
        ppr = paragraph.find(f"{W}pPr")
        style = self.parts.style(_val(ppr, f"{W}pStyle") or "Normal")
        outline = _val(ppr, f"{W}outlineLvl")
        level = int(outline) if outline is not None else style.outline
        if style.name.lower() == "title":
            return Form("heading", 1)
        if level is not None and level < 9:
            return Form("heading", min(level + 2, 6))
        numbering = ppr.find(f"{W}numPr") if ppr is not None else None
        num_id = _val(numbering, f"{W}numId") if numbering is not None else None
        if (num_id and num_id != "0") or LIST_NAMES.match(style.name):
            depth = _val(numbering, f"{W}ilvl") if numbering is not None else None
            bullet = (num_id or "", depth or "0") in self.parts.bullets or "bullet" in style.name.lower()
            return Form("item", int(depth or 0), ordered=not bullet)
        classes = [] if style.name.lower() in PLAIN_STYLES else [style_class(style.name)]
        classes.append(ALIGNMENTS.get(_val(ppr, f"{W}jc") or "", ""))
        return Form("paragraph", classes=" ".join(c for c in classes if c))


def _val(element: Any, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    return None if found is None else found.get(f"{W}val")
