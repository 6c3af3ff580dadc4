"""Word tables as HTML tables with their real merged cells; the three statistics tables with caption, thead,
th scope and each figure's key, as the official layout (schema.grids()) describes them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from html import escape
from typing import Any

from generator.format import schema
from generator.format.grid import Grid, GridCell
from generator.render.ooxml import W
from generator.render.page.word_inline import paragraph_inline
from generator.render.page.word_parts import WordParts
from generator.render.typography.layout import label_words

# Table 四's one row of figures has no label in the official layout; the page adds a row header (and an empty
# corner above it) so that the row is named and its label column can stay in view while the figures scroll.
T4_ROW_HEADER = "件数"


@dataclass
class WordCell:
    """A cell of a Word table at its top-left grid position, with the rows and columns it covers."""

    row: int
    col: int
    rowspan: int
    colspan: int
    element: Any


def _val(element: Any, path: str) -> str | None:
    found = element.find(path)
    return None if found is None else found.get(f"{W}val")


TR, TC, TC_PR, GRID_SPAN, V_MERGE, VAL = f"{W}tr", f"{W}tc", f"{W}tcPr", f"{W}gridSpan", f"{W}vMerge", f"{W}val"


def _spans(tc: Any) -> tuple[int, str | None]:
    """A cell's gridSpan and vMerge ("restart", "continue" or None), read from its few properties directly."""
    span, merge = 1, None
    properties = tc[0] if len(tc) and tc[0].tag == TC_PR else None
    if properties is not None:
        for child in properties:
            if child.tag == GRID_SPAN:
                span = int(child.get(VAL) or 1)
            elif child.tag == V_MERGE:
                merge = child.get(VAL) or "continue"
    return span, merge


# A grid column narrower than this (1 mm, in twips) holds no text: LibreOffice and WPS add one where two rows' cell
# edges differ by a rounding twip, and the page must not see a column there.
SLIVER = 57


def _without_slivers(cells: list[WordCell], widths: list[int], width: int) -> int:
    """Drop the grid's sliver columns from the cells' positions and spans; the table's new width. Nothing changes
    when a cell lies in slivers alone."""
    slivers = [col for col, twips in enumerate(widths) if twips < SLIVER]

    def edge(col: int) -> int:  # a column edge moved left past the slivers before it
        return col - sum(1 for sliver in slivers if sliver < col)

    if not slivers or any(edge(c.col + c.colspan) == edge(c.col) for c in cells):
        return width
    for cell in cells:
        cell.col, cell.colspan = edge(cell.col), edge(cell.col + cell.colspan) - edge(cell.col)
    return edge(width)


def word_cells(table: Any) -> tuple[list[WordCell], int, int]:
    """The table's cells with spans resolved (gridSpan across, vMerge down) and sliver columns dropped, and its
    size."""
    cells: list[WordCell] = []
    open_down: dict[int, WordCell] = {}
    rows = table.findall(f"{W}tr")
    widths = [
        int(w) if (w := c.get(f"{W}w") or "").isdigit() else SLIVER for c in table.findall(f"{W}tblGrid/{W}gridCol")
    ]
    width = len(widths)
    for r, tr in enumerate(rows):
        col = int(_val(tr, f"{W}trPr/{W}gridBefore") or 0)
        for tc in tr.iterchildren(f"{W}tc"):
            span, merge = _spans(tc)
            if merge is not None and merge != "restart" and col in open_down:
                open_down[col].rowspan += 1
            else:
                cell = WordCell(r, col, 1, span, tc)
                cells.append(cell)
                if merge is not None:
                    open_down[col] = cell
                else:
                    open_down.pop(col, None)
            col += span
        width = max(width, col)
    return cells, len(rows), _without_slivers(cells, widths, width)


def cell_texts(cells: list[Any]) -> list[str]:
    """Statistics table cells' texts: figures and labels, plain (all their text, serialised by lxml in C)."""
    from lxml import etree

    return [str(etree.tostring(tc, method="text", encoding="unicode")).strip() for tc in cells]


def statistics_table(cells: list[WordCell], n_rows: int, n_cols: int) -> str | None:
    """Which official table ("t2", "t3", "t4") a Word table is, by its exact shape of merged cells."""
    shape = {(c.row, c.col, c.rowspan, c.colspan) for c in cells}
    for key, grid in schema.grids().items():
        if (grid.n_rows, grid.n_cols) == (n_rows, n_cols) and shape == {
            (c.row, c.col, c.rowspan, c.colspan) for c in grid.cells
        }:
            return key
    return None


def _attrs(cell: GridCell | WordCell, extra: str = "") -> str:
    spans = "".join(
        f' {name}="{value}"' for name, value in (("rowspan", cell.rowspan), ("colspan", cell.colspan)) if value > 1
    )
    return spans + extra


def _official_cell(spec: GridCell, text: str) -> str:
    if spec.is_figure:
        return f'<td{_attrs(spec)} data-key="{spec.key}">{escape(text)}</td>'
    if spec.scope is None:  # table 三's corner: a note on how its columns add up, not a header of anything
        return f'<td{_attrs(spec)} class="note">{escape(text)}</td>'
    # Row labels name their column (c0, c1, c2): the style keeps each at its own place while figures scroll.
    column = f' class="c{spec.col}"' if spec.scope in ("row", "rowgroup") else ""
    return f'<th{_attrs(spec)} scope="{spec.scope}"{column}>{escape(text)}</th>'


def _official_rows(key: str, grid: Grid, texts: dict[tuple[int, int], str]) -> list[list[str]]:
    rows: list[list[str]] = []
    for row in grid.rows():
        rows.append([_official_cell(spec, texts.get((spec.row, spec.col), spec.text)) for spec in row])
    if key == "t4":
        rows[0].insert(0, f'<td rowspan="{grid.head_rows}" class="corner c0"></td>')
        rows[grid.head_rows].insert(0, f'<th scope="row" class="c0">{T4_ROW_HEADER}</th>')
    return rows


def _columns(key: str, grid: Grid) -> str:
    """<colgroup>: the label columns by name (their widths are fixed so that they can stay in view)."""
    labels = min(c.col for c in grid.figure_cells())
    names = [f"c{i}" for i in range(labels)] + (["c0"] if key == "t4" else [])
    figures = grid.n_cols - labels
    return "<colgroup>" + "".join(f'<col class="{n}">' for n in names) + "<col>" * figures + "</colgroup>"


def _groups(key: str, grid: Grid, rows: list[list[str]]) -> list[tuple[str, list[list[str]]]]:
    """thead and tbody; table 二's four blocks each a tbody of its own, the first block's headings as thead."""
    if grid.head_rows:
        return [("thead", rows[: grid.head_rows]), ("tbody", rows[grid.head_rows :])]
    starts = sorted({c.row for c in grid.cells if c.scope == "colgroup"}) + [grid.n_rows]
    groups = [("thead", rows[: starts[0] + 2]), ("tbody", rows[starts[0] + 2 : starts[1]])]
    groups += [("tbody", rows[a:b]) for a, b in zip(starts[1:], starts[2:], strict=False)]
    return groups


HELD = ' class="held"'  # style.css: printed on the same page as the next row


def _held_rows(grid: Grid) -> frozenset[int]:
    """The rows kept with the next one in print: all but the last of each innermost row group (table 三's
    （三）不予公开 and its eight rows); a group holding other groups (三、本年度办理结果, 22 rows) may break
    between them, or it would leave half a page blank."""
    groups = [c for c in grid.cells if c.scope == "rowgroup"]
    innermost = [
        g
        for g in groups
        if not any(o is not g and o.col > g.col and g.row <= o.row < g.row + g.rowspan for o in groups)
    ]
    return frozenset(row for g in innermost for row in range(g.row, g.row + g.rowspan - 1))


MARK = "\x00"  # stands for a cell's text in a cached table skeleton (never in escaped text)


@cache
def _skeleton(key: str) -> tuple[tuple[str, ...], tuple[tuple[int, int], ...]]:
    """An official table's HTML cut around its cells' texts: (the pieces between them, each text's grid position).
    The tags never change from one report to the next; only the texts are put in."""
    grid = schema.grids()[key]
    positions = tuple((spec.row, spec.col) for row in grid.rows() for spec in row)
    html = _official_table_html(key, {position: f"{MARK}{i}{MARK}" for i, position in enumerate(positions)})
    pieces = html.split(MARK)
    return tuple(pieces[0::2]), tuple(positions[int(i)] for i in pieces[1::2])


def official_table_html(key: str, texts: dict[tuple[int, int], str]) -> str:
    """The official table with the Word cells' texts (escaped) in their places."""
    return filled_table_html(key, [texts.get(position, "") for position in official_positions(key)])


def official_positions(key: str) -> tuple[tuple[int, int], ...]:
    """The grid position of each cell text, in the order the table's HTML holds them."""
    return _skeleton(key)[1]


def filled_table_html(key: str, texts: list[str]) -> str:
    """The official table with the cells' texts given in the order of official_positions."""
    pieces = _skeleton(key)[0]
    out = [pieces[0]]
    for piece, text in zip(pieces[1:], texts, strict=True):
        out += [text if text.isdigit() else _label_html(text), piece]  # most cells are plain figures
    return "".join(out)


@lru_cache(maxsize=1024)  # the same labels in every report of a template
def _label_html(text: str) -> str:
    """A label with a break opportunity (<wbr>) only between its words, as the Word file breaks it (style.css keeps
    the words whole): 社会公益组织 never splits inside a word at any width."""
    return "<wbr>".join(escape(word) for word in label_words(text))


def _official_table_html(key: str, texts: dict[tuple[int, int], str]) -> str:
    grid = schema.grids()[key]
    parts = [  # the wrapper shows "scrolls sideways" on narrow screens (style.css), as text the page does not hold
        '<div class="table-wrap">',
        f'<div class="table-region" role="region" aria-labelledby="table-{key}-caption" tabindex="0">',
        f'<table id="table-{key}" class="figures figures-{key}">',
        f'<caption id="table-{key}-caption" class="visually-hidden">{escape(grid.caption)}</caption>',
        _columns(key, grid),
    ]
    held, first = _held_rows(grid), 0
    for part, rows in _groups(key, grid, _official_rows(key, grid, texts)):
        parts.append(f"<{part}>")
        parts += [f"<tr{HELD if first + i in held else ''}>{''.join(row)}</tr>" for i, row in enumerate(rows)]
        parts.append(f"</{part}>")
        first += len(rows)
    parts += ["</table>", "</div>", "</div>"]
    return "\n".join(parts)


NAMESPACES = {"w": W[1:-1]}
ROW_CELLS = "count(w:tc)"
SPANS = "w:tr/w:tc/w:tcPr/w:gridSpan/@w:val | w:tr/w:tc/w:tcPr/w:vMerge"


def _shape(table: Any) -> tuple[object, ...]:
    """What decides a table's merged cells — its cells per row, its spans and merges in order — read in C."""
    counts = tuple(int(tr.xpath(ROW_CELLS, namespaces=NAMESPACES)) for tr in table.iterchildren(f"{W}tr"))
    spans = tuple(
        s if isinstance(s, str) else s.get(VAL) or "continue" for s in table.xpath(SPANS, namespaces=NAMESPACES)
    )
    return counts, spans


Layout = tuple[str | None, tuple[tuple[int, int], ...], tuple[int, ...]]
_layouts: dict[tuple[object, ...], Layout] = {}


def official_layout(table: Any) -> Layout:
    """(official key or None, each cell's grid position, the index of each cell among the table's w:tc elements),
    worked out once per shape of table: every report of a template has the same shapes."""
    shape = _shape(table)
    known = _layouts.get(shape)
    if known is None:
        cells, n_rows, n_cols = word_cells(table)
        index = {id(tc): i for i, tc in enumerate(table.iter(f"{W}tc"))}
        known = (
            statistics_table(cells, n_rows, n_cols),
            tuple((c.row, c.col) for c in cells),
            tuple(index[id(c.element)] for c in cells),
        )
        if len(_layouts) < 64:
            _layouts[shape] = known
    return known


def table_html(parts: WordParts, table: Any, number: int) -> tuple[str, str | None]:
    """(HTML, the official table's key or None) for one Word table; any other table keeps its own cells."""
    key, positions, indexes = official_layout(table)
    if key is not None:
        all_cells = list(table.iter(f"{W}tc"))
        texts = dict(zip(positions, cell_texts([all_cells[i] for i in indexes]), strict=True))
        return official_table_html(key, texts), key
    cells, n_rows, _ = word_cells(table)
    header_rows = {r for r, tr in enumerate(table.findall(f"{W}tr")) if tr.find(f"{W}trPr/{W}tblHeader") is not None}
    out = [
        '<div class="table-wrap">',
        f'<div class="table-region" role="region" aria-label="表格 {number}" tabindex="0">',
        '<table class="word-table">',
    ]
    by_row: dict[int, list[WordCell]] = {}
    for cell in cells:
        by_row.setdefault(cell.row, []).append(cell)
    for r in range(n_rows):
        html_cells = []
        for cell in by_row.get(r, []):
            inner = "<br>".join(h for p in cell.element.iter(f"{W}p") if (h := paragraph_inline(parts, p)[0]))
            tag, scope = ("th", ' scope="col"') if r in header_rows else ("td", "")
            html_cells.append(f"<{tag}{_attrs(cell)}{scope}>{inner}</{tag}>")
        out.append(f"<tr>{''.join(html_cells)}</tr>")
    out += ["</table>", "</div>", "</div>"]
    return "\n".join(out), None
