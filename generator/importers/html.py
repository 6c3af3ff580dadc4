"""Lines of an .html page (stdlib html.parser): paragraphs and headings as lines, each table row as tab-joined cells.

Government pages are often not well-formed: the tree builder closes <p>, <li>, <td> and <tr> implicitly as
browsers do, skips scripts, styles and the <head>, and treats a table that holds other tables as layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from generator.importers.base import Line, decode_text, read_bounded

VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source", "param", "embed"})
SKIP = frozenset({"head", "script", "style", "noscript", "template", "svg", "iframe", "button", "select", "textarea"})
BLOCK = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section", "article", "main"}
    | {"header", "footer", "nav", "aside", "blockquote", "pre", "figure", "figcaption", "address", "center", "form"}
    | {"caption", "table", "tr", "br", "hr"}
)
CLOSES_P = BLOCK - {"br", "caption", "tr"}
CELLS = frozenset({"td", "th"})
TABLE_PARTS = frozenset({"thead", "tbody", "tfoot"})
SPACES = re.compile(r"[ \t\r\n\f\u00a0]+")
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)
MAX_DEPTH = 200  # elements nested deeper are read as siblings: the text is kept, the recursion stays bounded


@dataclass
class Node:
    tag: str
    children: list[Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    """A forgiving DOM: implicit end tags as a browser would infer them, stray end tags ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]
        self.titles: dict[str, str] = {}  # the page's own record of its title: <meta name="ArticleTitle">, <title>

    def _close(self, tags: frozenset[str], stop: frozenset[str]) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            tag = self.stack[i].tag
            if tag in stop:
                return
            if tag in tags:
                del self.stack[i:]
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            named = dict(attrs)
            if (named.get("name") or "").lower() == "articletitle" and named.get("content"):
                self.titles.setdefault("meta", named["content"] or "")
        if tag in CLOSES_P:
            self._close(frozenset({"p"}), CELLS | {"table", "li", "div"})
        if tag == "li":
            self._close(frozenset({"li"}), frozenset({"ul", "ol", "table"}))
        elif tag in CELLS:
            self._close(CELLS, frozenset({"tr", "table"}))
        elif tag == "tr":
            self._close(CELLS | {"tr"}, frozenset({"table"}))
        elif tag in TABLE_PARTS:
            self._close(CELLS | TABLE_PARTS | {"tr"}, frozenset({"table"}))
        node = Node(tag)
        self.stack[-1].children.append(node)
        if tag not in VOID and len(self.stack) < MAX_DEPTH:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag))

    def handle_endtag(self, tag: str) -> None:
        stop = frozenset({"table"}) if tag in CELLS | TABLE_PARTS | {"tr"} else frozenset()
        self._close(frozenset({tag}), stop)

    def handle_data(self, data: str) -> None:
        if self.stack[-1].tag == "title":
            self.titles["title"] = self.titles.get("title", "") + data
        self.stack[-1].children.append(data)


def _has(node: Node, tag: str) -> bool:
    return any(isinstance(c, Node) and (c.tag == tag or _has(c, tag)) for c in node.children)


def _text(node: Node) -> str:
    """A cell's text on one line: inner paragraphs and line breaks become spaces."""
    parts: list[str] = []

    def walk(n: Node) -> None:
        for child in n.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in SKIP:
                if child.tag in BLOCK:
                    parts.append(" ")
                walk(child)
                if child.tag in BLOCK:
                    parts.append(" ")

    walk(node)
    return SPACES.sub(" ", "".join(parts)).strip()


def _rows(table: Node) -> list[Node]:
    rows: list[Node] = []
    for child in table.children:
        if isinstance(child, Node):
            if child.tag == "tr":
                rows.append(child)
            elif child.tag in TABLE_PARTS:
                rows += _rows(child)
    return rows


class _Lines:
    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.buffer: list[str] = []
        self.tables = 0

    def flush(self) -> None:
        text = SPACES.sub(" ", "".join(self.buffer)).strip()
        self.buffer = []
        if text:
            self.lines.append(Line(text, f"第 {len(self.lines) + 1} 段"))

    def walk(self, node: Node) -> None:
        for child in node.children:
            if isinstance(child, str):
                self.buffer.append(child)
            elif child.tag in SKIP:
                continue
            elif child.tag == "table" and not _has(child, "table"):
                self.flush()
                self.table(child)
            elif child.tag in BLOCK or child.tag in CELLS:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)

    def table(self, table: Node) -> None:
        self.tables += 1
        for child in table.children:
            if isinstance(child, Node) and child.tag == "caption":
                self.lines.append(Line(_text(child), f"第 {self.tables} 个表格标题"))
        for r, row in enumerate(_rows(table), 1):
            cells = [_text(c) for c in row.children if isinstance(c, Node) and c.tag in CELLS]
            if any(cells):
                self.lines.append(Line("\t".join(cells), f"网页第 {self.tables} 个表格第 {r} 行"))


def decode_html(data: bytes, name: str) -> str:
    """UTF-8 (BOM or not), else the charset the page declares, else GB18030 (GBK pages are common)."""
    declared = CHARSET.search(data[:4096])
    return decode_text(data, name, declared.group(1).decode("ascii") if declared else None)


def _parsed(html: str) -> tuple[list[Line], str]:
    """The page's lines, and the title it records for itself (<meta name="ArticleTitle">, else <title>)."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    lines = _Lines()
    lines.walk(builder.root)
    lines.flush()
    return lines.lines, SPACES.sub(" ", builder.titles.get("meta") or builder.titles.get("title", "")).strip()


def html_lines(html: str) -> list[Line]:
    return _parsed(html)[0]


def read_html(path: Path) -> list[Line]:
    """A published page's lines, its title record first: the reader takes the body and year from it when the
    article prints no title of its own (importers.text.PAGE_TITLE)."""
    lines, title = _parsed(decode_html(read_bounded(path), path.name))
    return [Line(f"标题：{title}", "网页标题"), *lines] if title else lines
