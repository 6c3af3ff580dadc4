"""Looking at an Office file before parsing it: what it really is (an old .xls under a new name, a workbook with a
password), and whether it is small enough to open — a zip that inflates to a gigabyte, or a sheet of ten million
cells, is refused in a second instead of filling the memory.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of Office 97-2003, and of encrypted OOXML
ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
MEMBER_LIMIT = 32 * 1024 * 1024  # one part, uncompressed: a filled-in workbook's largest is well under 1 MB
TOTAL_LIMIT = 128 * 1024 * 1024  # all parts: a report with photographs stays far below
MEMBERS_LIMIT = 5_000
CELL_LIMIT = 500_000  # cells of one sheet that is read; a filled-in table has a few hundred
ROW_LIMIT = 100_000
# XML elements of one part that is read: a cell is two or three. A part is parsed piece by piece, but what lies
# inside one piece (a row) is held whole: this bounds it.
TAG_LIMIT = 1_500_000
CHUNK = 1 << 20


class ArchiveProblem(ValueError):
    """Why the file cannot be opened, in Chinese, without the file's name (the caller adds it)."""


def office_kind(path: Path) -> str:
    """ "zip" for an OOXML file (.xlsx, .docx), "encrypted" for one with a password, "ole" for Office 97-2003,
    "" for anything else."""
    with path.open("rb") as handle:
        head = handle.read(8)
        if head.startswith(b"PK"):
            return "zip"
        if head != OLE_MAGIC:
            return ""
        handle.seek(0)
        data = handle.read(TOTAL_LIMIT)
    return "encrypted" if any(name in data for name in ENCRYPTED_STREAMS) else "ole"


def check_sizes(archive: zipfile.ZipFile, unread: Iterable[str] = ()) -> None:
    """Sizes as the zip's directory declares them (zipfile never inflates a member beyond its declared size);
    `unread` parts (sheets nobody reads) are never inflated, so their size does not matter."""
    skipped = set(unread)
    members = [info for info in archive.infolist() if info.filename not in skipped]
    if len(members) > MEMBERS_LIMIT:
        raise ArchiveProblem(f"压缩包中有 {len(members):,} 个文件，过多")
    total = 0
    for info in members:
        if info.file_size > MEMBER_LIMIT:
            raise ArchiveProblem(f"其中的 {info.filename} 解压后有 {info.file_size / 1048576:,.0f} MB，过大")
        total += info.file_size
    if total > TOTAL_LIMIT:
        raise ArchiveProblem(f"解压后共 {total / 1048576:,.0f} MB，过大")


def _tags(text: bytes) -> tuple[int, int, int]:
    rows = text.count(b"<row ") + text.count(b"<row>")
    return rows, text.count(b"<c ") + text.count(b"<c>"), text.count(b"<")


def count_cells(archive: zipfile.ZipFile, part: str) -> tuple[int, int, int]:
    """(rows, cells, elements) of a worksheet part, counted on the raw XML as it inflates — before any parsing;
    counting stops once a limit is passed."""
    rows = cells = tags = 0
    tail = b""
    with archive.open(part) as stream:
        while block := stream.read(CHUNK):
            text = tail + block
            new, old = _tags(text), _tags(tail)  # a tag cut in two counts once
            rows, cells, tags = rows + new[0] - old[0], cells + new[1] - old[1], tags + new[2] - old[2]
            tail = text[-4:]
            if cells > CELL_LIMIT or rows > ROW_LIMIT or tags > TAG_LIMIT:
                break
    return rows, cells, tags


def check_sheets(archive: zipfile.ZipFile, parts: Mapping[str, str], support: Iterable[str] = ()) -> None:
    """The sheets that will be read (name -> part) hold no more cells, rows and elements than a filled-in table
    could, nor do the `support` parts read with them (shared strings, styles)."""
    for name, part in parts.items():
        if part not in archive.namelist():
            continue
        rows, cells, tags = count_cells(archive, part)
        if cells > CELL_LIMIT or rows > ROW_LIMIT or tags > TAG_LIMIT:
            raise ArchiveProblem(
                f"工作表「{name}」有 {CELL_LIMIT:,} 个以上的单元格、{ROW_LIMIT:,} 行以上"
                f"或 {TAG_LIMIT:,} 个以上的 XML 元素，不像是填报表"
            )
    for part in support:
        if count_cells(archive, part)[2] > TAG_LIMIT:
            raise ArchiveProblem(f"其中的 {part} 有 {TAG_LIMIT:,} 个以上的 XML 元素，不像是填报工作簿")
