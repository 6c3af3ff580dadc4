"""Bounds on a PDF before and while it is read: the file's size, how far its compressed streams inflate
(measured on the raw bytes with a bounded decompressor, before anything decodes them), its page count, and per
page the size of its content, its characters and drawings (counted where pdf_draw.py draws the page), and the time
spent. Past any bound the file is refused with one Chinese line: a report of a few dozen pages needs none of it.
"""

from __future__ import annotations

import re
import time
import zlib
from base64 import a85decode
from binascii import unhexlify
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from generator.exceptions import InputError

MB = 1024 * 1024
MAX_FILE_BYTES = 50 * MB  # as for a fetched page: a report's PDF is a few megabytes
MAX_STREAM_BYTES = 64 * MB  # one stream inflated (a full-page 300 dpi colour image is 26 MB)
MAX_INFLATED_BYTES = 1024 * MB  # all streams together (measured, never kept)
MAX_PAGES = 500
MAX_PAGE_CONTENT_BYTES = 8 * MB  # a page's drawing instructions, decoded
MAX_PAGE_CHARS = 20_000  # a dense A4 page of Chinese holds about 2,000
MAX_PAGE_DRAWINGS = 50_000  # lines, rectangles and curves; a ruled table has a few hundred
MAX_PAGE_FORMS = 10_000  # form objects drawn on one page
MAX_SECONDS = 120.0

STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")  # unless after "end" (a look-behind makes re 40 times slower)
ASCII_FILTERS = re.compile(rb"/(ASCII85Decode|A85|ASCIIHexDecode|AHx)\b")
LZW_FILTER = re.compile(rb"/(LZWDecode|LZW)\b|/Filter\s+\d+\s+\d+\s+R")  # LZW, or a filter not named in place
CHUNK = 256 * 1024


def too_much(name: str, what: str) -> InputError:
    return InputError(f"{name}：{what}，不像是一份年度报告，不予读取。")


def check_file(path: Path) -> None:
    """Refuses a file too large, or one whose streams inflate too far, before pdfminer decodes any of them."""
    try:
        size = path.stat().st_size
    except OSError:
        return  # the opener says why it cannot be read
    if size > MAX_FILE_BYTES:
        raise too_much(path.name, f"文件有 {size / MB:.0f} MB，超过 PDF 的上限 {MAX_FILE_BYTES // MB} MB")
    try:
        data = path.read_bytes()
    except OSError:
        return
    total = 0
    for inflated in stream_sizes(data):
        if inflated > MAX_STREAM_BYTES:
            raise too_much(path.name, f"其中有数据流解压后超过 {MAX_STREAM_BYTES // MB} MB（压缩炸弹）")
        total += inflated
        if total > MAX_INFLATED_BYTES:
            raise too_much(path.name, f"其中的数据流解压后合计超过 {MAX_INFLATED_BYTES // MB} MB")


def stream_sizes(data: bytes) -> Iterator[int]:
    """How far each stream of the file inflates, at most MAX_STREAM_BYTES + 1: every stream is tried as zlib from
    its first byte to wherever its compressed data says it ends (so a wrong /Length cannot hide any of it), zlib
    inside zlib is followed, an ASCII filter is undone first, and LZW goes through pdfminer's own decoder."""
    whole = memoryview(data)
    for match in STREAM.finditer(data):
        if data[max(0, match.start() - 3) : match.start()] == b"end":
            continue
        start = match.end()
        head = data[max(0, match.start() - 2048) : match.start()]
        head = head[head.rfind(b"obj") + 1 :] if b"obj" in head else head
        raw: bytes | memoryview = whole[start:]
        if ASCII_FILTERS.search(head) or LZW_FILTER.search(head):
            raw = _encoded(data, start, head)
        size = _inflated(raw)
        if LZW_FILTER.search(head):
            size = max(size, _lzw_size(raw))
        yield size


def _encoded(data: bytes, start: int, head: bytes) -> bytes:
    """A stream's bytes up to its end (its direct /Length or its endstream, whichever is further), with an ASCII85
    or hex encoding undone (b"" when it is not what it says)."""
    length = re.search(rb"/Length\s+(\d+)(?!\s+\d+\s+R)", head)
    end = max(data.find(b"endstream", start), start + (int(length.group(1)) if length else 0))
    raw = data[start:end]
    try:
        if re.search(rb"/(ASCII85Decode|A85)\b", head):
            stop = raw.find(b"~>")
            return a85decode(raw[: stop if stop >= 0 else len(raw)], adobe=False, ignorechars=b" \t\n\r\x0b\x0c")
        if ASCII_FILTERS.search(head):
            stop = raw.find(b">")
            text = re.sub(rb"\s", b"", raw[: stop if stop >= 0 else len(raw)])
            return unhexlify(text + b"0" * (len(text) % 2))
    except ValueError:
        return b""
    return raw


def _inflated(raw: bytes | memoryview, depth: int = 0) -> int:
    """The size `raw` inflates to as zlib (0 when it is not zlib), counted without keeping it, unless what comes
    out is zlib again (a filter list of two FlateDecode): then that is measured in turn."""
    inflater = zlib.decompressobj()
    total, position, nested = 0, CHUNK, False
    pending: bytes | memoryview = raw[:CHUNK]  # a view: zlib reads it where it is
    kept: list[bytes] = []
    try:
        while pending:
            out = inflater.decompress(pending, MB)
            if total == 0 and out:
                nested = depth < 3 and _looks_zlib(out)
            total += len(out)
            if nested:
                kept.append(out)
            if total > MAX_STREAM_BYTES or inflater.eof:
                break
            pending = inflater.unconsumed_tail
            if not pending:
                pending = raw[position : position + CHUNK]
                position += CHUNK
    except zlib.error:
        pass
    if nested and total <= MAX_STREAM_BYTES:
        return max(total, _inflated(b"".join(kept), depth + 1))
    return total


def _looks_zlib(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


def _lzw_size(raw: bytes | memoryview) -> int:
    from io import BytesIO

    from pdfminer.lzw import LZWDecoder

    total = 0
    try:
        for chunk in LZWDecoder(BytesIO(bytes(raw))).run():
            total += len(chunk)
            if total > MAX_STREAM_BYTES:
                break
    except Exception:  # noqa: BLE001 - not LZW data: pdfminer will not get far with it either
        pass
    return total


def check_pages(pdf: Any, name: str) -> None:
    """Refuses a document of more than MAX_PAGES pages, counted without making them all."""
    from pdfminer.pdfpage import PDFPage

    if len(list(islice(PDFPage.create_pages(pdf.doc), MAX_PAGES + 1))) > MAX_PAGES:
        raise too_much(name, f"超过 {MAX_PAGES} 页")


@dataclass
class Budget:
    """The time a document may take, checked before each page and each form a page draws."""

    name: str
    start: float = field(default_factory=time.monotonic)

    def check_time(self, page: int) -> None:
        if time.monotonic() - self.start > MAX_SECONDS:
            raise InputError(f"{self.name}：读取超过 {MAX_SECONDS:g} 秒仍未读完（读到第 {page} 页），不予读取。")
