"""The blocks of a rendered Word report's body, read without parsing them again.

Every report of a template prints the same markup with other words in it. So a block's markup with its w:t texts
taken out (its skeleton) is parsed once per process; a later report whose block has the same skeleton gets its
words put straight into what the skeleton was read as. In effect the page is compiled once from the Word
template, one block at a time, and each report only fills it in.

- The statistics tables (nine tenths of document.xml) are cut out first: each gets its cells' texts from their
  places in the markup. A table that is not an official one, or whose cells hold anything but w:t text, keeps the
  ordinary path (word_tables.table_html), as does every table of a document with text boxes, comments, character
  data or instructions in its body (UNREAD).
- Paragraphs: what a paragraph is (word_blocks.Form) and its inline HTML with a slot for each w:t text, checked
  against the ordinary reading of the paragraph it was learnt from. A paragraph with a link or a picture is
  parsed on its own each time (its relationships are the report's).
- A body holding anything else between its paragraphs (a content control, a comment, a table not cut out) is
  read whole by word_blocks.BodyReader.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from html import escape, unescape
from typing import Any

from generator.render.ooxml import W, xml_tree
from generator.render.page.word_blocks import STAND_IN, Block, BodyReader, Form
from generator.render.page.word_inline import paragraph_inline
from generator.render.page.word_parts import DOCUMENT, WordParts
from generator.render.page.word_tables import cell_texts, filled_table_html, official_layout, official_positions

TEXT = re.compile(rb"<w:t(?: [^>]*)?>([^<]*)</w:t>")
OPEN, CLOSE = b"<w:tbl>", b"</w:tbl>"
BODY = b"<w:body>"
CUT = b"\x00"  # joins a skeleton's pieces (never in XML)
# Where a byte search could mistake what is markup (a comment, character data, an instruction) or what is at the
# body's top level (a text box's paragraphs and tables inside a paragraph).
UNREAD = (b"<!--", b"<![CDATA[", b"<?", b"<w:txbxContent")


@dataclass(frozen=True)
class KnownTable:
    """What a table skeleton is: an official table's key and, per cell, the indexes of its w:t texts; key None for a
    table that takes the ordinary path."""

    key: str | None
    slots: tuple[tuple[int, ...], ...] = ()  # each cell's w:t indexes, in the order of the table's HTML

    def html(self, texts: list[str]) -> str:
        assert self.key is not None
        return filled_table_html(self.key, [_cell(texts, indexes) for indexes in self.slots])


_tables: dict[tuple[bytes, bytes], KnownTable] = {}


def cut_known_tables(document: bytes) -> tuple[bytes, dict[str, tuple[str, str]]]:
    """The document with each official table replaced by an empty stand-in `<w:tbl generate-report-table="ID"/>`,
    and ID -> (the table's HTML, its key)."""
    body = document.find(BODY)
    if body < 0 or _unsearchable(document, body):
        return document, {}
    root = document[:body]  # the namespaces the table's prefixes mean
    token = secrets.token_hex(8)  # a stand-in id no template can hold
    pieces: list[bytes] = []
    found: dict[str, tuple[str, str]] = {}
    done = 0
    for start, end in _top_level_tables(document, body):
        chunk = document[start:end]
        parts = TEXT.split(chunk)
        texts = parts[1::2]
        key = (root, CUT.join(parts[0::2]))
        known = _tables.get(key)
        if known is None:
            known = _learn_table(root, chunk, texts)
            if len(_tables) < 64:
                _tables[key] = known
        if known.key is None:
            continue
        name = f"{token}-{len(found)}"
        found[name] = (known.html(_texts(texts)), known.key)
        pieces += [document[done:start], f'<w:tbl {STAND_IN}="{name}"/>'.encode()]
        done = end
    if not found:
        return document, {}
    return b"".join([*pieces, document[done:]]), found


def _top_level_tables(document: bytes, start: int) -> list[tuple[int, int]]:
    """(start, end) of each table not inside another, found by plain search (Word writes <w:tbl> bare); none at
    all when a table tag has attributes, so that nothing is mismatched."""
    if b"<w:tbl " in document:
        return []
    tags = sorted([(at, 1) for at in _all(document, OPEN, start)] + [(at, -1) for at in _all(document, CLOSE, start)])
    spans: list[tuple[int, int]] = []
    depth, opened = 0, 0
    for at, step in tags:
        if step == 1 and depth == 0:
            opened = at
        depth += step
        if depth < 0:
            return []
        if step == -1 and depth == 0:
            spans.append((opened, at + len(CLOSE)))
    return spans if depth == 0 else []


def _all(document: bytes, tag: bytes, start: int) -> list[int]:
    found, at = [], document.find(tag, start)
    while at >= 0:
        found.append(at)
        at = document.find(tag, at + len(tag))
    return found


def _texts(texts: list[bytes]) -> list[str]:
    """The w:t texts as lxml reads them: decoded in one call, line ends as XML reads them, entities replaced."""
    joined = CUT.join(texts).decode("utf-8")
    if "\r" in joined:
        joined = joined.replace("\r\n", "\n").replace("\r", "\n")
    return [unescape(text) if "&" in text else text for text in joined.split("\x00")]


def _unsearchable(document: bytes, start: int) -> bool:
    return any(document.find(mark, start) >= 0 for mark in UNREAD)


def _fragment(root: bytes, chunk: bytes) -> Any:
    """A chunk of the body parsed under the document's root (which declares every prefix): the w:body holding it."""
    return xml_tree(root + BODY + chunk + b"</w:body></w:document>").find(f"{W}body")


def _cell(texts: list[str], indexes: tuple[int, ...]) -> str:
    """An official cell's text as lxml's text serialisation gives it: its w:t texts joined, stripped."""
    return (texts[indexes[0]] if len(indexes) == 1 else "".join(texts[i] for i in indexes)).strip()


def _learn_table(root: bytes, chunk: bytes, texts: list[bytes]) -> KnownTable:
    """Parse the table once and find where each official cell's text lies among the w:t texts; a table whose
    cells' full text differs from their w:t texts (a field, a nested table, text the pattern did not see) is
    left to the ordinary path."""
    if chunk.count(OPEN) > 1:  # a table inside a cell (a document with <w:tbl attributes> was refused already)
        return KnownTable(None)
    table = _fragment(root, chunk).find(f"{W}tbl")
    if table is None:
        return KnownTable(None)
    key, positions, indexes = official_layout(table)
    all_cells = list(table.iter(f"{W}tc"))
    runs = list(table.iter(f"{W}t"))
    if key is None or len(runs) != len(texts):
        return KnownTable(None)
    owner: dict[int, list[int]] = {}
    for number, run in enumerate(runs):
        cell = next(run.iterancestors(f"{W}tc"), None)
        if cell is not None:
            owner.setdefault(id(cell), []).append(number)
    cells = {p: tuple(owner.get(id(all_cells[i]), ())) for p, i in zip(positions, indexes, strict=True)}
    words = _texts(texts)
    read = {position: _cell(words, indexes) for position, indexes in cells.items()}
    parsed = dict(zip(positions, cell_texts([all_cells[i] for i in indexes]), strict=True))
    slots = tuple(cells.get(position, ()) for position in official_positions(key))
    return KnownTable(key, slots) if read == parsed else KnownTable(None)


# A start tag's attributes (a value holds anything but its quote and "<"), so that a tag is read as XML reads it.
ATTRIBUTES = rb"""(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*"""
PARAGRAPH = re.compile(rb"<w:p" + ATTRIBUTES + rb"(/?)>")
INNER_PARAGRAPH = re.compile(rb"<w:p[\s/>]")
PARAGRAPH_END = b"</w:p>"
STAND_IN_TAG = re.compile(rb"<w:tbl " + STAND_IN.encode() + rb'="([^"]+)"/>')
# Elements a body may hold between blocks that its reading passes over: bookmarks, proofing and permission marks.
PASSED_OVER = re.compile(rb"<(?!w:tbl\b)[\w.:-]+" + ATTRIBUTES + rb"/>")
SECTION, SECTION_END = re.compile(rb"<w:sectPr" + ATTRIBUTES + rb">"), b"</w:sectPr>"
SPACE = re.compile(rb"\s*")
SLOT = re.compile("\ue000(\\d+)\ue001")  # a w:t text's place while a skeleton is learnt (private-use marks)
LINKED = frozenset(f"{W}{tag}" for tag in ("hyperlink", "drawing", "pict"))


class Unread(Exception):
    """A stretch of the body the byte search cannot vouch for: the whole body is read the ordinary way."""


@dataclass(frozen=True)
class KnownParagraph:
    """What a paragraph skeleton is: its Form, and its inline HTML and plain text as pieces, an int standing for
    the w:t text of that index. `form` None: the paragraph is parsed on its own each time."""

    form: Form | None
    html: tuple[str | int, ...] = ()
    text: tuple[str | int, ...] = ()

    def block(self, words: list[str], skip: frozenset[str]) -> Block | None:
        assert self.form is not None
        html = "".join(p if isinstance(p, str) else escape(words[p], quote=False) for p in self.html)
        return self.form.block(html, "".join(p if isinstance(p, str) else words[p] for p in self.text), skip)


NOT_A_PARAGRAPH = KnownParagraph(None, ("",))  # a chunk the search misread (compared by identity)
_paragraphs: dict[tuple[bytes, bytes | None, bytes | None, bytes], KnownParagraph] = {}


def known_body(parts: WordParts, skip: frozenset[str]) -> list[Block] | None:
    """The body's blocks, each paragraph from its skeleton and each official table from its stand-in (cut out by
    cut_known_tables); None when the body holds anything else."""
    document = parts.members[DOCUMENT]
    start, end = document.find(BODY), document.rfind(b"</w:body>")
    if start < 0 or end < start or _unsearchable(document, start):
        return None
    # The paragraphs' reading depends on the namespaces declared, the styles and the numbering: all in the key.
    context = (document[:start], parts.members.get("word/styles.xml"), parts.members.get("word/numbering.xml"))
    blocks: list[Block] = []
    at = start + len(BODY)
    while (at := SPACE.match(document, at, end).end()) < end:  # type: ignore[union-attr]
        if match := PARAGRAPH.match(document, at, end):
            stop = match.end()
            if not match.group(1):  # not an empty <w:p/>: it ends at its end tag
                close = document.find(PARAGRAPH_END, stop, end)
                if close < 0:
                    return None
                stop = close + len(PARAGRAPH_END)
            chunk = document[at:stop]
            if INNER_PARAGRAPH.search(chunk, 4):  # a paragraph inside another: not what the search can read
                return None
            try:
                block = _paragraph(parts, context, chunk, skip)
            except Unread:
                return None
            if block is not None:
                blocks.append(block)
            at = stop
        elif match := STAND_IN_TAG.match(document, at, end):
            table = parts.known_tables.get(match.group(1).decode())
            if table is None:
                return None
            blocks.append(Block("table", table[0], statistics=table[1]))
            at = match.end()
        elif match := SECTION.match(document, at, end):
            close = document.find(SECTION_END, match.end(), end)
            if close < 0 or document.find(b"<w:sectPr", match.end(), close) >= 0:
                return None  # a section's properties holding earlier ones (a tracked change): read whole
            at = close + len(SECTION_END)
        elif match := PASSED_OVER.match(document, at, end):
            at = match.end()
        else:
            return None
    return blocks


def _paragraph(
    parts: WordParts, context: tuple[bytes, bytes | None, bytes | None], chunk: bytes, skip: frozenset[str]
) -> Block | None:
    """The paragraph `chunk` as a Block (None when it shows nothing); Unread when the search misread it."""
    pieces = TEXT.split(chunk)
    texts = pieces[1::2]
    key = (*context, CUT.join(pieces[0::2]))
    known = _paragraphs.get(key)
    if known is None:
        known = _learn_paragraph(parts, context[0], chunk, texts)
        if len(_paragraphs) >= 1024:  # a process that has seen many templates starts afresh
            _paragraphs.clear()
        _paragraphs[key] = known
    if known is NOT_A_PARAGRAPH:
        raise Unread
    if known.form is None:
        element = _parsed(context[0], chunk)
        return None if element is None else BodyReader(parts, skip).paragraph(element)
    return known.block(_texts(texts), skip)


def _parsed(root: bytes, chunk: bytes) -> Any:
    """The chunk parsed with the document's declarations: its one w:p element, or None."""
    children = list(_fragment(root, chunk))
    return children[0] if len(children) == 1 and children[0].tag == f"{W}p" else None


def _learn_paragraph(parts: WordParts, root: bytes, chunk: bytes, texts: list[bytes]) -> KnownParagraph:
    """Read the paragraph once with a numbered mark in place of each w:t text: where the marks land is where a
    later report's words go. Kept only if putting this paragraph's own words in gives what reading it gives."""
    from lxml import etree

    try:
        element = _parsed(root, chunk)
        if element is None:
            return NOT_A_PARAGRAPH
        runs = list(element.iter(f"{W}t"))
        if len(runs) != len(texts) or any(e.tag in LINKED for e in element.iter()):
            return KnownParagraph(None)
        form = BodyReader(parts, frozenset()).form(element)
        html, text = paragraph_inline(parts, element, plain=form.plain)
        for number, run in enumerate(runs):
            run.text = f"\ue000{number}\ue001"
        marked_html, marked_text = paragraph_inline(parts, element, plain=form.plain)
    except (etree.LxmlError, ValueError, LookupError, TypeError):
        return NOT_A_PARAGRAPH  # the ordinary reading of the whole body says what is wrong, as it always did
    known = KnownParagraph(form, _slots(marked_html), _slots(marked_text))
    words = _texts(texts)
    read = known.block(words, frozenset())
    expected = form.block(html, text, frozenset())
    return known if read == expected else KnownParagraph(None)


def _slots(marked: str) -> tuple[str | int, ...]:
    pieces = SLOT.split(marked)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(pieces) if i % 2 or p)
