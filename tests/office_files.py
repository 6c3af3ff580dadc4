"""Office files made in the tests: a compound file (the container of Office 97-2003 documents and of OOXML files
saved with a password), written to the published layout [MS-CFB] version 3, and damaged workbooks."""

from __future__ import annotations

import io
import struct
import zipfile

SECTOR = 512
FREE, END, FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _entry(name: str, kind: int, start: int, size: int, child: int = FREE, right: int = FREE) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)  # name length, type (1 storage, 2 stream, 5 root), black
        + struct.pack("<III", FREE, right, child)  # left sibling, right sibling, child
        + b"\0" * 16  # CLSID
        + struct.pack("<I", 0)  # state bits
        + b"\0" * 16  # creation and modification times
        + struct.pack("<IQ", start, size)
    )


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file holding `streams` (each padded to at least 4,096 bytes, so no mini stream is needed)."""
    names = list(streams)
    data = [streams[n].ljust(4096, b"\0") for n in names]
    lengths = [-(-len(d) // SECTOR) for d in data]
    first = [2 + sum(lengths[:i]) for i in range(len(names))]
    total = 2 + sum(lengths)
    fat = [FAT, END]  # sector 0 holds the FAT, sector 1 the directory
    for start, length in zip(first, lengths, strict=True):
        fat += [start + i + 1 for i in range(length - 1)] + [END]
    fat += [FREE] * (SECTOR // 4 - len(fat))
    entries = [_entry("Root Entry", 5, END, 0, child=1)]
    for i, (name, start, stream) in enumerate(zip(names, first, data, strict=True), 1):
        entries.append(_entry(name, 2, start, len(stream), right=i + 1 if i < len(names) else FREE))
    directory = b"".join(entries).ljust(SECTOR, b"\0")
    header = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", FREE) * 108
    )
    assert len(header) == SECTOR and total <= SECTOR // 4
    streams_data = b"".join(d.ljust(n * SECTOR, b"\0") for d, n in zip(data, lengths, strict=True))
    return header + struct.pack(f"<{SECTOR // 4}I", *fat) + directory + streams_data


def encrypted_workbook() -> bytes:
    """What Excel writes for a workbook with an opening password: the encrypted package inside a compound file."""
    return compound_file({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": b"\x00" * 64})


def rewritten(workbook: bytes, change: dict[str, bytes | None]) -> bytes:
    """The workbook with some parts replaced (None removes one): a damaged file, made from a good one."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    target.writestr(info.filename, change[info.filename])
            else:
                target.writestr(info, source.read(info))
        for name, data in change.items():
            if name not in source.namelist() and data is not None:
                target.writestr(name, data)
    return out.getvalue()


def part(workbook: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        return archive.read(name)
