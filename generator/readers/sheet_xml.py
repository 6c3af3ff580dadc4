"""A workbook's cells read straight from its XML: each cell's value as last saved (what Excel shows), and its formula.

The values are what openpyxl's read-only mode gives (`data_only=True`), by the same rules: a number is an int
unless written with a point or an exponent, a number in a date format is a date, a shared or inline string is its
plain text. Two differences, both to the good: the date formats Chinese Excel numbers 27-36 and 50-58 (yyyy"年"m"月"d"日"
and the like) are read as dates, and a formula whose result was never saved is returned beside its empty value in
the same pass. openpyxl's import alone (115 ms) took longer than reading a filled-in workbook this way (6-8 ms).

A sheet or string table up to 1 MB is parsed whole; a larger one is read as it inflates, each row dropped once read,
and reading stops below the last row asked for. The parser resolves no entities and fetches nothing.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from functools import cache
from itertools import islice
from typing import Any

from generator.format.grid import cell_position

SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MAIN = f"{{{SPREADSHEET_NS}}}"
RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PACKAGE_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
ROW, CELL, VALUE, FORMULA, INLINE, TEXT, RUN, ITEM = (
    f"{MAIN}{tag}" for tag in ("row", "c", "v", "f", "is", "t", "r", "si")
)
NUMBER_FORMAT, FORMAT, CELL_FORMATS = f"{MAIN}numFmt", f"{MAIN}xf", f"{MAIN}cellXfs"
STRINGS_LIMIT = 1_000_000  # a filled-in workbook has a few hundred; millions only make a reader wait
WHOLE_PART = 1 << 20  # a sheet or string table up to 1 MB is parsed at once (faster); a larger one piece by piece
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"

# The built-in number formats that are dates or times (ECMA-376 18.8.30), with those of Chinese Excel.
DATE_FORMAT_IDS = frozenset({*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)})
TIMEDELTA_FORMAT_IDS = frozenset({46})
LITERALS = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')  # quoted text, and [colours] / [locales]
DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")
TIMEDELTA = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.IGNORECASE)
WINDOWS_EPOCH, MAC_EPOCH = dt.datetime(1899, 12, 30), dt.datetime(1904, 1, 1)
SHARED_FORMULA_FOLLOWER = "=（共享公式）"

Cells = dict[tuple[int, int], Any]


def is_date_format(code: str) -> bool:
    """A custom format that shows a date or time: a d, m, y, h or s outside quotes and brackets."""
    return DATE_LETTER.search(LITERALS.sub("", code.split(";")[0])) is not None


def is_timedelta_format(code: str) -> bool:
    return TIMEDELTA.search(code.split(";")[0]) is not None


@cache
def _parser_options() -> dict[str, bool]:
    # Comments and processing instructions are dropped, the text around them joined, as openpyxl reads it.
    return {
        "resolve_entities": False,
        "no_network": True,
        "huge_tree": False,
        "remove_comments": True,
        "remove_pis": True,
    }


def _tree(archive: zipfile.ZipFile, part: str) -> Any:
    from lxml import etree

    root = etree.fromstring(archive.read(part), etree.XMLParser(**_parser_options()))
    _refuse_dtd(root)
    return root


def _refuse_dtd(element: Any) -> None:
    """A part declaring entities of its own: never expanded, and their text would be silently missing — no
    program that writes workbooks does this, so the file is refused as damaged."""
    if element.getroottree().docinfo.doctype:
        raise ValueError("XML 中含有 DTD 声明")


def _text(node: Any) -> str:
    """A string item's plain text: its own <t> and the <t> of each rich-text run (not the phonetic guide)."""
    plain, runs = "", []
    for child in node:
        if child.tag == TEXT:
            plain = child.text or ""  # the last of several, as openpyxl takes it
        elif child.tag == RUN:
            runs += [piece.text or "" for piece in child if piece.tag == TEXT][-1:]
    return plain + "".join(runs)


def _number(text: str) -> int | float:
    return float(text) if "." in text or "E" in text or "e" in text else int(text)


def _from_serial(value: float, epoch: dt.datetime, timedelta: bool) -> Any:
    """An Excel serial date as Python's date and time (1900's phantom 29 February accounted for)."""
    if timedelta:
        span = dt.timedelta(days=value)
        if span.microseconds:  # to the millisecond, as Excel keeps it
            span = dt.timedelta(seconds=span.total_seconds() // 1, microseconds=round(span.microseconds, -3))
        return span
    day, fraction = divmod(value, 1)
    diff = dt.timedelta(milliseconds=round(fraction * 86_400_000))
    if 0 <= value < 1 and diff.days == 0:
        return (dt.datetime.min + diff).time()
    if 0 < value < 60 and epoch == WINDOWS_EPOCH:
        day += 1
    return epoch + dt.timedelta(days=day) + diff


class SheetBook:
    """The workbook's sheet names in order, and a sheet's cells on request."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        book = _tree(archive, WORKBOOK)
        rels = _tree(archive, WORKBOOK_RELS) if WORKBOOK_RELS in archive.namelist() else None
        targets: dict[str, tuple[str, str]] = {}
        for rel in rels.iter(PACKAGE_RELATIONSHIP) if rels is not None else ():
            target = rel.get("Target") or ""
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            targets[rel.get("Id") or ""] = (part, (rel.get("Type") or "").rsplit("/", 1)[-1])
        self.parts: dict[str, str] = {}
        for sheet in book.iterfind(f"{MAIN}sheets/{MAIN}sheet"):  # a name given twice: the first, as Excel shows
            self.parts.setdefault(sheet.get("name") or "", targets.get(sheet.get(RELATIONSHIP_ID) or "", ("", ""))[0])
        self.sheetnames = list(self.parts)
        kinds = {kind: part for part, kind in targets.values()}
        self._strings_part = kinds.get("sharedStrings", "xl/sharedStrings.xml")
        self._styles_part = kinds.get("styles", "xl/styles.xml")
        properties = book.find(f"{MAIN}workbookPr")
        flag = (properties.get("date1904") or "") if properties is not None else ""
        date1904 = flag.lower() not in ("", "0", "false", "f")  # any other value means true, as openpyxl reads it
        self.epoch = MAC_EPOCH if date1904 else WINDOWS_EPOCH
        self.support_parts = [part for part in (self._strings_part, self._styles_part) if part in archive.namelist()]
        self._strings: list[str] | None = None
        self._formats: tuple[frozenset[int], frozenset[int]] | None = None

    @property
    def strings(self) -> list[str]:
        """The shared strings, read when a cell first needs one."""
        if self._strings is None:
            found = self._strings_part in self.archive.namelist()
            items = self._elements(self._strings_part, ITEM) if found else iter(())
            self._strings = [_text(item).replace("x005F_", "") for item in islice(items, STRINGS_LIMIT + 1)]
            if len(self._strings) > STRINGS_LIMIT:
                raise ValueError(f"共享字符串超过 {STRINGS_LIMIT:,} 个")
        return self._strings

    def _elements(self, part: str, tag: str | tuple[str, ...]) -> Iterator[Any]:
        """The part's `tag` elements in order: a part of ordinary size parsed whole, a larger one as it inflates,
        each element dropped once read, so that memory stays flat."""
        tags = (tag,) if isinstance(tag, str) else tag
        if self.archive.getinfo(part).file_size <= WHOLE_PART:
            yield from _tree(self.archive, part).iter(*tags)
            return
        from lxml import etree

        with self.archive.open(part) as stream:
            for _, element in etree.iterparse(stream, events=("end",), tag=tags, **_parser_options()):
                _refuse_dtd(element)
                yield element
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]

    @property
    def formats(self) -> tuple[frozenset[int], frozenset[int]]:
        """The cell styles (by index) showing a date, and those showing a duration."""
        if self._formats is None:
            custom: dict[int, str] = {}
            numbers: list[int] = []  # each cell style's number format, in the styles' order
            found = self._styles_part in self.archive.namelist()
            for element in self._elements(self._styles_part, (NUMBER_FORMAT, FORMAT)) if found else ():
                if element.tag == NUMBER_FORMAT:
                    custom[int(element.get("numFmtId") or -1)] = element.get("formatCode") or ""
                elif (parent := element.getparent()) is not None and parent.tag == CELL_FORMATS:
                    numbers.append(int(element.get("numFmtId") or 0))  # not a named style's (cellStyleXfs)

            def showing(test: Callable[[str], bool], builtin: frozenset[int]) -> frozenset[int]:
                return frozenset(
                    index
                    for index, number in enumerate(numbers)
                    if (test(custom[number]) if number in custom else number in builtin)
                )

            self._formats = showing(is_date_format, DATE_FORMAT_IDS), showing(is_timedelta_format, TIMEDELTA_FORMAT_IDS)
        return self._formats

    def cells(self, sheet: str, max_row: int, min_col: int = 1, max_col: int | None = None) -> tuple[Cells, Cells]:
        """(values, formulas) by (row, column), 1-based, of rows 1..max_row and the columns asked for: the values
        as saved (a cell without one left out), and the formulas whose result was never saved."""
        values: Cells = {}
        formulas: Cells = {}
        last = max_col if max_col is not None else 1 << 14
        row_number = 0
        for row in self._elements(self.parts[sheet], ROW):
            number = int(float(row.get("r") or row_number + 1))
            if number <= row_number:
                continue  # a row out of order or given twice is skipped, as openpyxl skips it
            row_number = number
            if row_number > max_row:
                break
            column = 0
            for cell in row:
                if cell.tag != CELL:
                    continue
                reference = cell.get("r")
                column = cell_position(reference)[1] if reference else column + 1
                if len(cell) and min_col <= column <= last:  # a cell with only a style holds nothing
                    value, formula = self._value(cell)
                    if value is not None and value != "":
                        values[(row_number, column)] = value
                    if formula:
                        formulas[(row_number, column)] = formula
        return values, formulas

    def _value(self, cell: Any) -> tuple[Any, str]:
        """The cell's value as saved, and its formula ("" when none)."""
        kind = cell.get("t", "n")
        saved = formula = inline = None
        has_saved = False
        for child in cell:
            tag = child.tag
            if tag == VALUE and not has_saved:  # the first of several, as openpyxl takes it
                saved, has_saved = child.text, True
            elif tag == FORMULA:
                formula = child
            elif tag == INLINE:
                inline = child
        # A formula never calculated has no result, or an empty numeric one (openpyxl writes <v></v>); a text
        # formula whose result was "" (Excel: t="str" and <v></v>) was calculated.
        formula_text = ""
        if formula is not None and not saved and not (has_saved and kind == "str"):
            formula_text = f"={formula.text}" if formula.text else SHARED_FORMULA_FOLLOWER
        if kind == "inlineStr":
            return (_text(inline) if inline is not None else None), formula_text
        if not saved:
            return None, formula_text
        value: Any = saved
        if kind == "n":
            value = _number(saved)
            style = int(cell.get("s") or 0)
            dates, durations = self.formats
            if style in dates:
                try:
                    value = _from_serial(value, self.epoch, style in durations)
                except (OverflowError, ValueError):
                    value = "#VALUE!"  # a serial beyond the calendar, as Excel shows it
        elif kind == "s":
            value = self.strings[int(saved)]
        elif kind == "b":
            value = bool(int(saved))
        elif kind == "d":
            value = _iso_date(saved)
        return value, formula_text


def _iso_date(text: str) -> Any:
    """A cell of type d (ISO 8601): a date, a time, or a date and time without its zone, to the millisecond;
    anything else stays text (and fails as a figure or a date would)."""
    text = text.strip().removesuffix("Z")
    try:
        if "T" in text:
            value = dt.datetime.fromisoformat(text)
            return value.replace(tzinfo=None, microsecond=value.microsecond // 1000 * 1000)
        return dt.time.fromisoformat(text) if ":" in text else dt.date.fromisoformat(text)
    except ValueError:
        return text
