"""The statistics tables of a rendered Word report, read without parsing them again.

Every report of a template prints the same table markup with other texts in its cells, and the three tables are
nine tenths of document.xml. So a table's markup with its w:t texts taken out (its skeleton) is parsed once per
process; a later report whose table has the same skeleton gets its cells' texts straight from their places in
the markup. A table that is not an official one, or whose cells hold anything but w:t text, keeps the ordinary
path (word_tables.table_html), as does every table of a document with text boxes.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from html import unescape

from generator.render.ooxml import W, xml_tree
from generator.render.page.word_tables import cell_texts, official_layout, official_table_html

TEXT = re.compile(rb"<w:t(?: [^>]*)?>([^<]*)</w:t>")
OPEN, CLOSE = b"<w:tbl>", b"</w:tbl>"
BODY = b"<w:body>"
CUT = b"\x00"  # joins a skeleton's pieces (never in XML)
STAND_IN = "generate-report-table"  # the attribute naming a table's stand-in in the cut document


@dataclass(frozen=True)
class Known:
    """What a skeleton is: an official table's key and, per cell, its grid position and the indexes of its w:t
    texts; key None for a table that takes the ordinary path."""

    key: str | None
    cells: tuple[tuple[tuple[int, int], tuple[int, ...]], ...] = ()


_known: dict[tuple[bytes, bytes], Known] = {}


def cut_known_tables(document: bytes) -> tuple[bytes, dict[str, tuple[str, str]]]:
    """The document with each official table replaced by an empty stand-in `<w:tbl generate-report-table="ID"/>`,
    and ID -> (the table's HTML, its key)."""
    body = document.find(BODY)
    if body < 0 or b"<w:txbxContent" in document:
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
        known = _known.get(key)
        if known is None:
            known = _learn(root, chunk, texts)
            if len(_known) < 64:
                _known[key] = known
        if known.key is None:
            continue
        name = f"{token}-{len(found)}"
        found[name] = (official_table_html(known.key, _cells(known, _texts(texts))), known.key)
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
    """The w:t texts as lxml reads them: decoded in one call, entities replaced where there are any."""
    decoded = CUT.join(texts).decode("utf-8").split("\x00")
    return [unescape(text) if "&" in text else text for text in decoded]


def _cells(known: Known, texts: list[str]) -> dict[tuple[int, int], str]:
    """Each official cell's text as lxml's text serialisation gives it: its w:t texts joined, stripped."""
    return {
        position: (texts[indexes[0]] if len(indexes) == 1 else "".join(texts[i] for i in indexes)).strip()
        for position, indexes in known.cells
    }


def _learn(root: bytes, chunk: bytes, texts: list[bytes]) -> Known:
    """Parse the table once and find where each official cell's text lies among the w:t texts; a table whose
    cells' full text differs from their w:t texts (a field, a nested table, text the pattern did not see) is
    left to the ordinary path."""
    if chunk.count(OPEN) > 1:  # a table inside a cell (a document with <w:tbl attributes> was refused already)
        return Known(None)
    tree = xml_tree(root + BODY + chunk + b"</w:body></w:document>")
    table = tree.find(f"{W}body/{W}tbl")
    if table is None:
        return Known(None)
    key, positions, indexes = official_layout(table)
    all_cells = list(table.iter(f"{W}tc"))
    runs = list(table.iter(f"{W}t"))
    if key is None or len(runs) != len(texts):
        return Known(None)
    owner: dict[int, list[int]] = {}
    for number, run in enumerate(runs):
        cell = next(run.iterancestors(f"{W}tc"), None)
        if cell is not None:
            owner.setdefault(id(cell), []).append(number)
    cells = [(p, tuple(owner.get(id(all_cells[i]), ()))) for p, i in zip(positions, indexes, strict=True)]
    known = Known(key, tuple(cells))
    read = _cells(known, _texts(texts))
    parsed = dict(zip(positions, cell_texts([all_cells[i] for i in indexes]), strict=True))
    return known if read == parsed else Known(None)
