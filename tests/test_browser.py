"""The HTML report in headless Chromium: table geometry, 200% zoom, keyboard, printing on A4, screenshots."""

from __future__ import annotations

import re
import struct
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from browserkit import (
    A4_POINTS,
    DESKTOP,
    ZOOM_200,
    border_boxes,
    open_page,
    plain,
    print_to_pdf,
    rows_cut_at_page_end,
)
from pdfmeasure import read_lines
from pypdf import PdfReader

from generator.format import schema
from generator.format.filters import num
from generator.format.grid import Grid, GridCell
from generator.render.typography.layout import label_words

TOLERANCE = 1.5  # CSS px: collapsed borders are shared between neighbouring cells
TABLES = ("t2", "t3", "t4")
# The official layout's cells: table 四's row header column (the page's own addition, class c0) left out.
CELL_BOXES = """table => [...table.querySelectorAll('th, td')].filter(cell =>
        !(table.id === 'table-t4' && cell.classList.contains('c0'))).map(cell => {
    const box = cell.getBoundingClientRect();
    return {text: cell.textContent.trim(), key: cell.dataset.key || '', x0: box.left, y0: box.top,
            x1: box.right, y1: box.bottom};
})"""


# --- Table geometry ----------------------------------------------------------------------------------


def laid_out(page, table: str) -> list[tuple[GridCell, dict]]:
    """Each cell of the official layout with the box Chromium gave it (cells come in grid order)."""
    grid = schema.grids()[table]
    boxes = page.locator(f"#table-{table}").evaluate(CELL_BOXES)
    cells = [cell for row in grid.rows() for cell in row]
    assert len(boxes) == len(cells), table
    for cell, box in zip(cells, boxes, strict=True):
        assert box["key"] == cell.key and (cell.is_figure or box["text"] == cell.text), (cell, box)
        assert box["x1"] - box["x0"] > 4 and box["y1"] - box["y0"] > 4, (cell, box)
    return list(zip(cells, boxes, strict=True))


def column_headers(grid: Grid, figure: GridCell) -> list[GridCell]:
    """The header cells above a figure that cover its column: every header row for tables 三 and 四,
    the block's caption and 信息内容 rows for table 二."""
    if grid.head_rows:
        rows = range(grid.head_rows)
    else:
        block = max(c.row for c in grid.cells if c.scope == "colgroup" and c.row < figure.row)
        rows = range(block, block + 2)
    return [
        c
        for c in grid.cells
        if c.row in rows and not c.is_figure and c.col <= figure.col < c.col + c.colspan and c.text != schema.T3_CORNER
    ]


def row_headers(grid: Grid, figure: GridCell) -> list[GridCell]:
    return [
        c
        for c in grid.cells
        if c.scope in ("row", "rowgroup") and c.row <= figure.row < c.row + c.rowspan and c.col < figure.col
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, ZOOM_200], ids=["desktop", "zoom200"])
@pytest.mark.parametrize("table", TABLES)
def test_each_figure_lies_under_its_column_header_and_beside_its_row_header(browser, pages, table, viewport):
    grid = schema.grids()[table]
    with open_page(browser, pages["report"], viewport, scale=2 if viewport is ZOOM_200 else 1) as page:
        cells = laid_out(page, table)
    box_of = {cell: box for cell, box in cells}
    for figure, box in cells:
        if not figure.is_figure:
            continue
        headers = column_headers(grid, figure)
        assert headers, figure.key
        for header in headers:
            over = box_of[header]
            assert over["x0"] - TOLERANCE <= box["x0"] and box["x1"] <= over["x1"] + TOLERANCE, (figure.key, header)
            assert over["y1"] - TOLERANCE <= box["y0"], (figure.key, header)
        nearest = max(headers, key=lambda c: c.row + c.rowspan)  # the header printed right above the figure
        assert (nearest.col, nearest.colspan) == (figure.col, figure.colspan), figure.key
        assert abs(box_of[nearest]["x0"] - box["x0"]) <= TOLERANCE, figure.key
        assert abs(box_of[nearest]["x1"] - box["x1"]) <= TOLERANCE, figure.key
        for header in row_headers(grid, figure):
            beside = box_of[header]
            assert beside["y0"] - TOLERANCE <= box["y0"] and box["y1"] <= beside["y1"] + TOLERANCE, figure.key
            assert beside["x1"] <= box["x0"] + TOLERANCE, (figure.key, header)


@pytest.mark.parametrize("viewport", [DESKTOP, ZOOM_200], ids=["desktop", "zoom200"])
@pytest.mark.parametrize("table", TABLES)
def test_no_two_cells_overlap(browser, pages, table, viewport):
    with open_page(browser, pages["report"], viewport) as page:
        cells = laid_out(page, table)
    for i, (first, a) in enumerate(cells):
        for second, b in cells[i + 1 :]:
            width = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            height = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
            assert width <= TOLERANCE or height <= TOLERANCE, (first, second)


def test_figures_shown_are_the_datas(browser, pages):
    from generator import load

    data = load(Path(__file__).resolve().parent.parent / "data_samples" / "mengzhou-2023.xlsx")
    with open_page(browser, pages["report"]) as page:
        shown = dict(page.eval_on_selector_all("td[data-key]", "cells => cells.map(c => [c.dataset.key, c.innerText])"))
    assert shown == {key: num(value) for key, value in data.figures.items()}


# --- 200% zoom and keyboard ---------------------------------------------------------------------------

OVERFLOW = """() => {
    const page = document.scrollingElement;
    const wide = [...document.body.querySelectorAll('*')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-region'))
        .map(e => e.tagName + (e.id ? '#' + e.id : ''));
    const regions = [...document.querySelectorAll('.table-region')].map(r => ({
        role: r.getAttribute('role'), tabindex: r.getAttribute('tabindex'),
        label: (document.getElementById(r.getAttribute('aria-labelledby') || '') || {}).textContent || '',
        overflowX: getComputedStyle(r).overflowX, scrolls: r.scrollWidth > r.clientWidth,
        within: r.getBoundingClientRect().right <= window.innerWidth + 1}));
    return {scrollWidth: page.scrollWidth, clientWidth: page.clientWidth, wide, regions};
}"""


@pytest.mark.parametrize("name", ["report", "diff", "summary"])
@pytest.mark.parametrize("width", [640, 320], ids=["200%", "400%"])
def test_zoomed_page_scrolls_only_inside_labelled_table_regions(browser, pages, name, width):
    """At 200% zoom (and the 320 px reflow width) the page never scrolls sideways; only tables may, inside
    their own labelled, focusable region."""
    with open_page(browser, pages[name], {"width": width, "height": 400}, scale=1280 / width) as page:
        result = page.evaluate(OVERFLOW)
    assert result["scrollWidth"] <= result["clientWidth"], result
    assert result["wide"] == [], result["wide"]
    assert result["regions"], "no table regions"
    for region in result["regions"]:
        assert region["role"] == "region" and region["tabindex"] == "0" and region["label"].strip(), region
        assert region["within"], region
        assert not region["scrolls"] or region["overflowX"] in ("auto", "scroll"), region
    if name == "report" and width == 640:  # the point of the regions: tables 三 and 四 are wider than that
        assert sum(region["scrolls"] for region in result["regions"]) >= 2, result["regions"]


FOCUSED = """() => {
    const e = document.activeElement;
    const style = getComputedStyle(e);
    return {label: e.getAttribute('aria-labelledby'), region: e.classList.contains('table-region'),
            outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


def test_keyboard_reaches_every_table_region_and_scrolls_it(browser, pages):
    with open_page(browser, pages["report"], ZOOM_200, scale=2) as page:
        expected = page.eval_on_selector_all(".table-region", "rs => rs.map(r => r.getAttribute('aria-labelledby'))")
        reached = []
        for _ in range(len(expected) + 2):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused["region"]:
                assert focused["outline"] != "none" and focused["width"] >= 2, focused  # focus is visible
                reached.append(focused["label"])
            if focused["label"] == "table-t3-caption":
                before = page.evaluate("() => document.activeElement.scrollLeft")
                page.keyboard.press("ArrowRight")
                page.wait_for_function("x => document.activeElement.scrollLeft > x", arg=before, timeout=5000)
        assert reached[: len(expected)] == expected == ["table-t2-caption", "table-t3-caption", "table-t4-caption"]


# --- Printing ---------------------------------------------------------------------------------------


# Extra narrative paragraphs before table 二 move every page break: each invariant is checked at each.
PADDINGS = (0, 4, 8, 14, 22)
FILLER = "<p>本年度还组织开展政务公开专题培训，进一步规范信息发布审核流程，提升政府信息公开工作质效。</p>"
BOTTOM_MARGIN = 25 / 25.4 * 72  # points, from the print style's @page rule
PRINT_MARGIN_MM = 20  # the print style's left and right margins (a closing 》 may overhang by 1.5 mm)
A4_WIDTH_MM = 210


@dataclass(frozen=True)
class Printout:
    pages: list
    texts: list[str]  # each page's text, plain()
    pdf: bytes


@pytest.fixture(scope="module")
def printings(browser, pages, tmp_path_factory) -> dict[int, Printout]:
    """The sample report printed to PDF by Chromium, as is and after each padding."""
    folder = tmp_path_factory.mktemp("print")
    html = pages["report"].read_text(encoding="utf-8")
    assert html.count('<h2 id="t2">') == 1
    printed = {}
    for padding in PADDINGS:
        source = folder / f"report-{padding}.html"
        source.write_text(html.replace('<h2 id="t2">', FILLER * padding + '<h2 id="t2">'), encoding="utf-8")
        with open_page(browser, source) as page:
            path = print_to_pdf(page, folder / f"report-{padding}.pdf")
        pdf = PdfReader(path).pages
        printed[padding] = Printout(list(pdf), [plain(page.extract_text()) for page in pdf], path.read_bytes())
    return printed


def leaf_row_labels(table: str) -> list[str]:
    return [plain(c.text) for c in schema.grids()[table].cells if c.scope == "row"]


def pages_of_table_three(texts: list[str]) -> list[int]:
    return [i for i, text in enumerate(texts) if any(label in text for label in leaf_row_labels("t3"))]


def test_print_gives_a4_pages(printings):
    for padding, printed in printings.items():
        assert 3 <= len(printed.pages) <= 8, (padding, len(printed.pages))
        for page in printed.pages:
            assert abs(float(page.mediabox.width) - A4_POINTS[0]) < 1, page.mediabox
            assert abs(float(page.mediabox.height) - A4_POINTS[1]) < 1, page.mediabox


def test_printed_text_is_ordinary_characters(printings):
    """Text copied or searched from the printed page is the page's own characters: no Kangxi radical or radical
    supplement forms (⼯ for 工) that some fonts' PDF text maps carry, and every section heading findable."""
    text = "".join(printings[0].texts)
    radicals = sorted({ch for ch in text if 0x2E80 <= ord(ch) <= 0x2FDF})
    assert radicals == []
    assert all(plain(heading) in text for heading in schema.HEADINGS.values())


def test_print_repeats_table_headers_on_every_page_the_table_spans(printings):
    for padding, printed in printings.items():
        texts = printed.texts
        spanned = pages_of_table_three(texts)
        assert len(spanned) >= 2, f"+{padding}: table 三 should run over a page break; the check would be empty"
        assert spanned == list(range(spanned[0], spanned[-1] + 1))
        for i in spanned:
            for header in (schema.T3_APPLICANTS, schema.T3_ORGS, "商业企业", "总计"):
                assert plain(header) in texts[i], (padding, i + 1, header)
        t4_pages = [i for i, text in enumerate(texts) if plain("未经复议直接起诉") in text]
        assert t4_pages and all(plain("结果维持") in texts[i] for i in t4_pages), padding


def test_print_never_leaves_the_signature_alone_on_a_page(printings, pages):
    """GB/T 9704 7.3.5: the signature stands on the page of the text it signs, at every position the page breaks."""
    html = pages["report"].read_text(encoding="utf-8")
    last, signature = re.search(r"<p>([^<]+)</p>\s*<p class=\"report-signature\">([^<]+)</p>", html).groups()
    for padding, printed in printings.items():
        end = printed.texts[-1]  # the signature ends the report: the last page, below the text it signs
        assert plain(signature) in end and plain(last[-8:]) in end, padding


def test_print_cuts_no_table_row_in_half(printings):
    for padding, printed in printings.items():
        texts = printed.texts
        for table in ("t2", "t3"):
            for label in leaf_row_labels(table):  # a row label split over two pages is found on neither
                assert any(label in text for text in texts), (padding, table, label)
        for number, page in enumerate(printed.pages, 1):
            assert rows_cut_at_page_end(page) < 1, f"+{padding}, page {number}: a table row runs over the break"


def t3_row_groups() -> list[list[str]]:
    """Table 三's innermost row groups ((三)不予公开 and its eight rows, …) as the texts of their rows' labels."""
    grid = schema.grids()["t3"]
    groups = [c for c in grid.cells if c.scope == "rowgroup" and c.col > 0]
    return [
        [plain(c.text) for c in grid.cells if c.scope == "row" and g.row <= c.row < g.row + g.rowspan] for g in groups
    ]


def test_print_keeps_table_three_row_groups_together(printings):
    """A page break falls between table 三's row groups, never inside one: (三)不予公开's eight rows print on one
    page, under the repeated header. Measured at five paddings that move the table down the page."""
    groups = t3_row_groups()
    assert [len(g) for g in groups] == [8, 3, 5, 3]
    split = []
    for padding, printed in printings.items():
        for group in groups:
            pages = {i for i, text in enumerate(printed.texts) for label in group if label in text}
            if len(pages) != 1:
                split.append((padding, group[0], sorted(pages)))
    assert split == []


def test_print_keeps_each_table_two_block_with_its_caption_and_headers(printings):
    for padding, printed in printings.items():
        texts = printed.texts
        for block in schema.T2_BLOCKS:
            holding = [i for i, text in enumerate(texts) if plain(block.caption) in text]
            assert len(holding) == 1, (padding, block.caption)
            for _, row_label in block.rows:
                assert plain(row_label) in texts[holding[0]], (padding, block.caption, row_label)


# The printed height (pt) of each of table 三's innermost row groups: its label spans exactly its rows.
GROUP_HEIGHTS = (
    """t => [...t.querySelectorAll('tbody th.c1[rowspan]')].map(c => c.getBoundingClientRect().height * 0.75)"""
)


def test_print_fills_a_page_before_table_three_goes_on_to_the_next(browser, pages, printings):
    """A page that table 三 leaves for the next one is used to its foot, not left half blank: less than an inch,
    or, where the next page opens with a row group kept whole, less than that group's height (it did not fit)."""
    with open_page(browser, pages["report"], {"width": 643, "height": 1123}) as page:  # the A4 text block, 170 mm
        page.emulate_media(media="print")
        heights = page.locator("#table-t3").evaluate(GROUP_HEIGHTS)
    firsts = {group[0]: height for group, height in zip(t3_row_groups(), heights, strict=True)}
    for padding, printed in printings.items():
        for i in pages_of_table_three(printed.texts)[:-1]:
            lowest = min(box[1] for box in border_boxes(printed.pages[i]) if box[3] - box[1] < 1.5)
            following = printed.texts[i + 1]
            opening = min(leaf_row_labels("t3"), key=lambda label: following.find(label) % (len(following) + 1))
            allowed = max(72, firsts.get(opening, 0))
            blank = lowest - BOTTOM_MARGIN
            assert blank < allowed, f"+{padding}, page {i + 1}: {blank:.0f} pt left blank before {opening}"


def test_print_keeps_its_type_sizes_within_the_margins(printings):
    """Body 12pt and tables 五号 (10.5pt) as the print style sets them: a table wider than the A4 text block
    makes Chromium shrink every page to fit it (the body came out at 8pt, table 四 cut at the right edge)."""
    for padding, printed in printings.items():
        sizes, right = printed_sizes(printed.pdf)
        assert sizes.most_common(1)[0][0] == 12, (padding, sizes)
        assert min(sizes) >= 10.5, (padding, sizes)
        assert right <= A4_WIDTH_MM - PRINT_MARGIN_MM + 2, padding


def printed_sizes(pdf: bytes) -> tuple[Counter[float], float]:
    """How many characters a printout has at each type size (pt), and how far right its text reaches (mm)."""
    lines = read_lines(pdf, cells=False)
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    return sizes, max(line.x1 for line in lines)


@pytest.mark.parametrize("name", ["diff", "summary"])
def test_the_other_pages_print_at_full_size(browser, pages, name, tmp_path):
    """Nothing on the page is wider than A4, so the browser does not shrink it (the summary printed at 8.5pt)."""
    with open_page(browser, pages[name]) as page:
        sizes, right = printed_sizes(print_to_pdf(page, tmp_path / f"{name}.pdf").read_bytes())
    assert min(sizes) >= 10.5 and right <= A4_WIDTH_MM - PRINT_MARGIN_MM + 2, (sizes, right)


def test_print_ends_no_page_with_a_section_heading(printings):
    """A heading goes over the page break with what it heads (二、 had been left alone at a page's foot)."""
    headings = {plain(text) for text in schema.HEADINGS.values()}
    for padding, printed in printings.items():
        lines = read_lines(printed.pdf, cells=False)
        for number in range(1, len(printed.pages)):
            last = max((line for line in lines if line.page == number), key=lambda line: line.top)
            assert plain(last.text) not in headings, f"+{padding}, page {number} ends with {last.text}"


def test_cut_row_detector_sees_a_cut(browser, tmp_path):
    """The check above can fail: rows forced over a page break are reported."""
    rows = "".join(f"<tr><th>行{i}</th><td>{'<br>'.join(['数'] * 8)}</td></tr>" for i in range(6))
    page_html = tmp_path / "cut.html"
    page_html.write_text(
        '<html lang="zh-CN"><style>@page { size: A4; margin: 20mm } table { border-collapse: collapse }'
        " th, td { border: 1px solid #333; break-inside: auto }</style><body>"
        f'<div style="height: 200mm"></div><table><tbody>{rows}</tbody></table></body></html>',
        encoding="utf-8",
    )
    with open_page(browser, page_html) as page:
        pdf = PdfReader(print_to_pdf(page, tmp_path / "cut.pdf"))
    assert max(rows_cut_at_page_end(p) for p in pdf.pages) > 10


def test_print_styles_keep_headers_and_rows_whole(browser, pages):
    with open_page(browser, pages["report"]) as page:
        page.emulate_media(media="print")
        styles = page.evaluate(
            """() => ({
            thead: [...document.querySelectorAll('#table-t3 thead, #table-t4 thead')].map(e => getComputedStyle(e).display),
            t2head: getComputedStyle(document.querySelector('#table-t2 thead')).display,
            cells: [...document.querySelectorAll('td, th:not([rowspan])')].map(e => getComputedStyle(e).breakInside),
            overflow: [...document.querySelectorAll('.table-region')].map(e => getComputedStyle(e).overflowX)})"""
        )
    assert styles["thead"] == ["table-header-group"] * 2  # repeated on every page tables 三 and 四 run over
    assert styles["t2head"] == "table-row-group"  # table 二's head is its first block's own, not every page's
    assert set(styles["cells"]) == {"avoid"}
    assert set(styles["overflow"]) == {"visible"}  # printed tables are never clipped to a scroll box


# --- Screenshots for the README ---------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PNG_BYTES = 300_000


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR", path
    return struct.unpack(">II", data[16:24])


def test_screenshots_are_made_by_the_tests_own_tooling(browser, tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    try:
        from make_screenshots import make_screenshots
    finally:
        sys.path.pop(0)
    made = make_screenshots(tmp_path, browser)
    assert sorted(p.name for p in made) == sorted(SCREENSHOTS)
    for path in made:
        width, height = png_size(path)
        assert 400 <= width <= 1600 and 300 <= height <= 1600, (path.name, width, height)
        assert 10_000 < path.stat().st_size < MAX_PNG_BYTES, path.name


SCREENSHOTS = ("report-html.png", "report-html-zoom200.png", "report-pdf-1.png", "report-pdf-2.png")


def test_committed_screenshots_are_shown_in_the_readme():
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    for name in SCREENSHOTS:
        png_size(root / "docs" / name)
        assert (root / "docs" / name).stat().st_size < MAX_PNG_BYTES, name
        assert f"(docs/{name})" in readme, name


# --- Phones, zoom and print: labels stay whole and in view ------------------------------------------

PHONE = {"width": 390, "height": 844}
# For each element: how many characters each of its lines holds (characters grouped by their line top).
LINE_LENGTHS = """(cells) => cells.map(cell => {
    const tops = [];
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.length; i++) {
            if (/\\s/.test(node.data[i])) continue;
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const rect = range.getClientRects()[0];
            if (rect) tops.push(rect.top);
        }
    }
    tops.sort((a, b) => a - b);
    const lines = [];
    for (const top of tops) {
        if (lines.length && top - lines[lines.length - 1].top < 6) lines[lines.length - 1].count += 1;
        else lines.push({top, count: 1});
    }
    return {text: cell.textContent.trim(), lines: lines.map(line => line.count)};
})"""


def line_lengths(page, selector: str) -> list[dict]:
    """{text, lines}: each element's text and the characters on each of its lines, top to bottom."""
    return page.locator(selector).evaluate_all(LINE_LENGTHS)


def single_character_lines(page, table: str) -> list[tuple[str, list[int]]]:
    """The labels of the table (a CSS selector) with a line of one character."""
    labels = line_lengths(page, f"{table} th, {table} td.note")
    return [(c["text"], c["lines"]) for c in labels if len(c["lines"]) > 1 and 1 in c["lines"]]


@pytest.mark.parametrize(
    ("viewport", "scale", "media"),
    [
        (PHONE, 1, "screen"),
        (DESKTOP, 1, "screen"),
        (ZOOM_200, 2, "screen"),
        ({"width": 794, "height": 1123}, 1, "print"),
    ],
    ids=["phone", "desktop", "zoom200", "print"],
)
@pytest.mark.parametrize("table", TABLES)
def test_no_label_breaks_into_single_characters(browser, pages, table, viewport, scale, media):
    with open_page(browser, pages["report"], viewport, scale=scale) as page:
        page.emulate_media(media=media)
        assert single_character_lines(page, f"#table-{table}") == []


STICKY = """(table) => {
    const region = table.closest('.table-region');
    region.scrollLeft = region.scrollWidth;
    const box = region.getBoundingClientRect();
    const inside = cell => { const r = cell.getBoundingClientRect(); return r.left >= box.left - 1 && r.right <= box.right + 1; };
    // A figure is hidden when it is outside the region or slid under the sticky labels.
    const labels = Math.max(...[...table.querySelectorAll('tbody th')].map(c => c.getBoundingClientRect().right));
    const shown = cell => inside(cell) && cell.getBoundingClientRect().left >= labels - 1;
    return {scrolled: region.scrollLeft,
            labels: [...table.querySelectorAll('tbody th')].map(inside),
            hidden: [...table.querySelectorAll('td[data-key]')].filter(cell => !shown(cell)).length};
}"""


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("name", ["diff", "summary"])
def test_no_label_of_the_other_pages_breaks_into_single_characters(browser, pages, name, viewport):
    """Not 变/化 or 错/误 above a narrow column, not 孟/州/市 beside figures that take the room."""
    with open_page(browser, pages[name], viewport) as page:
        tables = page.eval_on_selector_all("table", "ts => ts.map(t => t.id)")
        broken = [cell for table in tables for cell in single_character_lines(page, f"#{table}")]
    assert len(tables) == {"diff": 3, "summary": 2}[name] and broken == []


@pytest.mark.parametrize("table", ["t3", "t4"])
def test_on_a_phone_the_labels_stay_in_view_while_the_figures_scroll(browser, pages, table):
    with open_page(browser, pages["report"], PHONE) as page:
        result = page.locator(f"#table-{table}").evaluate(STICKY)
        hint = page.locator(f"#table-{table}").evaluate(
            "t => getComputedStyle(t.closest('.table-wrap'), '::before').display"
        )
    assert result["scrolled"] > 100 and result["hidden"] > 0  # the figures did scroll out of view
    assert result["labels"] and all(result["labels"])  # every row label is still in view
    assert hint == "block"


PHONE_T3 = """(table) => {
    const region = table.closest('.table-region');
    region.scrollLeft = SCROLL;
    const box = region.getBoundingClientRect();
    const edges = selector => [...table.querySelectorAll(selector)].map(cell => {
        const r = cell.getBoundingClientRect(); return [r.left - box.left, r.right - box.left]; });
    const labels = Math.max(...edges('tbody th').map(e => e[1]));
    const inView = cell => { const r = cell.getBoundingClientRect();
        return r.left >= box.left + labels - 1 && r.right <= box.right + 1; };
    const figures = [...table.querySelectorAll('tbody tr:first-child td[data-key]')].filter(inView);
    const headed = figures.filter(figure => { const f = figure.getBoundingClientRect();
        return [...table.querySelectorAll('thead th[scope="col"]')].some(head => { const h = head.getBoundingClientRect();
            return h.left <= f.left + 1 && h.right >= f.right - 1 && inView(head); }); });
    return {width: box.width, labels, c0: edges('tbody th.c0[scope="rowgroup"]'), c1: edges('tbody th.c1'),
            c2: edges('tbody th.c2'), figures: figures.length, headed: headed.length};
}"""


@pytest.mark.parametrize("scroll", [0, 120, 10_000])
def test_on_a_phone_table_three_leaves_room_for_three_figure_columns(browser, pages, scroll):
    """390 px: the sticky labels take little more than half the width (they took 275 of 366 px, leaving one figure
    column); three figure columns are in view beside them at either end (two whole ones and parts of two more
    between), each under its column heading; and however far the figures scroll, the label columns line up
    across rows (c1 starts where c0 ends, c2 where c1 ends)."""
    with open_page(browser, pages["report"], PHONE) as page:
        found = page.locator("#table-t3").evaluate(PHONE_T3.replace("SCROLL", str(scroll)))
    assert found["labels"] <= 0.56 * found["width"], found
    assert found["figures"] >= (2 if scroll == 120 else 3) and found["headed"] == found["figures"], found
    c0_right = {round(right) for _, right in found["c0"]}
    c1_lefts, c2_lefts = {round(left) for left, _ in found["c1"]}, {round(left) for left, _ in found["c2"]}
    c1_rights = {round(right) for _, right in found["c1"] if right < found["labels"] - 2}  # not spanning c2
    assert len(c0_right) == 1 and c1_lefts == c0_right, found
    assert len(c1_rights) == 1 and c2_lefts == c1_rights, found


def test_on_a_wide_screen_there_is_no_scroll_hint(browser, pages):
    with open_page(browser, pages["report"], DESKTOP) as page:
        shown = page.eval_on_selector_all(".table-wrap", "ws => ws.map(w => getComputedStyle(w, '::before').display)")
    assert set(shown) == {"none"}


@pytest.mark.parametrize("name", ["report", "department"])
def test_on_a_wide_screen_every_table_fits(browser, pages, name):
    """Where no hint says "scroll", nothing needs scrolling: table 四's fifteen columns fit 1280 px."""
    with open_page(browser, pages[name], DESKTOP) as page:
        regions = page.eval_on_selector_all(
            ".table-region", "rs => rs.map(r => [r.getAttribute('aria-labelledby'), r.scrollWidth, r.clientWidth])"
        )
    assert len(regions) == 3
    assert [label for label, scroll, client in regions if scroll > client] == []


LEFT_EDGES = """table => { const left = table.getBoundingClientRect().left;
    return [...table.querySelectorAll('th, td')].filter(c => parseFloat(getComputedStyle(c).borderLeftWidth) > 0)
        .map(c => [c.textContent.trim(), c.getBoundingClientRect().left - left]); }"""


@pytest.mark.parametrize("table", TABLES)
def test_only_the_first_column_draws_the_left_edge(browser, pages, table):
    """A row that starts beside a label spanning rows from above (三、本年度办理结果, 自然人) does not draw a second
    line next to that label's own right border."""
    with open_page(browser, pages["report"], ZOOM_200, scale=2) as page:
        edges = page.locator(f"#table-{table}").evaluate(LEFT_EDGES)
    assert edges and [(text, x) for text, x in edges if x > TOLERANCE] == []


@pytest.mark.parametrize("width", [390, 320])
@pytest.mark.parametrize("name", ["report", "department", "diff"])
def test_on_a_phone_the_title_and_headings_wrap_evenly(browser, pages, name, width):
    """The title and headings wrap evenly: not 2023年政府信息公开工作年/度报告, not ……行政诉讼情/况."""
    with open_page(browser, pages[name], {"width": width, "height": 844}) as page:
        headings = line_lengths(page, "h1, h2, h3, h4, h5")
    assert len(headings) >= 6
    assert [h for h in headings if len(h["lines"]) > 1 and h["lines"][-1] == 1] == []
    if name != "diff":  # the report's title keeps the Word title's two lines (not ……工作年/度报告)
        assert len(headings[0]["lines"]) == 2, headings[0]


@pytest.mark.parametrize(
    ("viewport", "media"),
    [(PHONE, "screen"), (DESKTOP, "screen"), ({"width": 794, "height": 1123}, "print")],
    ids=["phone", "desktop", "print"],
)
@pytest.mark.parametrize("table", TABLES)
def test_labels_break_only_between_their_words(browser, pages, table, viewport, media):
    """社会公益组织, 法律服务机构, 本年度办理结果: a label's lines end where the Word file may break it, never inside a
    word (each line's end, counted in characters, is one of the label's word boundaries)."""
    with open_page(browser, pages["report"], viewport) as page:
        page.emulate_media(media=media)
        labels = line_lengths(page, f"#table-{table} th")
    inside = []
    for label in labels:
        words = label_words("".join(label["text"].split()))
        ends = {sum(len(w) for w in words[: n + 1]) for n in range(len(words))}
        breaks = [sum(label["lines"][: n + 1]) for n in range(len(label["lines"]) - 1)]
        inside += [(label["text"], label["lines"]) for at in breaks if at not in ends]
    if viewport is PHONE and table != "t4":
        assert any(len(label["lines"]) > 1 for label in labels)  # labels do wrap there: the check checks something
    assert inside == []
