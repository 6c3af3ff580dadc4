"""Measuring a PDF report as a reader sees it (pdfplumber): lines of text with their positions in mm."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

MM = 72 / 25.4  # points per millimetre
TEXT_LEFT_MM, TEXT_RIGHT_MM, TEXT_TOP_MM, TEXT_BOTTOM_MM = 28, 184, 37, 262  # the 156 × 225 mm text block


@dataclass(frozen=True)
class Line:
    """A run of characters on one baseline, with no gap wider than a character between them."""

    page: int
    text: str
    x0: float  # mm from the page's left edge
    x1: float
    top: float  # mm from the page's top edge
    size: float  # pt
    fonts: frozenset[str]


def read_lines(pdf: bytes, cells: bool = True) -> list[Line]:
    """Every line of every page; with `cells`, split where a vertical rule (a table's cell border) runs between
    two characters, so each line is one cell's."""
    import pdfplumber

    lines: list[Line] = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages, 1):
            rules = [e for e in page.edges if e["orientation"] == "v"] if cells else []
            chars = sorted((c for c in page.chars if c["text"].strip()), key=lambda c: (round(c["top"]), c["x0"]))
            rows: list[list[dict]] = []
            for char in chars:
                row = rows[-1] if rows else None
                ruled = row and any(
                    row[-1]["x1"] - 0.5 <= r["x0"] <= char["x0"] + 0.5 and r["top"] <= char["top"] <= r["bottom"]
                    for r in rules
                )
                if row and abs(row[-1]["top"] - char["top"]) < 2 and not ruled:
                    row.append(char)
                else:
                    rows.append([char])
            for row in rows:
                lines.append(
                    Line(
                        page=number,
                        text="".join(c["text"] for c in row),
                        x0=row[0]["x0"] / MM,
                        x1=row[-1]["x1"] / MM,
                        top=min(c["top"] for c in row) / MM,
                        size=round(max(c["size"] for c in row), 1),
                        fonts=frozenset(c["fontname"].split("+", 1)[-1] for c in row),
                    )
                )
    return lines


def body_text(pdf: bytes) -> str:
    """The text of every page without page numbers or spaces, pages joined (a paragraph may run on)."""
    kept = [line.text for line in read_lines(pdf, cells=False) if line.top < TEXT_BOTTOM_MM + 2]
    return normalize("".join(kept))


def normalize(text: str) -> str:
    """Spaces and word joiners dropped; the non-breaking hyphen (U+2011) read as the hyphen Word's text shows."""
    return re.sub(r"[\s\u2060]+", "", text).replace("\u2011", "-").replace("\u2010", "-")
