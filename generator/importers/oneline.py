"""A report whose whole article arrived as one line (a crawler's text): broken back into lines at its section
headings, the sub-headings of 总体情况, the table captions and rows, and the signature.

Each table row becomes its label, a space, and its figures exactly as printed. Where the page ran a row's cells
together ("640020470") the line is marked `run_together`: tables.py then places the row's figures only when
one split alone fits the table (runs.py), and leaves the row out otherwise.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from typing import NamedTuple

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
FIGURE_CHARACTERS = re.compile(r"[\d\s/／—–\-.,，]*")
YEAR_END = re.compile(r"(?:19|20)\d\d$")
CLOSE_LABEL = 0.8  # how alike a numbered label must be to its official wording ("案件" printed for "案卷")


class Piece(NamedTuple):
    """A line of the article: its text, whether a table row's cells may run together, the character of the
    article's line where its figures start (1-based; 0 when it holds none), and the digits cut from its end where
    prose ran on from the last cell ("2025" of "…20000022025年，…")."""

    text: str
    run_together: bool = False
    offset: int = 0
    tail: str = ""


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


def _row_breaks(text: str, labels: tuple[tuple[str, ...], ...], captions: frozenset[str]) -> list[int]:
    """Where each row (or caption) starts, searching the labels in printed order; a label not found is skipped.
    A row is looked for only before the next caption (a row the page leaves out must not be found in the prose
    after the table), and a numbered label the page words a little differently ("7.属于行政执法案件") is found by
    its number and its likeness to the official wording, so that it never stays glued to the row before it."""
    fences, position = [], 0
    for _, *forms in labels:
        if forms[0] in captions and (found := re.compile(_pattern(forms[0])).search(text, position)):
            fences.append(found.start())
            position = found.end()
    breaks, position = [], 0
    for number, *forms in labels:
        fence = next((f for f in fences if f > position), len(text))
        for form in forms:
            match = re.compile(_pattern(form)).search(text, position, fence if form not in captions else len(text))
            if match:
                breaks.append(_numbering_before(text, match.start(), number))
                position = match.end()
                break
        else:
            if number and (close := _close_label(text, position, fence, number, forms[0])):
                breaks.append(close[0])
                position = close[1]
    return breaks


def _close_label(text: str, start: int, stop: int, number: str, form: str) -> tuple[int, int] | None:
    """(start, end) of the one numbered label between `start` and `stop` worded nearly as `form`, else None."""
    found = []
    for mark in re.finditer(rf"{number}\s*[.、,]\s*", text[:stop]):
        if mark.start() < start:
            continue
        words = re.sub(r"\s+", "", text[mark.end() : mark.end() + len(form) + 4])[: len(form)]
        if difflib.SequenceMatcher(None, words, form).ratio() >= CLOSE_LABEL:
            found.append((mark.start(), mark.end() + len(form)))
    return found[0] if len(found) == 1 else None


def _cut(text: str, breaks: list[int]) -> list[tuple[int, str]]:
    """The text cut at the breaks: (where each piece starts, the piece without its surrounding spaces)."""
    points = sorted({0, *(b for b in breaks if 0 < b < len(text)), len(text)})
    pieces = []
    for a, b in zip(points, points[1:], strict=False):
        piece = text[a:b]
        if piece.strip():
            pieces.append((a + len(piece) - len(piece.lstrip()), piece.strip()))
    return pieces


def _figures_stop(piece: str) -> int:
    """Where a table's last row stops when prose runs straight on from its figures: the end of the first figures
    after the label ("…继续办理2000002" + "2025年，我局…", "…总计10000100000000000" + "我局严格…"); 0 when the
    figures end the piece or there are none."""
    label = len(piece) - len(strip_numbering(piece))
    first = re.search(r"\d", piece[label:])
    if first is None:
        return 0
    end = label + first.start() + len(FIGURE_CHARACTERS.findall(piece[label + first.start() :])[0])
    return end if piece[end:].strip() else 0


def _row_piece(piece: str, at: int, last: bool) -> list[Piece]:
    """A row's label and its figures, a space between ("（一）予以公开4110000052" -> "（一）予以公开 4110000052"),
    with the figures' offset. A label that holds figures of its own is two rows run into one: its figures are not
    given to either. The table's last row may run on into prose: the prose stands on its own line, and where it
    opens with a year ("…2000002" + "2025年，…") the year's digits are kept aside (`tail`), so that the figures
    are taken only where they cannot include it."""
    trailing: list[Piece] = []
    tail = ""
    if last and (stop := _figures_stop(piece)):
        piece, prose = piece[:stop], piece[stop:]
        if prose.startswith("年") and (year := YEAR_END.search(piece)):
            piece, tail, prose = piece[: year.start()], year.group(), year.group() + prose
        trailing = [Piece(prose.strip())]
    figures = FIGURES.search(piece)
    if figures is None or figures.start() == 0:
        return [Piece(piece, True), *trailing]
    label = piece[: figures.start()].rstrip()
    if re.search(r"\d", strip_numbering(label)):  # "6.属于四类过程性信息00000007.属于行政执法案件"
        return [Piece(re.split(r"\d", strip_numbering(label), maxsplit=1)[0], True), *trailing]
    offset = at + figures.start() + len(figures.group()) - len(figures.group().lstrip()) + 1
    return [Piece(f"{label} {figures.group().strip()}", True, offset, tail), *trailing]


def _section_starts(text: str) -> list[tuple[int, int, str]]:
    """(start, end, section) of each heading found, in order."""
    found, position = [], 0
    for section in schema.HEADINGS:
        match = _heading_pattern(section).search(text, position)
        if match:
            found.append((match.start(), match.end(), section))
            position = match.end()
    return found


def split_article(line: str) -> Iterator[Piece]:
    """The lines of an article that arrived as one line, each a `Piece`.

    Headings and rows are found in the line with its widths normalised character by character (so positions stay
    those of the line); paragraphs keep the page's own characters, table rows come out normalised."""
    text = "".join(n if len(n := unicodedata.normalize("NFKC", ch)) == 1 else ch for ch in line)
    starts = _section_starts(text)
    if not starts:
        yield Piece(line)
        return
    front = text[: starts[0][0]]
    title = TITLE_END.search(front)
    yield from (Piece(piece) for _, piece in _cut(line[: starts[0][0]], [title.end()] if title else []))
    for i, (start, end, section) in enumerate(starts):
        stop = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        yield Piece(line[start:end].strip())
        body, own = text[end:stop], line[end:stop]
        if section == "overview":
            yield from (Piece(piece) for _, piece in _cut(own, _subtopic_breaks(body)))
        elif section in ("t2", "t3"):
            rows = _cut(body, _row_breaks(body, _table_labels()[section], _captions()))
            for count, (at, row) in enumerate(rows, 1):
                yield from _row_piece(row, end + at, count == len(rows))
        elif section == "t4":
            yield from _row_piece(body.strip(), end + len(body) - len(body.lstrip()), True)
        elif i + 1 == len(starts):
            yield from (Piece(piece) for _, piece in _cut(own, _signature_breaks(body)))
        else:
            yield Piece(own.strip())


@cache
def _captions() -> frozenset[str]:
    return frozenset(block.caption for block in schema.T2_BLOCKS)


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
