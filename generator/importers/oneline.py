"""A report whose whole article arrived as one line (a crawler's text): broken back into lines at its section
headings, the sub-headings of 总体情况, the table captions and rows, and the signature.

Each table row becomes its label, a space, and its figures exactly as printed. Where the page ran a row's cells
together ("640020470") the line is marked `run_together`: tables.py then places the row's figures only when
one split alone fits the table (runs.py), and leaves the row out otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache

from generator.format import schema
from generator.importers.labels import SECTION_WORDS, strip_numbering

LONG_LINE = 400  # a line this long holding several section headings is a whole article
NUMERALS = "一二三四五六七八九十"
SKIPPED = "[\\s“”‘’\"'「」『』]*"  # what may stand between a label's characters on a page
FIGURES = re.compile(r"[\d\s/／—–\-.,，]*\d[\d\s/／—–\-.,，]*$|[\s/／—–\-]*[/／—–\-][\s/／—–\-]*$")
TRAILING_DATE = re.compile(r"(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$")
TITLE_END = re.compile(r"政府信息公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)(?:\s*\(\d{4}年?度?\))?")
TITLE_TAIL = re.compile(r"(?:政府信息)?(?:公开)?(?:工作)?(?:情况)?")
SUBTOPIC_MARK = re.compile(rf"\([{NUMERALS[:5]}]\)")


def _pattern(text: str) -> str:
    """A regex for a label as printed: any characters between which spaces or quotes may stand."""
    text = unicodedata.normalize("NFKC", text)
    return SKIPPED.join(re.escape(ch) for ch in text if not ch.isspace() and ch not in "“”‘’\"'「」『』")


def _heading_pattern(section: str) -> re.Pattern[str]:
    heading = unicodedata.normalize("NFKC", schema.HEADINGS[section])
    words = "|".join(_pattern(unicodedata.normalize("NFKC", w)) for w in SECTION_WORDS[section])
    core = _pattern(heading[2:])
    return re.compile(rf"(?:[{NUMERALS}]\s*[、.,]\s*)(?:{core}|[^。]{{0,12}}?(?:{words})[^。\d]{{0,12}}?情况)")


def is_whole_article(lines: list[str]) -> bool:
    """A line long enough, holding three or more section headings: the article on one line."""
    return any(
        len(line) >= LONG_LINE
        and sum(1 for s in schema.HEADINGS if _heading_pattern(s).search(unicodedata.normalize("NFKC", line))) >= 3
        for line in lines
    )


@cache
def _table_labels() -> dict[str, tuple[tuple[str, ...], ...]]:
    """For each table, what starts a line of it, in printed order: its item number ("2" for "2.重复申请", else "")
    and the few ways it may be printed."""
    t2: list[tuple[str, ...]] = []
    for block in schema.T2_BLOCKS:
        t2.append(("", block.caption))
        for key, label in block.rows:
            aliases = [a for a, prefix in schema.IMPORT_ALIASES.items() if prefix == f"{block.prefix}.{key}"]
            t2.append(("", label, *sorted(aliases, key=len, reverse=True)))
    t3: list[tuple[str, ...]] = []

    def walk(node: schema.T3Node) -> None:
        core = strip_numbering(unicodedata.normalize("NFKC", node.label))
        short = core.split("(")[0]
        aliases = [a for a, prefix in schema.IMPORT_ALIASES.items() if node.key and prefix == f"t3.{node.key}"]
        number = re.match(r"\d+(?=\.)", node.label)
        forms = dict.fromkeys([core, *([short] if short != core else []), *aliases])
        t3.append((number.group() if number else "", *forms))
        for child in node.children:
            walk(child)

    for node in schema.T3_ROWS:
        walk(node)
    return {"t2": tuple(t2), "t3": tuple(t3)}


def _numbering_before(text: str, at: int, number: str) -> int:
    """Where a label's own numbering starts, just before `at`: "（三）" or "一、", or the label's item number and its
    mark ("2." of "…00000002.其他…": the number the format gives the row, so a figure before it is not taken)."""
    before = text[:at]
    match = re.search(rf"(?:\([{NUMERALS}\d]{{1,2}}\)|[{NUMERALS}]{{1,2}}[、.,])\s*$", before)
    if match is None and number:
        match = re.search(rf"{number}\s*[.、,]\s*$", before)
    return match.start() if match else at


def _row_breaks(text: str, labels: tuple[tuple[str, ...], ...]) -> list[int]:
    """Where each row (or caption) starts, searching the labels in printed order; a label not found is skipped."""
    breaks, position = [], 0
    for number, *forms in labels:
        for form in forms:
            match = re.compile(_pattern(form)).search(text, position)
            if match:
                breaks.append(_numbering_before(text, match.start(), number))
                position = match.end()
                break
    return breaks


def _cut(text: str, breaks: list[int]) -> list[str]:
    points = sorted({0, *(b for b in breaks if 0 < b < len(text)), len(text)})
    return [text[a:b].strip() for a, b in zip(points, points[1:], strict=False) if text[a:b].strip()]


def _spaced_row(piece: str) -> str:
    """A row's label and its figures, a space between ("（一）予以公开4110000052" -> "（一）予以公开 4110000052")."""
    figures = FIGURES.search(piece)
    if figures is None or figures.start() == 0:
        return piece
    return f"{piece[: figures.start()].rstrip()} {figures.group().strip()}"


def _section_starts(text: str) -> list[tuple[int, int, str]]:
    """(start, end, section) of each heading found, in order."""
    found, position = [], 0
    for section in schema.HEADINGS:
        match = _heading_pattern(section).search(text, position)
        if match:
            found.append((match.start(), match.end(), section))
            position = match.end()
    return found


def split_article(line: str) -> Iterator[tuple[str, bool]]:
    """The lines of an article that arrived as one line: (text, whether a table row's cells may run together).

    Headings and rows are found in the line with its widths normalised character by character (so positions stay
    those of the line); paragraphs keep the page's own characters, table rows come out normalised."""
    text = "".join(n if len(n := unicodedata.normalize("NFKC", ch)) == 1 else ch for ch in line)
    starts = _section_starts(text)
    if not starts:
        yield line, False
        return
    front = text[: starts[0][0]]
    title = TITLE_END.search(front)
    yield from ((piece, False) for piece in _cut(line[: starts[0][0]], [title.end()] if title else []))
    for i, (start, end, section) in enumerate(starts):
        stop = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        yield line[start:end].strip(), False
        body, own = text[end:stop], line[end:stop]
        if section == "overview":
            yield from ((piece, False) for piece in _cut(own, _subtopic_breaks(body)))
        elif section in ("t2", "t3"):
            yield from ((_spaced_row(piece), True) for piece in _cut(body, _row_breaks(body, _table_labels()[section])))
        elif section == "t4":
            yield _spaced_row(body.strip()), True
        elif i + 1 == len(starts):
            yield from ((piece, False) for piece in _cut(own, _signature_breaks(body)))
        else:
            yield own.strip(), False


def _subtopic_breaks(body: str) -> list[int]:
    """Before each sub-heading of 总体情况 ("(一)"), and after its title when no colon ends it ("(一)主动公开2023年…")."""
    titles = [strip_numbering(unicodedata.normalize("NFKC", f.heading)) for f in schema.OVERVIEW_FIELDS]
    breaks = []
    for mark in SUBTOPIC_MARK.finditer(body):
        breaks.append(mark.start())
        rest = body[mark.end() :].lstrip()
        title = next((t for t in titles if rest.startswith(t)), "")
        if title and not rest[len(title) :].lstrip().startswith((":", "。", ".")):
            tail = TITLE_TAIL.match(rest, len(title))  # "主动公开政府信息情况" names the same sub-topic
            breaks.append(len(body) - len(rest) + (tail.end() if tail else len(title)))
    return breaks


def _signature_breaks(body: str) -> list[int]:
    """Where the last section's trailing issuing body and date start, to stand on lines of their own."""
    date = TRAILING_DATE.search(body)
    if date is None:
        return []
    rest = body[: date.start()]
    return [max(rest.rfind("。"), rest.rfind(".")) + 1, date.start()]
