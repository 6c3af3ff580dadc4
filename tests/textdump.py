"""Rendered reports as plain text lines (paragraphs, table rows), for golden files and structure checks."""

from __future__ import annotations

import io


def html_lines(html: str) -> list[str]:
    from bs4 import BeautifulSoup

    page = BeautifulSoup(html, "html.parser")
    lines = [f"title: {page.title.get_text()}", f"lang: {page.html.get('lang')}"]
    for element in page.body.find_all(["h1", "h2", "h3", "p", "li", "caption", "tr"]):
        if element.name == "tr":
            cells = [f"{c.name}{_spans(c)}:{c.get_text(strip=True)}" for c in element.find_all(["th", "td"])]
            lines.append("tr " + " | ".join(cells))
        else:
            lines.append(f"{element.name}: {element.get_text(strip=True)}")
    return lines


def _spans(cell) -> str:
    spans = [f"{name}={cell[name]}" for name in ("scope", "rowspan", "colspan") if cell.has_attr(name)]
    return f"[{' '.join(spans)}]" if spans else ""


def docx_lines(content: bytes) -> list[str]:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(content))
    lines = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(block, document)
            if paragraph.text.strip():
                lines.append(f"{paragraph.style.name}: {paragraph.text}")
        elif tag == "tbl":
            for row in Table(block, document).rows:
                lines.append("tr " + " | ".join(cell.text for cell in row.cells))
    return lines


def expand_html_table(table) -> list[list[str]]:
    """A BeautifulSoup <table> as a full grid: every rowspan/colspan cell copied into each slot it covers."""
    grid: dict[tuple[int, int], str] = {}
    for r, row in enumerate(table.find_all("tr")):
        c = 0
        for cell in row.find_all(["th", "td"]):
            while (r, c) in grid:
                c += 1
            for dr in range(int(cell.get("rowspan", 1))):
                for dc in range(int(cell.get("colspan", 1))):
                    grid[(r + dr, c + dc)] = cell.get_text(strip=True)
            c += int(cell.get("colspan", 1))
    rows = max(r for r, _ in grid) + 1
    cols = max(c for _, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(cols)] for r in range(rows)]
