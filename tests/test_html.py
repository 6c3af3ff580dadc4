"""The HTML report's tables, parsed with spans expanded: every figure under its official headers."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from conftest import SAMPLE_XLSX
from textdump import expand_html_table

from generator import load, render, validate
from generator.format import schema
from generator.format.filters import num
from generator.render.page.word_tables import T4_ROW_HEADER


@pytest.fixture(scope="module")
def sample():
    data = load(SAMPLE_XLSX)
    page = BeautifulSoup(render(data, validate(data), ["html"])["html"], "html.parser")
    return data, page


def test_page_is_standalone_and_structured(sample):
    _, page = sample
    assert page.html["lang"] == "zh-CN"
    assert len(page.find_all("h1")) == 1
    assert [h.get_text() for h in page.find_all("h2")] == list(schema.HEADINGS.values())
    assert page.find_all(["script", "link", "img", "iframe"]) == []
    assert not re.search(r"src\s*=|url\(|@import", str(page))
    assert {a["href"] for a in page.find_all("a")} <= {"#content", "#table-t3"}  # skip links, nothing outside
    assert all(page.find(id=target[1:]) for target in ("#content", "#table-t3"))


@pytest.mark.parametrize("table", ["t2", "t3", "t4"])
def test_every_figure_sits_under_its_headers(sample, table):
    data, page = sample
    element = page.find("table", id=f"table-{table}")
    assert element.caption.get_text() == schema.HEADINGS[table]
    grid = expand_html_table(element)
    layout = schema.grids()[table]
    if table == "t4":  # the page names table 四's one row of figures in a column of its own, before them
        assert [row[0] for row in grid] == ["", "", "", T4_ROW_HEADER]
        assert element.find("th", scope="row").get_text() == T4_ROW_HEADER
        grid = [row[1:] for row in grid]
    assert len(grid) == layout.n_rows and len(grid[0]) == layout.n_cols
    for cell in layout.figure_cells():
        row, col = cell.row, cell.col
        assert grid[row][col] == num(data.figures[cell.key]), cell.key
        row_label, column_label = cell.text.split("·", 1)[0], cell.text.rsplit("·", 1)[-1]
        if table == "t2":  # each block of table 二 has its own header row (信息内容 | …) above its data rows
            header_rows: list[int] | range = [max(r for r in range(row) if grid[r][0] == schema.T2_CONTENT_LABEL)]
        else:
            header_rows = range(layout.head_rows)
        column_headers = [grid[r][col] for r in header_rows]
        assert column_label in column_headers, (cell.key, column_headers)
        if table != "t4":  # table 四's figures have no row label in the format
            assert any(row_label.endswith(text) or text in row_label for text in grid[row][:col] if text), cell.key


def test_table_three_headers_are_official(sample):
    _, page = sample
    head = page.find("table", id="table-t3").thead
    corner = head.find(["th", "td"])
    assert corner.name == "td" and corner["class"] == ["note"]  # a note on how the columns add up, no header
    assert (corner["rowspan"], corner["colspan"]) == ("3", "3")
    assert corner.get_text() == schema.T3_CORNER
    assert all(th.get("scope") for th in page.find_all("th"))  # every header says what it heads
    spans = {th.get_text(): (th.get("rowspan", "1"), th.get("colspan", "1")) for th in head.find_all("th")}
    assert spans["申请人情况"] == ("1", "7")
    assert spans["法人或其他组织"] == ("1", "5")
    assert spans["自然人"] == ("2", "1") and spans["总计"] == ("2", "1")
    body_groups = {
        th.get_text(): th.get("rowspan")
        for th in page.find("table", id="table-t3").tbody.find_all("th", scope="rowgroup")
    }
    assert body_groups == {
        "三、本年度办理结果": "22",
        "（三）不予公开": "8",
        "（四）无法提供": "3",
        "（五）不予处理": "5",
        "（六）其他处理": "3",
    }
    t2 = page.find("table", id="table-t2")
    assert [th.get_text() for th in t2.thead.find_all("th")] == [
        "第二十条第（一）项",
        "信息内容",
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
    ]
    assert len(t2.find_all("tbody")) == 4  # one per block of the format, each headed by its own caption row
    t4_head = page.find("table", id="table-t4").thead.find_all("tr")
    assert [th.get_text() for th in t4_head[0].find_all("th")] == ["行政复议", "行政诉讼"]
    assert [th.get_text() for th in t4_head[1].find_all("th")][-2:] == ["未经复议直接起诉", "复议后起诉"]


def test_seed_narrative_is_in_the_page(sample):
    data, page = sample
    paragraphs = {p.get_text() for p in page.find_all("p")}
    for field in schema.NARRATIVE_FIELDS:
        for number, paragraph in enumerate(data.narrative.get(field.key, ())):
            run_in = f"{field.heading}：" if field in schema.OVERVIEW_FIELDS and number == 0 else ""
            assert run_in + paragraph in paragraphs  # "（一）主动公开：…" is one paragraph, as reports print it
