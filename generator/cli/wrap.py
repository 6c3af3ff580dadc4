"""Help text wrapped by the columns it takes on a console, as click's wrapping does by letters.

A Chinese character takes two columns. A line may break at a space or beside a Chinese character, never inside
a word, a file name, an option or a number ("审查结果.xlsx" keeps ".xlsx"), never before a closing mark (，。、）”)
and never after an opening one (（“), nor on either side of an ellipsis. Paragraphs are read as click reads them:
a blank line ends one, and a paragraph whose first line is "\\b" keeps its lines as written.
"""

from __future__ import annotations

import unicodedata

NO_LINE_START = frozenset("，。、；：？！）》」』”’…·%,.;:?!)]}")
NO_LINE_END = frozenset("（《「『“‘([{…")  # "…局" (any 局) keeps its ellipsis: neither line may end or start with it


def display_width(text: str) -> int:
    """Columns on a console. Marks of ambiguous width (“ ” … ·) count two, as a Chinese Windows console (code page
    936) shows them: a line then fits there and on a UTF-8 terminal alike."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def _wide(ch: str) -> bool:
    """A character beside which a line may break: a Chinese one, not a mark of ambiguous width (“ ” between words)."""
    return unicodedata.east_asian_width(ch) in "WF"


def _pieces(text: str) -> list[str]:
    """The text cut at every place a line may break (a space stays at the end of the piece before it)."""
    pieces: list[str] = []
    start = 0
    for at in range(1, len(text)):
        before, after = text[at - 1], text[at]
        if after == " " or after in NO_LINE_START or before in NO_LINE_END:
            continue
        if before == " " or _wide(before) or _wide(after):
            pieces.append(text[start:at])
            start = at
    pieces.append(text[start:])
    return pieces


def wrap_line(text: str, width: int) -> list[str]:
    """One paragraph as lines of at most `width` columns (a piece wider than that stands alone on its line)."""
    lines: list[str] = []
    line = ""
    for piece in _pieces(text.strip()):
        if line and display_width(line + piece.rstrip()) > width:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    lines.append(line.rstrip())
    return lines


def wrap_text(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> str:
    """click.formatting.wrap_text(…, preserve_paragraphs=True), by display width."""
    paragraphs: list[tuple[int, bool, list[str]]] = []
    lines: list[str] = []
    indent = 0
    for line in [*text.expandtabs().splitlines(), ""]:
        if line:
            if not lines:
                indent = len(line) - len(line.lstrip())
                line = line.lstrip()
            lines.append(line)
        elif lines:
            keep = lines[0].strip() == "\b"
            paragraphs.append((indent, keep, lines[1:] if keep else [" ".join(lines)]))
            lines = []
    out = []
    for extra, keep, body in paragraphs:
        first, rest = initial_indent + " " * extra, subsequent_indent + " " * extra
        wrapped = body if keep else wrap_line(body[0], max(width - display_width(rest), 1))
        out.append("\n".join((first if i == 0 else rest) + line for i, line in enumerate(wrapped)))
    return "\n\n".join(out)
