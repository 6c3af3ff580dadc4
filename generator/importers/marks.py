"""Text that a converter wrote from a page: its marks taken off, so the report's own lines remain.

Page-to-Markdown converters add headings ("### 一、总体情况"), emphasis ("**（一）主动公开**"), escapes
("3\\. 其他"), links ("[首页](/)") and a rule under a table's first row ("---|---"); text browsers draw tables
with box characters ("│68 │9 │", "├───┼───┤"); text from a printed report has page numbers ("— 2 —"). None of
them is the report's: a drawn table's cells become "|"-separated cells, which split_cells reads with their
positions, and a page number is dropped (in a table, "— 2 —" would read as a dash for 0 and a 2).
"""

from __future__ import annotations

import re

HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
EMPHASIS = re.compile(r"\*\*|__")
ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)\s]*\)")
# A printed page's number ("— 2 —", "- 2 -", "第 2 页 共 5 页"), as text taken from a printed report shows it.
PAGE_NUMBER = re.compile(r"^\s*(?:[—–-]\s*\d{1,3}\s*[—–-]|第\s*\d{1,3}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,3}\s*页)?)\s*$")
TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
VERTICALS = "│┃║"
HORIZONTALS = "─━═"
BOX = str.maketrans(dict.fromkeys(VERTICALS + "├┤┼┬┴┌┐└┘╋┣┫┳┻┏┓┗┛╠╣╬╦╩╔╗╚╝", "|") | dict.fromkeys(HORIZONTALS, ""))


def is_furniture(text: str) -> bool:
    """The "---|---" line a Markdown table prints under its first row, or a page number: never a figure."""
    return ("|" in text and bool(TABLE_RULE.match(text))) or bool(PAGE_NUMBER.match(text))


def unmark(text: str) -> str:
    """A line without the converter's marks around its text; a line without them is returned as it is."""
    text = HEADING.sub("", text.translate(BOX))
    text = LINK.sub(r"\1", text)
    text = EMPHASIS.sub("", text)
    return ESCAPE.sub(r"\1", text)


def join_drawn_rows(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A drawn table's row back on one line: a text browser wraps a narrow cell's text over the lines between two
    rules ("│（一）予 │11│" / "│ 以公开  │  │"), column by column; numbered lines keep the first line's number."""
    out: list[tuple[int, str]] = []
    row: list[tuple[int, list[str]]] = []

    def flush() -> None:
        widths = {len(cells) for _, cells in row}
        if len(widths) == 1:  # the same columns on every line: join each column's pieces
            columns = zip(*(cells for _, cells in row), strict=True)
            out.append((row[0][0], "│".join("".join(piece.strip() for piece in column) for column in columns)))
        else:
            out.extend((n, "│".join(cells)) for n, cells in row)
        row.clear()

    for n, line in lines:
        if any(ch in line for ch in HORIZONTALS) or not any(ch in line for ch in VERTICALS):
            if row:
                flush()
            out.append((n, line))
        else:
            row.append((n, re.split(f"[{VERTICALS}]", line)))
    if row:
        flush()
    return out
