"""The web page's body made from the rendered Word report: the Word template is the one source of the words.

Paragraph styles decide the element: Title -> h1, a heading's outline level -> h2…h6 (一、 is h2), numbered or
bulleted paragraphs -> lists, any other style -> <p class="style-name">; bold, italic, underline, line breaks,
links and images (with Word's alternative text) are kept; each section (from one h2 to the next) becomes a
<section>; the statistics tables keep their official structure (word_tables.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import escape
from typing import Any

from generator.format import schema
from generator.render.ooxml import W
from generator.render.page.known_tables import STAND_IN
from generator.render.page.word_inline import paragraph_inline
from generator.render.page.word_parts import WordParts, style_class
from generator.render.page.word_tables import table_html

PLAIN_STYLES = frozenset({"normal", "body text", "default", "no spacing", "plain text"})
LIST_NAMES = re.compile(r"^list (bullet|number)", re.IGNORECASE)
ALIGNMENTS = {"center": "align-center", "right": "align-right", "end": "align-right", "both": "", "left": ""}
HEADING_IDS = {heading: key for key, heading in schema.HEADINGS.items()}


@dataclass
class Block:
    """One piece of the body in order: a heading (level 1 = h1), a paragraph, a list item or a table."""

    kind: str  # heading, paragraph, item, table
    html: str
    text: str = ""
    level: int = 0  # heading level; list nesting level
    ordered: bool = False
    statistics: str | None = None  # the official table's key


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
        ppr = paragraph.find(f"{W}pPr")
        style_id = _val(ppr, f"{W}pStyle") or "Normal"
        style = self.parts.style(style_id)
        outline = _val(ppr, f"{W}outlineLvl")
        level = int(outline) if outline is not None else style.outline
        title = style.name.lower() == "title"
        heading = title or (level is not None and level < 9)
        html, text = paragraph_inline(self.parts, paragraph, plain=heading)
        if not html.strip() or text.strip() in self.skip:
            return None  # an empty paragraph (spacing in Word), or a line the page shell shows itself
        if heading:
            return Block("heading", html, text, 1 if title else min((level or 0) + 2, 6))
        numbering = ppr.find(f"{W}numPr") if ppr is not None else None
        num_id = _val(numbering, f"{W}numId") if numbering is not None else None
        if (num_id and num_id != "0") or LIST_NAMES.match(style.name):
            depth = _val(numbering, f"{W}ilvl") if numbering is not None else None
            bullet = (num_id or "", depth or "0") in self.parts.bullets or "bullet" in style.name.lower()
            return Block("item", html, text, int(depth or 0), ordered=not bullet)
        classes = [] if style.name.lower() in PLAIN_STYLES else [style_class(style.name)]
        classes.append(ALIGNMENTS.get(_val(ppr, f"{W}jc") or "", ""))
        names = " ".join(c for c in classes if c)
        return Block("paragraph", f'<p class="{names}">{html}</p>' if names else f"<p>{html}</p>", text)


def _val(element: Any, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    return None if found is None else found.get(f"{W}val")


def _lists(blocks: list[Block]) -> Iterator[str]:
    """Consecutive list items as nested <ul>/<ol> by their level."""
    stack: list[str] = []
    for block in blocks:
        tag = "ol" if block.ordered else "ul"
        while len(stack) > block.level + 1 or (len(stack) == block.level + 1 and stack[-1] != tag):
            yield f"</li></{stack.pop()}>"  # deeper lists end; a bullet list after a numbered one is another
        if len(stack) == block.level + 1:
            yield "</li>"
        while len(stack) < block.level + 1:
            yield f"<{tag}>"
            stack.append(tag)
        yield f"<li>{block.html}"
    while stack:
        yield f"</li></{stack.pop()}>"


def _flow(blocks: Iterable[Block]) -> Iterator[str]:
    """Blocks as HTML, list items grouped."""
    pending: list[Block] = []
    for block in blocks:
        if block.kind == "item":
            pending.append(block)
            continue
        if pending:
            yield "".join(_lists(pending))
            pending = []
        if block.kind == "heading":
            yield f"<h{block.level}>{block.html}</h{block.level}>"
        else:
            yield block.html
    if pending:
        yield "".join(_lists(pending))


def word_body_html(parts: WordParts, fallback_title: str, skip: frozenset[str] = frozenset()) -> str:
    """The page body: the title as the one <h1> (the report title when the document has none), what precedes
    the first section, then one <section> per h2. `skip`: paragraph texts the page shell shows itself."""
    reader = BodyReader(parts, skip)
    blocks = list(reader.blocks(parts.body))
    titles = [b for b in blocks if b.kind == "heading" and b.level == 1]
    for extra in titles[1:]:  # one <h1> per page
        extra.kind, extra.html = "paragraph", f'<p class="title">{extra.html}</p>'
    out = [] if titles else [f"<h1>{escape(fallback_title)}</h1>"]
    sections: list[list[Block]] = [[]]
    for block in blocks:
        if block.kind == "heading" and block.level == 2:
            sections.append([])
        sections[-1].append(block)
    out += _flow(sections[0])
    for number, section in enumerate(sections[1:], 1):
        heading = section[0]
        section_id = HEADING_IDS.get(heading.text.strip(), f"section-{number}")
        # A section holding a statistics table is not a landmark itself: the table's region is, by its caption.
        labelled = "" if any(b.statistics for b in section) else f' aria-labelledby="{section_id}"'
        out.append(f"<section{labelled}>")
        out.append(f'<h2 id="{section_id}">{heading.html}</h2>')
        out += _flow(section[1:])
        out.append("</section>")
    return "\n".join(out)
