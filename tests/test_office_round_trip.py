"""Word templates saved by another office suite: every shipped set and an edited copy, opened and saved by
LibreOffice (as WPS and Word also rewrite them), still check clean and render the same report in Word and page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import SAMPLE_CSV, soffice_convert
from docx import Document
from textdump import docx_lines, expand_html_table, html_lines

from generator import TemplateError, load, render, validate
from generator.format import schema
from generator.format.filters import num
from generator.jinja.scaffold import new_template
from generator.jinja.sets import builtin_templates_dir, load_template_set, shipped_sets
from generator.render.filling.word_tags import jinja_source
from generator.render.ooxml import xml_tree
from generator.render.page.word_tables import word_cells
from generator.render.template_checks.set_check import check_template_set

SAMPLES = {"default": SAMPLE_CSV, "department": SAMPLE_CSV.parent / "shili-jiaotong-2023.csv"}
# A paragraph quoting figures as Word's AutoCorrect leaves it: curly quotes typed inside the tags.
AUTOCORRECTED = (
    "本年新收申请{{ t3.new_received.total|num }}件，{{ “已全部办结” if t3.carried_over.total == 0 else “尚有结转” }}；"
    '{{ ‘复议’ ~ t4.review.total|num ~ ‘件’ }}；{{ "危及“三安全一稳定”" }}。'
)


def saved_by_libreoffice(folder: Path, work: Path) -> Path:
    """The set's report.docx replaced by LibreOffice's own .docx of it (open, save as Word, change nothing)."""
    converted = soffice_convert(folder / "report.docx", "docx", work / "converted")
    shutil.copyfile(converted, folder / "report.docx")
    return folder


@pytest.fixture(scope="module")
def saved_sets(tmp_path_factory) -> dict[str, Path]:
    """Each shipped set copied and saved once through LibreOffice (5-10 s a conversion: shared by the tests)."""
    assert shipped_sets() == list(SAMPLES)
    saved = {}
    for name in SAMPLES:
        work = tmp_path_factory.mktemp(name)
        folder = shutil.copytree(builtin_templates_dir() / name, work / name)
        saved[name] = saved_by_libreoffice(folder, work)
    return saved


@pytest.fixture(scope="module")
def autocorrected_set(tmp_path_factory) -> Path:
    """new-template 乙市, a paragraph with AutoCorrect's quotes added before the signature, saved by LibreOffice."""
    work = tmp_path_factory.mktemp("yishi")
    folder = new_template("乙市", dest=work / "乙市")
    document = Document(str(folder / "report.docx"))
    signature = next(p for p in document.paragraphs if p.style.name == "Report Signature")
    signature.insert_paragraph_before(AUTOCORRECTED)
    document.save(str(folder / "report.docx"))
    return saved_by_libreoffice(folder, work)


def rendered(data_path: Path, template) -> dict[str, bytes]:
    data = load(data_path)
    return render(data, validate(data), ("docx", "html"), template)


def word_texts(content: bytes) -> list[str]:
    """Paragraphs and table rows as text, each merged cell once (a suite may cut the grid another way)."""
    import io

    from docx.table import Table

    document = Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in Table(table._tbl, document).rows:
            cells = {id(cell._tc): cell.text for cell in row.cells}
            lines.append(" | ".join(cells.values()))
    return lines


def page_figures(html: bytes) -> dict[str, str]:
    page = BeautifulSoup(html, "html.parser")
    return {cell["data-key"]: cell.get_text() for cell in page.select("td[data-key]")}


@pytest.mark.parametrize("name", list(SAMPLES))
def test_a_shipped_set_saved_by_libreoffice_is_really_rewritten_and_checks_clean(saved_sets, name):
    original = (builtin_templates_dir() / name / "report.docx").read_bytes()
    assert saved_sets[name].joinpath("report.docx").read_bytes() != original
    assert check_template_set(load_template_set(saved_sets[name])) == []


@pytest.mark.parametrize("name", list(SAMPLES))
def test_a_shipped_set_saved_by_libreoffice_renders_the_same_report(saved_sets, name):
    data = load(SAMPLES[name])
    before = rendered(SAMPLES[name], name)
    after = rendered(SAMPLES[name], load_template_set(saved_sets[name]))
    word = word_texts(after["docx"])
    assert word == word_texts(before["docx"])
    assert html_lines(after["html"].decode("utf-8")) == html_lines(before["html"].decode("utf-8"))
    figures = page_figures(after["html"])
    assert figures == {key: num(data.figures[key]) for key in schema.figures()}
    assert len(figures) == 200
    page_lines = html_lines(after["html"].decode("utf-8"))
    narrative = [line[3:].replace("\u2011", "-") for line in page_lines if line.startswith("p: ")]  # Word's 0000‑1
    assert len(narrative) >= 8 and set(narrative) <= set(word)  # the page's paragraphs are the Word file's


def test_table_four_keeps_its_fifteen_official_columns_after_libreoffice(saved_sets):
    html = rendered(SAMPLE_CSV, load_template_set(saved_sets["default"]))["html"]
    table = BeautifulSoup(html, "html.parser").find("table", id="table-t4")
    grid = expand_html_table(table)
    assert [len(row) for row in grid] == [16] * 4  # the row header 件数 and the 15 official columns
    assert grid[3][0] == "件数"
    assert grid[2][1:] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
    assert [cell["data-key"] for cell in table.select("td[data-key]")][4] == "t4.review.total"


def test_an_autocorrected_paragraph_saved_by_libreoffice_checks_clean_and_renders(autocorrected_set):
    document = Document(str(autocorrected_set / "report.docx"))
    typed = next(p.text for p in document.paragraphs if p.text.startswith("本年新收申请"))
    assert "“已全部办结”" in typed and "‘复议’" in typed  # LibreOffice kept the quotes as Word typed them
    assert check_template_set(load_template_set(autocorrected_set)) == []
    outputs = rendered(SAMPLE_CSV, load_template_set(autocorrected_set))
    data = load(SAMPLE_CSV)
    expected = (
        f"本年新收申请{num(data.figures['t3.new_received.total'])}件，尚有结转；"
        f"复议{num(data.figures['t4.review.total'])}件；危及“三安全一稳定”。"
    )
    assert f"Normal: {expected}" in docx_lines(outputs["docx"])
    assert f"p: {expected}" in html_lines(outputs["html"].decode("utf-8"))
    assert page_figures(outputs["html"]) == {key: num(data.figures[key]) for key in schema.figures()}


def test_a_set_that_cannot_render_fails_the_check_naming_the_paragraph(autocorrected_set, tmp_path):
    folder = shutil.copytree(autocorrected_set, tmp_path / "丙市")
    document = Document(str(folder / "report.docx"))
    signature = next(p for p in document.paragraphs if p.style.name == "Report Signature")
    signature.insert_paragraph_before("坏的标签{{ t3.new_received.total + }}。")
    document.save(str(folder / "report.docx"))
    number = 1 + next(i for i, p in enumerate(document.paragraphs) if p.text.startswith("坏的标签"))
    expected = f"模板 report.docx 第 {number} 段：语法错误：意外的「}}}}」"
    assert [p.describe() for p in check_template_set(load_template_set(folder))] == [expected]
    with pytest.raises(TemplateError) as raised:
        rendered(SAMPLE_CSV, load_template_set(folder))
    assert str(raised.value) == expected


# --- what the suites write, by hand (no LibreOffice needed) ----------------------------------------------------


def paragraph(*runs: str) -> str:
    return f"<w:p>{''.join(runs)}</w:p>"


@pytest.mark.parametrize(
    ("xml", "source"),
    [
        # LibreOffice: quotes as entities
        (paragraph("<w:r><w:t>{{ x|join(&quot;\\n&quot;) }}</w:t></w:r>"), '{{ x|join("\\n") }}'),
        (paragraph("<w:r><w:t>{{ &apos;a&apos; ~ &#34;b&#x22; }}</w:t></w:r>"), "{{ 'a' ~ \"b\" }}"),
        # Word: a spell-check mark, a bookmark and a revision id cut the tag; formatting changes midway
        (
            paragraph(
                "<w:r><w:t>{</w:t></w:r><w:proofErr w:type='spellStart'/><w:r w:rsidR='00A1'><w:t>{ meta.</w:t></w:r>",
                "<w:bookmarkStart w:id='0' w:name='b'/><w:r><w:rPr><w:b/></w:rPr><w:t>body }</w:t></w:r>",
                "<w:bookmarkEnd w:id='0'/><w:r><w:t>}</w:t></w:r>",
            ),
            "{{ meta.body }}",
        ),
        # AutoCorrect's quotes around strings; quotes a string holds stay its text
        (paragraph("<w:r><w:t>{% if a == “是” %}</w:t></w:r>"), '{% if a == "是" %}'),
        (paragraph("<w:r><w:t>{{ ‘甲’ }}{{ &#8220;乙&#8221; }}</w:t></w:r>"), "{{ '甲' }}{{ \"乙\" }}"),
        (paragraph("<w:r><w:t>{{ &quot;危及“三”&quot; }}</w:t></w:r>"), '{{ "危及\\u201c三\\u201d" }}'),
    ],
)
def test_tags_are_read_as_typed(xml, source):
    prepared = jinja_source(xml)
    assert source in prepared
    assert "<w:t" in prepared  # the paragraph's markup around the tag is kept


def test_a_paragraph_tag_with_autocorrected_quotes_still_becomes_plain_jinja():
    xml = paragraph("<w:r><w:t>{%p if a == “是” %}</w:t></w:r>") + paragraph("<w:r><w:t>x</w:t></w:r>")
    assert jinja_source(xml).startswith('{% if a == "是" %}<w:p>')


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def grid_table(widths: list[int], rows: list[list[int]]) -> str:
    cols = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    body = "".join(
        "<w:tr>"
        + "".join(f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr><w:p/></w:tc>' for span in row)
        + "</w:tr>"
        for row in rows
    )
    return f"<w:tbl {W_NS}><w:tblGrid>{cols}</w:tblGrid>{body}</w:tbl>"


def test_a_one_twip_grid_column_is_not_a_column():
    # LibreOffice's table 四 head: 行政复议 ends one twip before 总计 does
    table = xml_tree(grid_table([590, 589, 1, 590], [[2, 2], [1, 2, 1]]).encode())
    cells, n_rows, n_cols = word_cells(table)
    assert (n_rows, n_cols) == (2, 3)
    assert [(c.row, c.col, c.colspan) for c in cells] == [(0, 0, 2), (0, 2, 1), (1, 0, 1), (1, 1, 1), (1, 2, 1)]


def test_a_narrow_column_that_holds_a_cell_of_its_own_stays():
    table = xml_tree(grid_table([590, 20, 590], [[1, 1, 1]]).encode())
    assert word_cells(table)[2] == 3


def test_a_tag_cut_only_by_a_spell_check_mark_is_not_reported(tmp_path):
    from docx.oxml import parse_xml

    folder = shutil.copytree(builtin_templates_dir() / "default", tmp_path / "city")
    document = Document(str(folder / "report.docx"))
    title = next(p for p in document.paragraphs if p.text == '{{ title_lines|join("\\n") }}')
    title.runs[0].text = "{{ title_lines|"
    title._p.append(parse_xml('<w:proofErr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'))
    title.add_run('join("\\n") }}')  # the same formatting: Word cut it for the spelling mark alone
    document.save(str(folder / "report.docx"))
    assert check_template_set(load_template_set(folder)) == []
    assert docx_lines(rendered(SAMPLE_CSV, load_template_set(folder))["docx"])[0] == (
        "Title: 孟州市人民政府\n2023年政府信息公开工作年度报告"
    )
