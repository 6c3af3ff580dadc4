"""Lines of a text-based PDF (pages drawn by pdfium, pdf_draw.py; tables and text lines found by pdfplumber): ruled
tables read cell by cell from their geometry, the text around them joined back into paragraphs, a table that runs
over a page one table.

A table row becomes its cells joined by tabs, as on a web page, with each cell's box kept for the evidence:
a cell merged into its neighbour is no cell (a rowspan label prints once), an empty cell is a blank at its
own column. Paragraphs are rebuilt from the lines' geometry: a first-line indent, a short last line, a change
of font size or a gap start a new one. A PDF without any text (a scan) cannot be read here and says so.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.exceptions import InputError
from generator.format.model import Place
from generator.importers.base import Box, Line
from generator.importers.marks import is_furniture
from generator.importers.pdf_bounds import Budget, check_file, check_pages
from generator.importers.pdf_draw import drawn_objects

MIN_TABLE_ROWS, MIN_TABLE_COLUMNS = 2, 2  # a single ruled box is a frame around text, not a table
# A gap the page draws between Chinese and a number (Word and LibreOffice space Asian from Latin text) is no
# space in the text: "2023 年" -> "2023年", "发布信息 3017 条" -> "发布信息3017条"; a number ending a line or
# followed by another (a table row drawn without rules) keeps its space.
CJK = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
NUMBER_GAP = re.compile(rf"(?<=[0-9%])\s+(?={CJK})|(?<={CJK})\s+(?=[0-9][0-9,.]*%?\s*{CJK})")
ROW_END = re.compile(r"(?:(?:^|\s)(?:\d[\d,.]*|[/／—–-])){2,}\s*$")  # "… 15 3 0 0 1 0 19": a row's figures


class Scanned(InputError):
    """A PDF whose every page is an image: no text to read here (report.py reads it by OCR, scan.py)."""


@dataclass(frozen=True)
class TextLine:
    """One printed line of running text with its geometry (points; top grows down the page)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int


@dataclass(frozen=True)
class TableRows:
    """One ruled table on one page: each row's cells (None where a merged cell covers the grid) and boxes."""

    top: float
    page: int
    rows: tuple[tuple[tuple[str, Box | None], ...], ...]


def _cell_text(text: str | None) -> str:
    """A cell's text on one line: its wrapped lines joined (Chinese labels and numbers take no space)."""
    return "".join(part.strip() for part in (text or "").splitlines())


def _inside(obj: dict[str, Any], boxes: Sequence[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


class _Middles:
    """The page's characters by the middle of their boxes, to find those of a box as pdfplumber does (a character
    belongs where its middle is: left and top edges in, right and bottom edges out), in the page's order."""

    def __init__(self, chars: Sequence[dict[str, Any]]) -> None:
        self.chars = chars
        self.middles = [((c["top"] + c["bottom"]) / 2, (c["x0"] + c["x1"]) / 2) for c in chars]
        self.order = sorted(range(len(chars)), key=lambda n: self.middles[n][0])
        self.heights = [self.middles[n][0] for n in self.order]

    def within(self, box: tuple[float, float, float, float], among: Sequence[int] | None = None) -> list[int]:
        """The characters whose middle is in `box` (among those given), in the page's order."""
        x0, top, x1, bottom = box
        if among is None:
            among = sorted(self.order[bisect_left(self.heights, top) : bisect_left(self.heights, bottom)])
        middles = self.middles
        return [n for n in among if top <= middles[n][0] < bottom and x0 <= middles[n][1] < x1]


def _one_run(chars: Sequence[dict[str, Any]]) -> str | None:
    """A cell's text when it is one run of upright characters on one line, each within pdfplumber's tolerance of
    the one before and none a space: what pdfplumber's extract_text gives (a single word), without its machinery;
    None for any other cell."""
    from pdfplumber.utils.text import DEFAULT_X_TOLERANCE, LIGATURES

    top = chars[0]["top"]
    if any(not c["upright"] or c["top"] != top or c["text"].isspace() or c["text"] in LIGATURES for c in chars):
        return None
    ordered = sorted(chars, key=lambda c: c["x0"])
    if any(after["x0"] > before["x1"] + DEFAULT_X_TOLERANCE for before, after in itertools.pairwise(ordered)):
        return None
    return "".join(c["text"] for c in ordered)


def _table_rows(table: Any, middles: _Middles) -> tuple[tuple[tuple[str, Box | None], ...], ...]:
    """A table's rows as pdfplumber's Table.extract reads them (each cell's characters as text), without looking
    through the page's characters for every row; a merged cell (None) is left out."""
    from pdfplumber.utils import extract_text

    rows = []
    for row in table.rows:
        in_row = middles.within(row.bbox)
        cells = []
        for box in row.cells:
            if box is not None:
                chars = [middles.chars[n] for n in middles.within(box, in_row)]
                text = _one_run(chars) if chars else ""
                cells.append((_cell_text(extract_text(chars) if text is None else text), box))
        rows.append(tuple(cells))
    return tuple(rows)


def _page_blocks(page: Any) -> Iterator[TextLine | TableRows]:
    """A page's text lines and tables, top to bottom."""
    tables = [t for t in page.find_tables() if len(t.rows) >= MIN_TABLE_ROWS and max(len(r.cells) for r in t.rows) >= 2]
    middles = _Middles(page.chars)
    blocks: list[TextLine | TableRows] = [
        TableRows(table.bbox[1], page.page_number, _table_rows(table, middles)) for table in tables
    ]
    boxes = [t.bbox for t in tables]
    text_page = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    for line in text_page.extract_text_lines(strip=True):
        if line["text"].strip():
            size = Counter(round(c["size"], 1) for c in line["chars"]).most_common(1)[0][0]
            blocks.append(
                TextLine(
                    NUMBER_GAP.sub("", line["text"]),
                    line["x0"],
                    line["x1"],
                    line["top"],
                    line["bottom"],
                    size,
                    page.page_number,
                )
            )
    return iter(sorted(blocks, key=lambda b: b.top))


def _row_like(text: str) -> bool:
    """A line of a table drawn without rules (ending in two or more figures): never part of a paragraph."""
    return bool(ROW_END.search(text))


class _Layout:
    """The body text's geometry, to tell a paragraph's first or last line from a line in between."""

    def __init__(self, lines: Sequence[TextLine]) -> None:
        lines = [line for line in lines if not _row_like(line.text)]  # rows of a table drawn without rules
        sizes = Counter(round(line.size) for line in lines)
        self.size = float(sizes.most_common(1)[0][0]) if sizes else 12.0
        body = [line for line in lines if round(line.size) == round(self.size)]
        lefts = Counter(round(line.x0) for line in body)
        self.left = float(lefts.most_common(1)[0][0]) if lefts else 0.0
        rights = sorted(line.x1 for line in body)
        self.right = rights[int(len(rights) * 0.9)] if rights else 0.0

    def continues(self, before: TextLine, line: TextLine) -> bool:
        """Whether `line` goes on with the paragraph `before` ended: same size, `before` full to the right margin
        (or both a title's larger lines), `line` not indented, no gap between them."""
        if abs(before.size - line.size) > 0.5 or _row_like(before.text) or _row_like(line.text):
            return False
        if line.page == before.page and line.top - before.bottom > 1.2 * line.size:
            return False
        if line.size > self.size + 1:  # a title over several lines, centred
            return line.page == before.page
        return before.x1 >= self.right - 1.5 * self.size and line.x0 <= self.left + 0.5 * self.size


def _paragraphs(lines: Sequence[TextLine], layout: _Layout) -> list[tuple[str, TextLine]]:
    paragraphs: list[tuple[str, TextLine]] = []
    before: TextLine | None = None
    for line in lines:
        if before is not None and paragraphs and layout.continues(before, line):
            text, first = paragraphs[-1]
            paragraphs[-1] = (NUMBER_GAP.sub("", text + line.text), first)  # "… 34" + "条。"
        else:
            paragraphs.append((line.text, line))
        before = line
    return paragraphs


def pdf_lines(blocks: Sequence[TextLine | TableRows]) -> list[Line]:
    """The report's lines from its pages' blocks in reading order; a table that opens a page right after a
    table that closed the previous one goes on as the same table (its rows keep counting)."""
    layout = _Layout([b for b in blocks if isinstance(b, TextLine)])
    lines: list[Line] = []
    run: list[TextLine] = []
    tables = 0
    row_number = 0
    last_table_page = 0  # the page of the table just emitted, while nothing but page furniture followed it

    def flush() -> None:
        for text, first in _paragraphs(run, layout):
            lines.append(Line(text, f"第 {first.page} 页", Place(page=first.page)))
        run.clear()

    for block in blocks:
        if isinstance(block, TextLine):
            if is_furniture(block.text):
                continue
            run.append(block)
            last_table_page = 0
            continue
        flush()
        if not (last_table_page and block.page == last_table_page + 1):
            tables, row_number = tables + 1, 0
        for cells in block.rows:
            row_number += 1
            if any(text for text, _ in cells):
                place = Place(page=block.page, table=f"第 {tables} 个表格", row_number=row_number)
                where = f"第 {block.page} 页第 {tables} 个表格第 {row_number} 行"
                texts = "\t".join(text for text, _ in cells)
                lines.append(Line(texts, where, place, tuple(box for _, box in cells)))
        last_table_page = block.page
    flush()
    return lines


def read_pdf(path: Path) -> list[Line]:
    """The lines of a text-based PDF; InputError for a file that is no PDF, is encrypted, damaged or past the bounds
    of pdf_bounds, or a scan with no text to read."""
    import pdfplumber
    import pypdfium2 as pdfium
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    check_file(path)
    try:
        pdf = pdfplumber.open(path)
    except (PdfminerException, OSError, ValueError) as err:
        if isinstance(err.args[0] if err.args else None, PDFPasswordIncorrect | PDFEncryptionError):
            raise InputError(f"{path.name}：PDF 文件已加密（设有打开密码），无法读取；请提供未加密的文件。") from err
        raise InputError(f"{path.name}：不是有效的 PDF 文件，无法打开。") from err
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:  # pdfminer found its structure, pdfium cannot load it
        pdf.close()
        raise _damaged_file(path) from err
    budget = Budget(path.name)
    with pdf, document:
        try:
            check_pages(pdf, path.name)
            blocks: list[TextLine | TableRows] = []
            text = pictures = False
            fonts: dict[int, tuple[bytes, float] | None] = {}
            if len(document) != len(pdf.pages):  # pdfminer and pdfium rebuilt a broken file differently
                raise _damaged_file(path)
            for page in pdf.pages:  # drawn by pdfium where pdfplumber's Page.objects looks for pdfminer's drawing
                page._objects = drawn_objects(page, document.raw, budget, fonts)
                text = text or bool(page.chars)
                pictures = pictures or bool(page.images)
                blocks.extend(_page_blocks(page))
                page.close()  # its characters and drawings are no longer needed: memory stays one page's worth
            if not text and (pictures or not _damaged(pdf)):
                raise Scanned(
                    f"{path.name}：这是扫描件（每页都是图片，没有文字层），无法读取其中的数字；"
                    "请提供文字版 PDF、网页或 Word 文件，或先用文字识别（OCR）软件转换。"
                )
            if not text:
                raise _damaged_file(path)
        except PdfminerException as err:
            raise InputError(f"{path.name}：PDF 文件已损坏，无法读取（{err}）。") from err
    return pdf_lines(blocks)


def _damaged_file(path: Path) -> InputError:
    return InputError(f"{path.name}：PDF 文件已损坏（找不到页面或页面内容），无法读取；请重新导出或下载。")


def _damaged(pdf: Any) -> bool:
    """Whether pdfminer found no page at all, or had to look for the objects because the cross-reference table
    was broken: then a file without text is damaged, not a scan."""
    from pdfminer.pdfdocument import PDFXRefFallback

    return not pdf.pages or any(isinstance(xref, PDFXRefFallback) for xref in pdf.doc.xrefs)
