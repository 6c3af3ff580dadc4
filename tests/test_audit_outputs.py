"""What the office reads after an audit: the page (in Chromium, with axe-core), the workbook (openpyxl) and the
draft notice (python-docx), each showing the bodies, their problems and the page's own evidence."""

from __future__ import annotations

import contextlib
import io
import re
import sqlite3
import sys
from pathlib import Path

import docx
import openpyxl
import pytest
from auditkit import UNREADABLE, make_region
from browserkit import AXE_JS, INSTALL_HINT, open_page, print_to_pdf
from bs4 import BeautifulSoup
from click.testing import CliRunner
from test_accessibility import AXE_RUN, CONTRAST, describe
from test_browser import A4_WIDTH_MM, PRINT_MARGIN_MM, line_lengths, printed_sizes
from test_import_cases import PLANTED

from generator.audit.results import FINDING_COLUMNS
from generator.checks.findings import without_keys
from generator.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from build_notice_template import notice_bytes  # noqa: E402


def audit(cwd: Path, *args: object) -> tuple[int, str, str]:
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(cli, ["audit", *map(str, args)], prog_name="generate-report")
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def region(tmp_path_factory) -> tuple[Path, int]:
    """The region (without its PDF: the other tests print it) audited into out/: (out/, readable reports)."""
    base = tmp_path_factory.mktemp("outputs")
    expected = make_region(base / "reports", PLANTED, pdf=False)
    code, out, err = audit(base, "reports", "-o", "out", "--office", "某某县人民政府办公室")
    assert code == 1, out + err
    return base / "out", len(expected)


@pytest.fixture(scope="module")
def audited(region) -> Path:
    return region[0]


def findings(out: Path) -> list[tuple]:
    with sqlite3.connect(out / "审查.sqlite") as db:
        return db.execute(
            "SELECT r.body, r.year, f.code, f.key, f.expected, f.actual, f.message, r.source FROM findings f "
            "JOIN reports r ON r.id = f.report_id ORDER BY r.body_key, r.year, r.source, f.seq"
        ).fetchall()


@pytest.fixture(scope="module")
def page(audited) -> BeautifulSoup:
    return BeautifulSoup((audited / "审查报告.html").read_text(encoding="utf-8"), "html.parser")


def test_the_page_counts_reports_and_problems_by_rule(page, region):
    audited, readable = region
    summary = page.find(id="summary").find_parent("section").get_text()
    assert f"共审查 {readable + UNREADABLE} 份报告" in summary and f"{UNREADABLE} 份无法读取" in summary
    rules = {
        row.th.get_text(): row.find_all("td")[2].get_text()
        for row in page.find(id="rules-caption").find_parent("table").tbody.find_all("tr")
    }
    counted: dict[str, int] = {}
    for finding in findings(audited):
        counted[finding[2]] = counted.get(finding[2], 0) + 1
    assert {code: int(n) for code, n in rules.items()} == counted


def test_every_body_links_to_its_section(page, region):
    matrix = page.find(id="matrix-caption").find_parent("table")
    links = [a["href"] for a in matrix.tbody.find_all("a")]
    assert len(links) == region[1]  # every readable report
    for link in links:
        section = page.find(id=link[1:])
        assert section is not None and section.name == "h3", link


def test_a_problem_shows_the_cells_as_printed_and_where_they_are(page):
    section = next(h for h in page.find_all("h3") if h.get_text().startswith("永安县人民政府")).find_parent("section")
    problem = section.find("ol", class_="problems").find("li")
    assert "[错误 E-row-total]" in problem.get_text()
    cells = [[td.get_text() for td in tr.find_all(["th", "td"])] for tr in problem.find("table").tbody.find_all("tr")]
    assert cells[0] == ["（一）予以公开·总计", "“37”", "数字", "第 31 行", "", "（一）予以公开", "总计"]
    assert len(cells) == 7  # the total and its six applicant columns

    blank = next(h for h in page.find_all("h3") if h.get_text().startswith("临河区人民政府")).find_parent("section")
    row = blank.find("ol", class_="problems").find("table").tbody.tr
    assert [td.get_text() for td in row.find_all("td")][:2] == ["（空白）", "空白"]

    carried = next(h for h in page.find_all("h3") if h.get_text().startswith("示例县第12局")).find_parent("section")
    rows = carried.find("ol", class_="problems").find("table").tbody.find_all("tr")
    shown = {tr.th.get_text(): tr.td.get_text() for tr in rows}  # both figures, in this year's and last year's report
    this_year, last_year = "本年 二、上年结转政府信息公开申请数量·自然人", "上年 四、结转下年度继续办理·自然人"
    assert {this_year, last_year} <= set(shown) and len(shown) == 4
    assert int(shown[this_year].strip("“”")) == int(shown[last_year].strip("“”")) + 1


def test_key_figures_stand_against_the_quartiles_of_the_same_kind(page):
    section = next(h for h in page.find_all("h3") if h.get_text().startswith("示例县第11局")).find_parent("section")
    headings = [h for h in section.find_all("h5") if "2023 年" in h.get_text()]
    assert len(headings) == 1 and "部门" in headings[0].get_text()
    header = [th.get_text() for th in headings[0].find_next("table").thead.find_all("th")]
    assert header == ["数字", "本单位", "P25", "P50（中位数）", "P75", "位置"]
    chart = section.find("svg")
    assert chart["role"] == "img" and chart.title.get_text() and "P25 至 P75" in chart.desc.get_text()
    history = section.find("caption", string=lambda text: text and "历年关键数字" in text).find_parent("table")
    assert [tr.th.get_text() for tr in history.tbody.find_all("tr")] == ["2022", "2023"]


def test_the_years_in_the_database(page, region):
    years = page.find(id="years-caption").find_parent("table")
    rows = {tr.th.get_text(): [td.get_text() for td in tr.find_all("td")] for tr in years.tbody.find_all("tr")}
    assert sorted(rows) == ["2022", "2023", "2024"]
    assert sum(int(cells[0]) for cells in rows.values()) <= region[1]  # a body's year counted once


def test_every_chart_has_a_text_alternative(page):
    charts = page.find_all("svg")
    assert len(charts) >= 3
    for chart in charts:
        ids = chart["aria-labelledby"].split()
        assert [page.find(id=i).name for i in ids] == ["title", "desc"]


PHONE_READING = """() => ({
    scrollWidth: document.scrollingElement.scrollWidth, clientWidth: document.scrollingElement.clientWidth,
    charts: [...document.querySelectorAll('figure svg')].map(svg => ({
        scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
        labels: [...svg.querySelectorAll('text')].map(t => t.textContent)})),
})"""


def test_the_page_reads_on_a_phone(browser, audited):
    """At 390 px the page does not scroll sideways (a long data key wraps), the charts' 13 px labels are drawn
    at 11 px or more and whole, and no column heading or body name breaks into single characters."""
    with open_page(browser, audited / "审查报告.html", {"width": 390, "height": 844}) as tab:
        tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        found = tab.evaluate(PHONE_READING)
        labels = line_lengths(tab, "table th")
    broken = [label for label in labels if len(label["lines"]) > 1 and 1 in label["lines"]]
    assert found["scrollWidth"] <= found["clientWidth"], found["scrollWidth"]
    assert len(found["charts"]) >= 3
    for chart in found["charts"]:
        assert chart["scale"] * 13 >= 11, chart["scale"]
        assert not any(label.endswith("…") for label in chart["labels"]), chart["labels"]
    assert broken == []


def test_the_page_prints_at_full_size(browser, audited, tmp_path):
    """Printed from the browser with every evidence table unfolded: 12pt text, tables at 五号 and the fourteen
    columns of key figures at 8pt inside the margins, rather than every page shrunk to fit the widest table."""
    with open_page(browser, audited / "审查报告.html") as tab:
        tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        sizes, right = printed_sizes(print_to_pdf(tab, tmp_path / "audit.pdf").read_bytes())
    assert sizes[12.0] > 1000 and min(sizes) >= 8, sizes
    assert right <= A4_WIDTH_MM - PRINT_MARGIN_MM + 2, right


def test_the_page_passes_axe_in_chromium(browser, audited):
    assert AXE_JS.is_file(), f"axe-core is not installed: {INSTALL_HINT}"
    for opened in (False, True):  # with every evidence table folded, then unfolded
        with open_page(browser, audited / "审查报告.html") as tab:
            if opened:
                tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            tab.add_script_tag(path=str(AXE_JS))
            violations = tab.evaluate(AXE_RUN)
            assert violations == [], describe(violations)
            low = [t for t in tab.evaluate(CONTRAST) if t["ratio"] < 4.5]
            assert low == [], low


def test_the_workbook_has_a_row_per_finding(region):
    audited, readable = region
    workbook = openpyxl.load_workbook(audited / "审查结果.xlsx")
    sheet = workbook["审查结果"]
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == [name for name, _ in FINDING_COLUMNS]
    assert len(table) - 1 == len(findings(audited))
    row = next(r for r in table if r[0] == "永安县人民政府" and r[2] == "E-row-total")
    assert (row[1], row[6], row[7], row[8]) == (2023, "t3.granted.total", 36, 37)
    assert "（一）予以公开·总计：“37”（数字；第 31 行 「（一）予以公开」·总计）" in row[9]
    assert row[11].endswith("county_arith_error.txt")
    reports = list(workbook["各报告"].iter_rows(values_only=True))
    assert len(reports) - 1 == readable + UNREADABLE  # and the files that are no report
    assert [r[5] for r in reports].count("无法读取") == UNREADABLE


def test_the_notice_lists_the_bodies_and_their_problems(region):
    audited, readable = region
    notice = docx.Document(str(audited / "审查通报.docx"))
    text = "\n".join(p.text for p in notice.paragraphs)
    # The title broken where its meaning breaks (GB/T 9704 7.3.3), as the report's title is.
    assert notice.paragraphs[0].text == "关于2022、2023、2024年度\n政府信息公开工作年度报告审查情况的通报"
    assert f"某某县人民政府办公室对{readable + UNREADABLE}份" in text and "{{" not in text and "{%" not in text
    failing = {row[0] for row in findings(audited)}
    for body in failing:
        assert body in text, body
    # Quoted as a 公文 quotes (“”), and without data keys, which mean nothing to the units it goes to.
    assert "【错误】第 31 行“（一）予以公开”行：总计为 37，但六类申请人之和为 36。" in text
    assert not re.search(r"（(meta|narrative|t[234])\.", text) and "「" not in text and "」" not in text
    assert "未填写“发布日期”。" in text
    # 附件 one line below the text; the date on the line right below the signature, set by its own style.
    attachment = next(p for p in notice.paragraphs if p.text.startswith("附件："))
    assert attachment.paragraph_format.space_before and attachment.paragraph_format.space_before > 0
    signature, date = notice.paragraphs[-2], notice.paragraphs[-1]
    assert signature.text == "某某县人民政府办公室" and date.style.name == "Report Date" and "年" in date.text
    table = [[c.text for c in row.cells] for row in notice.tables[0].rows]
    assert table[0] == ["单位", "年度", "错误", "需核实"] and len(table) - 1 == len(failing)


def test_the_notice_table_keeps_its_column_widths_in_libreoffice(region):
    """The bodies' table states its widths alike in the grid, each cell and the table, with a fixed layout: in
    LibreOffice's PDF the 单位 column is its 86 mm and every body's name stands on one line (it had four equal
    39 mm columns, and 某某自治州某某县人民政府办公室 broke after 人)."""
    from pdfmeasure import TEXT_LEFT_MM, read_lines

    from generator.render.typography.pdf import docx_to_pdf

    audited, _ = region
    word = (audited / "审查通报.docx").read_bytes()
    table = docx.Document(io.BytesIO(word)).tables[0]
    grid = [int(col.get(docx.oxml.ns.qn("w:w"))) for col in table._tbl.tblGrid.iterchildren()]
    assert grid == [4876, 1361, 1304, 1304]  # 86, 24, 23 and 23 mm: the 156 mm text block
    assert all([cell.width.twips for cell in row.cells] == grid for row in table.rows)
    assert table._tbl.tblPr.find(docx.oxml.ns.qn("w:tblLayout")).get(docx.oxml.ns.qn("w:type")) == "fixed"
    names = [row.cells[0].text for row in table.rows[1:]]
    lines = read_lines(docx_to_pdf(word))
    head = {line.text: line for line in lines if line.text in ("单位", "年度")}
    centre = {text: (line.x0 + line.x1) / 2 - TEXT_LEFT_MM for text, line in head.items()}
    assert centre == {"单位": pytest.approx(86 / 2, abs=1.5), "年度": pytest.approx(86 + 24 / 2, abs=1.5)}
    assert names and all(any(line.text == name for line in lines) for name in names), names


def test_the_committed_notice_template_is_up_to_date():
    assert (ROOT / "templates" / "notice" / "notice.docx").read_bytes() == notice_bytes(), (
        "templates/notice/notice.docx 已过期：请运行 python tools/build_notice_template.py"
    )


def test_an_office_edits_its_own_notice(tmp_path, sample_values, write_data):
    (tmp_path / "r").mkdir()
    write_data(sample_values, "r/a.csv")
    mine = docx.Document()
    mine.add_paragraph("{{ office }}：共审查{{ totals.checked }}份，{{ totals.passed }}份通过。")
    mine.save(str(tmp_path / "mine.docx"))
    code, _, err = audit(tmp_path, "r", "-o", "out", "--office", "某局", "--notice-template", "mine.docx")
    assert code == 0, err
    assert [p.text for p in docx.Document(str(tmp_path / "out" / "审查通报.docx")).paragraphs] == [
        "某局：共审查1份，1份通过。"
    ]

    broken = docx.Document()
    broken.add_paragraph("{{ office ")
    broken.save(str(tmp_path / "broken.docx"))
    code, _, err = audit(tmp_path, "r", "-o", "again", "--notice-template", "broken.docx")
    assert code == 3 and "broken.docx" in err and err.count("\n") == 1
    assert not (tmp_path / "again").exists()  # nothing done, nothing written


def test_the_notice_template_is_a_real_word_file_in_the_wheel_layout():
    template = ROOT / "templates" / "notice" / "notice.docx"
    with open(template, "rb") as handle:
        assert handle.read(2) == b"PK"
    assert docx.Document(io.BytesIO(template.read_bytes())).paragraphs


def test_one_report_published_twice_is_named_once_in_the_notice(tmp_path):
    """A body's web page and its PDF (here: the same page saved twice) are one report: the notice, which goes out
    to the bodies, names the body and its problems once; the workbook lists both files, the copy as such."""
    from synthetic import published_page, synthetic_values

    values = synthetic_values(7, 2023)
    values["t3.granted.total"] = str(int(values["t3.granted.total"]) + 3)  # an arithmetic error to report
    page = published_page(values)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "网页.html").write_bytes(page)
    (tmp_path / "reports" / "另存.html").write_bytes(page + b"<!-- saved again -->")
    code, _, _ = audit(tmp_path, "reports", "-o", "out")
    assert code == 1
    notice = "\n".join(p.text for p in docx.Document(str(tmp_path / "out" / "审查通报.docx")).paragraphs)
    assert notice.count(values["meta.body"]) == 1
    sheet = openpyxl.load_workbook(tmp_path / "out" / "审查结果.xlsx")["各报告"]
    status = {str(row[0]).rsplit("/", 1)[-1]: row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert sorted(status.values()) == ["同一报告的另一文件", "未通过"] and set(status) == {"网页.html", "另存.html"}


def test_text_for_other_units_names_rows_not_cells_or_keys():
    message = (
        "表三!J5「（一）予以公开·总计」（t3.granted.total）为 3；基本信息!C4未填写「发布日期」（meta.issue_date）。"
    )
    assert without_keys(message) == "表三第 5 行“（一）予以公开·总计”为 3；基本信息第 4 行未填写“发布日期”。"
