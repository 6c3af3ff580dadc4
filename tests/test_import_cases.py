"""Published reports of other bodies, as their pages print them, imported and compared figure by figure.

Each case under import_cases/<name>/ is one report (`report.txt` pasted from a page or extracted from a PDF,
`report.md`, the page itself as `report.html`, or `source.html` that LibreOffice prints to the PDF that is
imported) and `expected.csv`: the long format with exactly what that report prints — every figure (blank where
the report left the cell blank or does not print it), the body, the year and the text of each section.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator import import_report, validate
from generator.format import schema
from generator.format.cells import parse_figure
from generator.readers.csv_long import read_values

CASES_DIR = Path(__file__).resolve().parent / "import_cases"
CASES = sorted(d.name for d in CASES_DIR.iterdir() if d.is_dir())
SECTIONS = [f.key for f in schema.NARRATIVE_FIELDS if f.key not in schema.OPTIONAL_NARRATIVE]

# What validation must report for each case: the errors the published report itself holds, nothing else.
PLANTED: dict[str, list[tuple[str, str]]] = {
    # 予以公开 printed 37 where its cells add up to 36: the row and the 总计 column both fail at that cell.
    "county_arith_error": [("E-row-total", "t3.granted.total"), ("E-col-total", "t3.granted.total")],
    "dept_tabs_chrome": [("E-cell", "t3.denied.process_info.org_research")],
    "html_cms_rowspan": [("E-cell", "t3.not_processed.publication.org_legal_service")],
    "crawler_pipes_no_title": [("E-cell", "t4.litigation_direct.pending")],
    # "/" printed for a fee the township does not collect. Its row with a blank cell, which spaces cannot place, is
    # unread (the tool cannot say which cell is blank): no finding against the body for it, here and below.
    "township_single_space": [("E-cell", "t2.art20_8.admin_fees.amount_wan_yuan")],
    # A department that cannot make 规章 printed "/" in those cells; one cell of table 三 left blank.
    "pdf_wps_ruled": [
        *[("E-cell", f"t2.art20_1.regulations.{c}") for c in ("issued", "repealed", "in_force")],
        ("E-cell", "t3.unable.still_unclear.org_research"),
    ],
    # The same PDF with tables drawn without rules, and as `pdftotext -layout` prints it: the row with the blank
    # cell has six numbers, left out whole as unread.
    "pdf_unruled": [("E-cell", f"t2.art20_1.regulations.{c}") for c in ("issued", "repealed", "in_force")],
    "pdf_text_layout": [("E-cell", f"t2.art20_1.regulations.{c}") for c in ("issued", "repealed", "in_force")],
    # 三 figures of 行政规范性文件 run together ("21137") split six ways: unread, no finding.
    "crawled_one_line": [],
    # （六）其他处理 printed as one row: its three rows are absent (never 0).
    "markdown_renumbered_six_as_one": [
        ("E-cell", f"t3.other.{row}.{column}")
        for row in ("no_correction", "unpaid_fee", "other")
        for column, _ in schema.T3_COLUMNS
    ],
}
# Rows whose layout loses a blank cell's place (cells separated by spaces): left out whole, and said so.
UNPLACEABLE: dict[str, list[str]] = {
    "township_single_space": ["t3.unable.not_held"],
    "pdf_text_layout": ["t3.unable.still_unclear"],
    "pdf_unruled": ["t3.unable.still_unclear"],
    "crawled_one_line": ["t2.art20_1.normative_docs"],
}
# How many figures a partial case places at least (the others: every figure printed, less a left-out row).
MINIMUM = {"pdf_text_raw": 170, "markdown_renumbered_six_as_one": 179}
# A text browser's dump breaks paragraphs at the screen width.
HARD_WRAPPED = frozenset({"text_browser_boxes"})
# Text extracted from a PDF: lines broken at the page width, spaces where the page spaced digits from words.
EXTRACTED = frozenset({"pdf_text_layout", "pdf_text_raw"})
# Text that prints a table's labels first and its numbers after (pdftotext without -layout): a figure missing is
# acceptable when its row is left out and said so; a wrong one never.
PARTIAL = frozenset({"pdf_text_raw"})
# The notes each case must give, in order (a part of each); every other case imports without a note.
NOTES: dict[str, list[str]] = {
    "township_single_space": ["「1.本机关不掌握相关政府信息」只有 6 个数字（应为 7 个）"],
    "crawler_pipes_no_title": [
        "没有找到报告标题，发布机关取自落款“南溪市人力资源和社会保障局”，报告年度取自统计期限，请核对。"
    ],
    "pdf_text_layout": ["「3.补正后申请内容仍不明确」只有 6 个数字（应为 7 个）"],
    "pdf_unruled": ["「3.补正后申请内容仍不明确」只有 6 个数字（应为 7 个）"],
    "crawled_one_line": [
        "「行政规范性文件」的数字连在一起（「21137」），有 6 种拆分都符合本表的结构和勾稽关系（2/1/137、2/11/37、2/113/7、21/1/37、21/13/7、211/3/7），无法确定，未导入。"
    ],
    "markdown_renumbered_six_as_one": ["「（六）其他处理」只印了一行，没有分列其下各项"],
}


# A case printed from another case's page with its tables' rules taken off (the figures become words of text lines).
UNRULED = {"pdf_unruled": "pdf_wps_ruled"}


@pytest.fixture(scope="session")
def printed_pdfs(tmp_path_factory) -> Path:
    """The cases given as `source.html`, printed to PDF by LibreOffice (as an office exports its report)."""
    assert shutil.which("soffice"), "LibreOffice (soffice) is required: bash tools/install-test-deps.sh"
    folder = tmp_path_factory.mktemp("printed")
    for case in CASES:
        source = CASES_DIR / UNRULED.get(case, case) / "source.html"
        if source.exists():
            target = folder / case
            target.mkdir()
            html = source.read_text(encoding="utf-8")
            (target / "report.html").write_text(html.replace(" border=1", "") if case in UNRULED else html, "utf-8")
            profile = (target / "profile").as_uri()
            command = ["soffice", "--headless", f"-env:UserInstallation={profile}", "--infilter=HTML (StarWriter)"]
            command += ["--convert-to", "pdf:writer_pdf_Export", "--outdir", str(target), str(target / "report.html")]
            subprocess.run(command, check=True, capture_output=True, timeout=300)
    return folder


def report_path(case: str, printed: Path | None = None) -> Path:
    if (CASES_DIR / case / "source.html").exists() or case in UNRULED:
        assert printed is not None
        return printed / case / "report.pdf"
    return next(p for p in (CASES_DIR / case).iterdir() if p.name.startswith("report."))


@pytest.fixture(scope="module", params=CASES)
def case(request, printed_pdfs):
    name = request.param
    return name, import_report(report_path(name, printed_pdfs)), read_values(CASES_DIR / name / "expected.csv")


def test_the_cases_are_whole():
    assert len(CASES) >= 6
    for name in CASES:
        expected = read_values(CASES_DIR / name / "expected.csv")
        assert set(schema.figures()) <= set(expected), name
        assert {"meta.body", "meta.year", *SECTIONS} <= set(expected), name


def wrong_figures(name: str, result, expected: dict[str, str]) -> list[str]:
    """Every figure that differs from what the report printed, as a readable line."""
    wrong = []
    for key, figure in schema.figures().items():
        printed, got = expected[key], result.values.get(key)
        if key.rpartition(".")[0] in UNPLACEABLE.get(name, []):
            if got is not None:
                wrong.append(f"{key}: 无法确定位置的行，导入为 {got!r}")
        elif printed == "":
            if got:  # a blank stays blank (or unplaced), never 0
                wrong.append(f"{key}: 空白，导入为 {got!r}")
        elif got is None and name in PARTIAL:
            continue
        elif got is None or parse_figure(got, figure.kind) != parse_figure(printed, figure.kind):
            wrong.append(f"{key}: 应为 {printed!r}，导入为 {got!r}")
    return wrong


def test_every_figure_as_published(case):
    name, result, expected = case
    placed = sum(1 for key in schema.figures() if result.values.get(key, "") != "")
    assert wrong_figures(name, result, expected) == [], f"{name}: {placed}/200 placed; notes: {result.notes}"
    assert placed >= MINIMUM.get(name, sum(1 for key in schema.figures() if expected[key] != "") - 7), placed


def test_body_year_and_every_section(case):
    name, result, expected = case
    found = {key for key in SECTIONS if result.values.get(key)}
    assert found == {key for key in SECTIONS if expected.get(key)}  # the six sections, each sub-topic of 一
    for key in ("meta.body", "meta.year", "meta.issue_date"):
        got = result.values.get(key, "")
        assert (re.sub(r"\s+", "", got) if name in EXTRACTED else got) == expected.get(key), key
    for key in [f.key for f in schema.NARRATIVE_FIELDS]:
        got, printed = result.values.get(key, ""), expected.get(key, "")
        if name in HARD_WRAPPED:  # the dump broke paragraphs at its width: the same text, other line ends
            got, printed = got.replace("\n", ""), printed.replace("\n", "")
        if name in EXTRACTED:
            got, printed = re.sub(r"\s+", "", got), re.sub(r"\s+", "", printed)
        assert got == printed, key


def test_nothing_is_left_unexplained(case):
    name, result, expected = case
    if name in PARTIAL:  # every figure not imported is in a row left out with its reason
        left_out = {key for item in result.left_out for key in item.keys}
        assert set(result.unplaced) <= left_out | {key for key in schema.figures() if expected[key] == ""}
        assert all(item.reason and item.text for item in result.left_out)
        return
    assert len(result.notes) == len(NOTES.get(name, [])), result.notes
    for note, part in zip(result.notes, NOTES.get(name, []), strict=True):
        assert part in note
    rows = UNPLACEABLE.get(name, [])
    blanks = {key for key in schema.figures() if expected[key] == "" or key.rpartition(".")[0] in rows}
    assert set(result.unplaced) <= blanks


def test_validation_reports_what_the_report_printed(case):
    name, result, expected = case
    if name in PARTIAL:  # the figures left out are missing (E-cell); no other error
        assert {f.code for f in validate(result.to_data()).errors} == {"E-cell"}
        return
    errors = [(f.code, f.key) for f in validate(result.to_data()).errors]
    assert errors == PLANTED.get(name, [])
    for code, key in PLANTED.get(name, []):
        if code == "E-cell":
            assert key not in result.to_data().figures  # never read as 0


# --- The same reports in other shapes a page takes when copied ---------------------------------


VARIANTS = {
    # (case, change to its text, metadata that changes with it)
    "a rowspan cell's text wraps": (
        "dept_tabs_chrome",
        lambda t: t.replace("三、本年度办理结果\t（一）", "三、本年度\n办理结果\t（一）"),
        {},
    ),
    "page numbers between table rows": (
        "street_cell_per_line",
        lambda t: t.replace("\n3. 危及“三安全一稳定”\n", "\n— 3 —\n3. 危及“三安全一稳定”\n- 4 -\n"),
        {},
    ),
    "a note under table 四 with spaced figures": (
        "township_spaces",
        lambda t: t.replace("\n五、存在的主要问题", "\n注：本年度行政复议 0 件，行政诉讼 0 件。\n五、存在的主要问题"),
        {},
    ),
    "the page's date after the title": (
        "county_arith_error",
        lambda t: t.replace("年度报告\n", "年度报告 2024-03-28\n", 1),
        {},
    ),
    "年报 in the title, and in the menu above it": (
        "county_arith_error",
        lambda t: (
            "当前位置：首页 > 政务公开 > 政府信息公开年报\n"
            + t.replace("2023年政府信息公开工作年度报告", "2023年度政府信息公开年报", 1)
        ),
        {},
    ),
    "a date in Chinese numerals": (
        "county_arith_error",
        lambda t: t.replace("2024年3月28日", "二〇二四年三月二十八日"),
        {"meta.issue_date": "二〇二四年三月二十八日"},
    ),
    "markdown bold and headings": (
        "township_spaces",
        lambda t: t.replace("一、 总体情况", "## 一、总体情况").replace(
            "六、其他需要报告的事项", "**六、其他需要报告的事项**"
        ),
        {},
    ),
    "item numbers spaced off their labels": (
        "township_spaces",
        lambda t: t.replace("１．", "１ ．").replace("２．", "２ ．"),
        {},
    ),
}


@pytest.mark.parametrize("variant", VARIANTS, ids=list(VARIANTS))
def test_the_same_report_in_another_shape(tmp_path, variant):
    name, change, meta = VARIANTS[variant]
    source = report_path(name)
    text = source.read_text(encoding="utf-8")
    assert change(text) != text, "the variant must change the report"
    path = tmp_path / source.name
    path.write_text(change(text), encoding="utf-8")
    result = import_report(path)
    expected = read_values(CASES_DIR / name / "expected.csv") | meta
    assert wrong_figures(name, result, expected) == [], result.notes
    for key in ("meta.body", "meta.year", "meta.issue_date"):
        assert result.values.get(key) == expected.get(key), key
    assert len(result.notes) == len(NOTES.get(name, [])), result.notes


@pytest.mark.parametrize("name", sorted(UNRULED.keys() | {v for v in UNRULED.values()}))
def test_pdfium_draws_the_printed_pages_as_pdfminer_does(printed_pdfs, name):
    """The reader's pages (pdfium, pdf_draw.py) against pdfplumber's own (pdfminer's interpreter) on LibreOffice's
    PDFs: the same characters and rules in the same places; a glyph whose ink passes its advance at the end of a
    run may end up to a point further right (pdfium gives no character's advance, only its ink)."""
    import pdfplumber
    import pypdfium2 as pdfium

    from generator.importers.pdf_bounds import Budget
    from generator.importers.pdf_draw import drawn_objects

    path = printed_pdfs / name / "report.pdf"

    def place(o: dict) -> tuple:
        return (o.get("text", ""), round(o["top"], 2), round(o["x0"], 2))

    with pdfplumber.open(path) as mined, pdfplumber.open(path) as drawn, pdfium.PdfDocument(str(path)) as document:
        for old, new in zip(mined.pages, drawn.pages, strict=True):
            new._objects = drawn_objects(new, document.raw, Budget(path.name))
            assert sorted(new.objects) == sorted(old.objects)
            for kind in old.objects:
                before, after = sorted(old.objects[kind], key=place), sorted(new.objects[kind], key=place)
                assert [place(o) for o in before] == [place(o) for o in after], kind
                for a, b in zip(before, after, strict=True):
                    assert (b["top"], b["bottom"]) == pytest.approx((a["top"], a["bottom"]), abs=0.01)
                    assert b["x1"] == pytest.approx(a["x1"], abs=0.01 if kind != "char" else 1.0)
