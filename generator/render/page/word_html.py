"""The web page's body made from the rendered Word report: the Word template is the one source of the words.

The body's blocks (word_blocks.py: headings, paragraphs, list items, tables) become the page: bold, italic,
underline, line breaks, links and images (with Word's alternative text) are kept; list items are grouped into
lists; each section (from one h2 to the next) becomes a <section>; the statistics tables keep their official
structure (word_tables.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from html import escape

from generator.format import schema
from generator.render.page.known_blocks import known_body
from generator.render.page.word_blocks import Block, BodyReader
from generator.render.page.word_parts import WordParts

HEADING_IDS = {heading: key for key, heading in schema.HEADINGS.items()}


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
    blocks = known_body(parts, skip)
    if blocks is None:  # a body holding more than paragraphs and official tables (word_blocks reads it whole)
        blocks = list(BodyReader(parts, skip).blocks(parts.body))
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
