"""Writing a Word file's zip with the parts that never change compressed once, not once per report.

A Word template's styles and theme are most of its bytes; only the parts with tags differ between reports. The
zip is written by hand (the format is small: a local header and the data per member, then the directory),
deterministically: fixed times and attributes, so the same input gives the same bytes on every system.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

DOS_TIME = 0  # 00:00:00
DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1  # 1980-01-01, the earliest a zip can say: no generation time inside
LEVEL = 1  # speed over the last kilobyte
VERSION = 20  # deflate
UNIX_FILE = 0o100644 << 16


@dataclass(frozen=True)
class Packed:
    """One member, compressed: its name, CRC-32, sizes and deflated bytes."""

    name: bytes
    crc: int
    size: int
    data: bytes

    @classmethod
    def of(cls, name: str, content: bytes) -> Packed:
        deflate = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
        data = deflate.compress(content) + deflate.flush()
        return cls(name.encode("utf-8"), zlib.crc32(content), len(content), data)


def zip_bytes(members: list[Packed]) -> bytes:
    """A zip of the members in order (none over 4 GB: no zip64)."""
    parts: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for m in members:
        # Shared by the local header and the directory entry: version needed, flags (UTF-8 names), deflate,
        # time, date, CRC-32, compressed and uncompressed sizes, name length.
        common = struct.pack(
            "<5H3IH",
            VERSION,
            0x800 if not m.name.isascii() else 0,
            8,
            DOS_TIME,
            DOS_DATE,
            m.crc,
            len(m.data),
            m.size,
            len(m.name),
        )
        local = b"PK\x03\x04" + common + struct.pack("<H", 0)
        parts += [local, m.name, m.data]
        made_by = 3 << 8 | VERSION  # Unix, so the attributes below mean what they say everywhere
        directory.append(
            b"PK\x01\x02"
            + struct.pack("<H", made_by)
            + common
            + struct.pack("<4H2I", 0, 0, 0, 0, UNIX_FILE, offset)
            + m.name
        )
        offset += len(local) + len(m.name) + len(m.data)
    central = b"".join(directory)
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), offset, 0)
    return b"".join(parts) + central + end
