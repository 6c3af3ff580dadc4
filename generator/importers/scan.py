"""Lines of a scanned PDF (each page an image): the page straightened and cleaned, its full-grid tables cut into
cells and read by OCR (a figure's cell with digits only, read twice), the text around them read line by line;
then the same lines a text PDF gives (pdf.pdf_lines), so that the tables are placed as usual.

Boxes are the cells' boxes on the straightened page image, in points (1/72 inch) like a text PDF's. Each figure's
cell keeps the engine's readings (Line.readings); proof.py accepts one only where the arithmetic holds.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from generator.exceptions import InputError
from generator.format.cells import ZERO_PLACEHOLDERS
from generator.importers import grid, likeness, ocr
from generator.importers.base import Box, Line
from generator.importers.pdf import TableRows, TextLine, pdf_lines

DPI = 150  # a scan's pages are read at this resolution: a table's digits stand 20 pixels tall
POINT = 72 / DPI  # points per pixel
ZOOM = 2  # cells are enlarged for the engine, which reads best at about 30 pixels a line
FIGURE = re.compile(r"^[\d.,/\-—–－]*$")
LOOKALIKES = str.maketrans("]|lIO〇oQ", "11110000")  # what the Chinese reading makes of a lone 1 or 0
UNREAD_LABEL = "？"  # a row's label the engine read as a figure: the row is then placed by its neighbours
STRAY = ".,-‘’'\"`:：;<>〈〉"  # a speck or a rule's end read beside a figure ("‘11", "0>", "0:")
RAW_LINE, BLACK_AND_WHITE, WORD = 13, 6, 8  # the engine's modes: a label's second and third reading, a word
LINE_START_SPECKS = "。，、．.,·'‘’`"  # marks Chinese typesetting never sets at a line's start
SHOT = (360, 60)  # pixels at most of a cell's picture on an audit page: a few kilobytes each
WORKERS = 2  # pages read side by side (the engine runs one thread per call)


@dataclass(frozen=True)
class Piece:
    """A part of a page to read: its box on the page (pixels) and the image to give the engine."""

    box: grid.Pixels
    image: Any


def _points(box: grid.Pixels) -> Box:
    return (box[0] * POINT, box[1] * POINT, box[2] * POINT, box[3] * POINT)


def _join(texts: Sequence[str]) -> str:
    """Words joined as printed: a space only between two Latin letters or digits."""
    out = ""
    for text in texts:
        if out and out[-1].isascii() and out[-1].isalnum() and text[:1].isascii() and text[:1].isalnum():
            out += " "
        out += text
    return out


def read_each(pieces: Sequence[Piece], chinese: bool, whitelist: str = "", zoom: int = ZOOM, psm: int = 6) -> list[str]:
    """Each piece's text, all read by one run of the engine, each piece enlarged `zoom` times."""
    from PIL import Image

    images = [p.image.resize((p.image.width * zoom, p.image.height * zoom), Image.Resampling.LANCZOS) for p in pieces]
    found = ocr.words_of_each(images, psm, chinese, whitelist)
    return [_join([w.text for w in sorted(ws, key=lambda w: (w.line, w.box[0]))]) for ws in found]


def _clean(page: Any) -> tuple[Any, Any, Any]:
    """The page straightened and cleaned of specks: (greyscale image, its array, its ink for finding rules)."""
    import numpy as np
    from PIL import Image, ImageFilter

    smooth = page.filter(ImageFilter.MedianFilter(3))
    gray = grid.as_array(smooth)
    angle = grid.skew(gray < grid.otsu(gray))
    straight = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255).filter(ImageFilter.MedianFilter(3))
    array = grid.as_array(straight)
    paper = int(np.median(array))
    return straight, array, array < (grid.otsu(array) + paper) // 2  # a faint rule is still lighter than paper


def _cut(image: Any, box: grid.Pixels, cell: grid.Pixels, margin: int = 6) -> Any:
    """The ink of a cell on white, its rules left out (the engine reads a rule's edge as "|" or "1")."""
    from PIL import Image

    inner = (max(box[0], cell[0] + 3), max(box[1], cell[1] + 3), min(box[2], cell[2] - 2), min(box[3], cell[3] - 2))
    piece = Image.new("L", (inner[2] - inner[0] + 2 * margin, inner[3] - inner[1] + 2 * margin), 255)
    piece.paste(image.crop(inner), (margin, margin))
    return piece


def _chinese(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


def _doubtful(text: str) -> bool:
    """A Chinese reading with Latin letters in it (a row's label misread: "(七)Sit" for （七）总计), or nothing."""
    return not text.strip() or (_chinese(text) > 0 and any(ch.isascii() and ch.isalpha() for ch in text))


def _binary(piece: Piece) -> Piece:
    """The piece in black and white (faint small print the engine leaves unread in grey)."""
    level = grid.otsu(grid.as_array(piece.image))
    return Piece(piece.box, piece.image.point(lambda v: 0 if v < level else 255))


def _labels(pieces: Sequence[Piece]) -> list[str]:
    """Each cell's Chinese reading; a doubtful one read again as one raw line (a short label the engine's layout
    analysis drops), then in black and white; the reading with more Chinese kept."""
    labels = read_each(pieces, chinese=True, zoom=ZOOM + 1)
    for retry in (RAW_LINE, BLACK_AND_WHITE):
        again = [n for n, label in enumerate(labels) if _doubtful(label)]
        images = [_binary(pieces[n]) if retry == BLACK_AND_WHITE else pieces[n] for n in again]
        for n, text in zip(again, read_each(images, chinese=True, zoom=ZOOM + 1, psm=retry), strict=True):
            if _chinese(text) > _chinese(labels[n]) or (not labels[n].strip() and text.strip()):
                labels[n] = text
    return labels


def _is_figure(label: str, digits: str) -> bool:
    """A figure's cell: digits, a short reading with at most one Chinese character where digits were read, or a
    short reading with none ("i" for a blurred "11")."""
    if label and FIGURE.match(label.translate(LOOKALIKES)):
        return True
    return (bool(digits) and _chinese(label) <= 1) or (bool(label) and not _chinese(label) and len(label) <= 3)


def _figure_cells(
    tables: Sequence[grid.Grid], read: dict[grid.Cell, tuple[str, str]]
) -> tuple[set[grid.Cell], set[grid.Cell]]:
    """The cells that hold figures, and the labels misread as figures ("-" for （一）予以公开): a cell that looks
    like a figure in a column of labels (of the rows with figures, fewer than half have one there). Right of a
    figure's cell, or in a column of figures, a short reading is a figure's too ("i" for a blurred "11", "时" for
    7; labels come first): the arithmetic then vouches for it or leaves it unread."""
    held: set[grid.Cell] = set()
    misread: set[grid.Cell] = set()
    for table in tables:
        looks = {cell for row in table.rows for cell in row if cell in read and _is_figure(*read[cell])}
        rows = sum(1 for row in table.rows if any(cell in looks for cell in row))
        counts = Counter(cell.column for cell in looks)
        misread |= {cell for cell in looks if 2 * counts[cell.column] < rows}
        figure_columns = {column for column, n in counts.items() if 2 * n >= rows}
        for row in table.rows:
            known = [n for n, cell in enumerate(row) if cell in looks and cell not in misread]
            start = known[0] if known else len(row)
            for n, cell in enumerate(row):
                label = read.get(cell, ("", ""))[0]
                short = cell in read and len(label) <= 3 and _chinese(label) <= 1
                if n >= start and ((cell in looks and cell not in misread) or short):
                    held.add(cell)
                elif n < start and short and cell.column in figure_columns:
                    held.add(cell)  # in a column of figures, a figure the engine read as a character ("时" for 7)
    return held, misread


def _glyph_by_glyph(straight: Any, strict: Any, boxes: Sequence[grid.Pixels]) -> list[tuple[int, str]]:
    """Another reading of each text of two characters or more: each character apart, as one word (the engine
    drops one of two 1s side by side, never a lone one), kept when each gives exactly one character."""
    pieces, owners = [], []
    for n, box in enumerate(boxes):
        found = grid.glyphs(strict, box)
        for glyph in found if len(found) >= 2 else ():
            around = (glyph[0] - 10, glyph[1] - 10, glyph[2] + 10, glyph[3] + 10)
            pieces.append(Piece(glyph, _cut(straight, glyph, around, margin=8)))
            owners.append(n)
    parts: dict[int, list[str]] = {}
    for n, text in zip(owners, read_each(pieces, False, ocr.DIGITS, ZOOM, WORD), strict=True):
        parts.setdefault(n, []).append(text.strip())
    return [(n, "".join(texts)) for n, texts in parts.items() if all(len(text) == 1 for text in texts)]


def _as_figure(label: str) -> str:
    """The Chinese reading of a figure's cell as a reading of the figure: its look-alikes made digits; "" for one
    with no digit that is no stand-in for 0 ("上" for a blurred "1" reads nothing, it says no other figure)."""
    text = label.translate(LOOKALIKES)
    return text if any(ch.isdigit() for ch in text) or text in ZERO_PLACEHOLDERS else ""


def _best_first(guesses: list[str], glyphs: int) -> list[str]:
    """The readings, the one most give first; but a whole number's reading with as many digits as the cell has
    characters apart on the page comes before those with fewer or more ("11" read "1", "1", "11")."""

    def fits(guess: str) -> bool:
        return guess.isdigit() and len(guess) == glyphs

    votes = [guesses.count(g) if g else 0 for g in guesses]
    return [guesses[n] for n in sorted(range(len(guesses)), key=lambda n: (not fits(guesses[n]), -votes[n]))]


def read_page(page: Any, number: int) -> tuple[list[TextLine | TableRows], dict[tuple[int, Box], tuple[str, ...]]]:
    """A page's blocks (text lines and tables) and each figure cell's readings, by the cell's box."""
    straight, array, ink = _clean(page)
    tables = grid.grids(ink, *grid.rules(ink))
    strict = array < grid.otsu(array)  # text ink: the printed strokes without the blur around them
    cells = [(cell, grid.ink_box(strict, cell.box)) for table in tables for row in table.rows for cell in row]
    inked = [(cell, box) for cell, box in cells if box is not None]
    pieces = [Piece(box, _cut(straight, box, cell.box)) for cell, box in inked]
    labels = _labels(pieces)
    first = read_each(pieces, chinese=False, whitelist=ocr.DIGITS, psm=7)
    texts = {cell: "" for cell, _ in cells}
    read = {
        cell: (label.replace(" ", ""), digits.replace(" ", ""))
        for (cell, _), label, digits in zip(inked, labels, first, strict=True)
    }
    held, misread = _figure_cells(tables, read)
    figures = []
    for cell, box in inked:
        compact, digits = read[cell]
        if cell in held:
            figures.append((cell, digits, compact, box))
        texts[cell] = UNREAD_LABEL if cell in misread else compact
    readings: dict[tuple[int, Box], tuple[str, ...]] = {}
    again = [pieces[inked.index((cell, box))] for cell, box in inked if any(f[0] == cell for f in figures)]
    second = read_each(again, chinese=False, whitelist=ocr.DIGITS, zoom=ZOOM + 1)
    found = [
        [g.strip(STRAY) for g in (one, two.replace(" ", ""), _as_figure(label))]
        for (_, one, label, _), two in zip(figures, second, strict=True)
    ]
    doubtful = [n for n, guesses in enumerate(found) if len({g for g in guesses if g}) != 1 or guesses.count("") > 1]
    # Readings that differ, or only one: two more, as one raw line and as one word in black and white (the
    # engine's line finder drops a lone "1" that these modes keep).
    for binary, psm, zoom in ((False, RAW_LINE, ZOOM + 1), (True, WORD, ZOOM)):
        images = [_binary(again[n]) if binary else again[n] for n in doubtful]
        for n, text in zip(doubtful, read_each(images, False, ocr.DIGITS, zoom, psm), strict=True):
            found[n].append(text.replace(" ", "").strip(STRAY))
    for n, text in _glyph_by_glyph(straight, strict, [figures[n][3] for n in doubtful]):
        found[doubtful[n]].append(text)
    alike = [(figures[n][3], guesses[0]) for n, guesses in enumerate(found) if n not in set(doubtful)]
    looks = likeness.Looks(array, strict, alike)
    for n in doubtful:  # one more reading, by the likeness of each character to the page's own digits
        found[n].append(looks.read(figures[n][3]))
    for (cell, one, _, box), guesses in zip(figures, found, strict=True):
        guesses = _best_first(guesses, len(grid.glyphs(strict, box)))
        readings[number, _points(cell.box)] = tuple(guesses)  # every reading, even empty: proof.py compares them
        texts[cell] = next((g for g in guesses if g and FIGURE.match(g)), one)
    blocks: list[TextLine | TableRows] = []
    for table in tables:
        rows = tuple(tuple((texts[cell], _points(cell.box)) for cell in row) for row in table.rows)
        blocks.append(TableRows(table.box[1] * POINT, number, rows))
    blocks += _text_lines(straight, [t.box for t in tables], number)
    return sorted(blocks, key=lambda b: b.top), readings


def _text_lines(straight: Any, tables: Sequence[grid.Pixels], number: int) -> list[TextLine]:
    """The page's printed lines outside its tables, with their boxes in points and their height as the size."""
    from PIL import ImageDraw

    page = straight.copy()
    draw = ImageDraw.Draw(page)
    for left, top, right, bottom in tables:
        draw.rectangle((left - 6, top - 6, right + 6, bottom + 6), fill=255)
    lines: dict[tuple[int, int, int], list[ocr.Word]] = {}
    for word in ocr.words(page, 3, chinese=True):
        lines.setdefault(word.line, []).append(word)
    read = []
    for words in lines.values():
        text = _join([w.text for w in sorted(words, key=lambda w: w.box[0])])
        if not text.strip():
            continue
        box: grid.Pixels = (
            min(w.box[0] for w in words),
            min(w.box[1] for w in words),
            max(w.box[2] for w in words),
            max(w.box[3] for w in words),
        )
        heights = sorted(w.box[3] - w.box[1] for w in words)
        read.append((text, box, heights[len(heights) // 2]))
    # A line the page's reading made little of ("RR" for 一、总体情况: a heading between two tight lines) is read
    # again alone, as one line; the reading with more Chinese is kept.
    again = [
        n for n, (text, box, height) in enumerate(read) if _chinese(text) * 2 < (box[2] - box[0]) // max(height, 1)
    ]
    pieces = [Piece(read[n][1], _cut(page, read[n][1], (0, 0, page.width, page.height), margin=8)) for n in again]
    for n, text in zip(again, read_each(pieces, chinese=True, psm=RAW_LINE), strict=True):
        if _chinese(text) > _chinese(read[n][0]):
            read[n] = (text, read[n][1], read[n][2])
    found = []
    for text, (left, top, right, bottom), height in read:
        text = text.lstrip(LINE_START_SPECKS)  # 避头尾: no Chinese line begins with these; on a scan, a speck
        if text.strip():
            found.append(
                TextLine(text, left * POINT, right * POINT, top * POINT, bottom * POINT, height * POINT, number)
            )
    return _even_sizes(found)


def _even_sizes(lines: list[TextLine]) -> list[TextLine]:
    """Heights measured on a scan vary by a pixel or two: lines within a point of the body's size take it, so
    that paragraphs are joined as on a text PDF."""
    if not lines:
        return lines
    sizes = sorted(round(line.size) for line in lines)
    body = max(set(sizes), key=sizes.count)
    return [replace(line, size=float(body)) if abs(line.size - body) <= 1.5 else line for line in lines]


def page_images(path: Path) -> list[Any]:
    """The PDF's pages as greyscale images at DPI."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        raise InputError(f"{path.name}：PDF 文件已损坏，无法读取扫描的页面（{err}）。") from err
    try:
        return [document[n].render(scale=DPI / 72, grayscale=True).to_pil().convert("L") for n in range(len(document))]
    finally:
        document.close()


@functools.lru_cache(maxsize=2)  # an audit page shows a few cells of one page after another
def _straight_page(path: str, stamp: float, number: int) -> Any:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        page = document[number - 1].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
    finally:
        document.close()
    return _clean(page)[0]


def cell_image(path: Path, number: int, box: Box) -> bytes:
    """A PNG of a cell of the scan's page `number` as it was read (straightened), a little around its box
    (`box` in points, as in the cell's evidence), at most SHOT pixels."""
    import io

    from PIL import Image

    page = _straight_page(str(path), path.stat().st_mtime, number)
    left, top, right, bottom = (round(v / POINT) for v in box)
    shot = page.crop((max(left - 4, 0), max(top - 4, 0), min(right + 4, page.width), min(bottom + 4, page.height)))
    shot.thumbnail(SHOT, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    shot.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def read_scan(path: Path) -> list[Line]:
    """The lines of a scanned PDF, each figure's cell with the engine's readings."""
    ocr.require(path.name)
    pages = page_images(path)
    with ThreadPoolExecutor(WORKERS) as pool:
        done = list(pool.map(read_page, pages, range(1, len(pages) + 1)))
    blocks = [block for page_blocks, _ in done for block in page_blocks]
    if not blocks:
        raise InputError(f"{path.name}：这是扫描件，但文字识别在各页都没有读出文字；请提供更清晰的扫描件或文字版文件。")
    readings = {box: options for _, page_readings in done for box, options in page_readings.items()}
    lines = pdf_lines(blocks)
    return [
        replace(line, readings=tuple(readings.get((line.place.page, box), ()) if box else () for box in line.boxes))
        if line.boxes
        else line
        for line in lines
    ]
