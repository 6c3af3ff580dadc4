"""The default Word template: in sync with the schema, GB/T 9704 page and styles, renders every figure safely."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from generator.checks.rules import validate
from generator.exceptions import TemplateError
from generator.format import schema
from generator.format.filters import num
from generator.jinja.environment import make_environment
from generator.readers import load
from generator.render.filling.context import build_context
from generator.render.filling.docx import render_docx

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "default" / "report.docx"
SAMPLE = ROOT / "data_samples" / "mengzhou-2023.csv"
sys.path.insert(0, str(ROOT / "tools"))

from build_docx_template import build_template, template_bytes  # noqa: E402


def _content(doc) -> dict[str, object]:
    """Everything a reader sees, as text: paragraphs with their style, every table cell, the footers."""
    section = doc.sections[0]
    return {
        "paragraphs": [(p.style.name, p.text) for p in doc.paragraphs],
        "tables": [[[cell.text for cell in row.cells] for row in table.rows] for table in doc.tables],
        "footers": [p.text for f in (section.footer, section.even_page_footer) for p in f.paragraphs],
    }


def _east_asia_font(style) -> str | None:
    rpr = style.element.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def _render(context: dict, template: Path = TEMPLATE) -> docx.document.Document:
    return docx.Document(io.BytesIO(render_docx(template, context, make_environment()).zip()))


@pytest.fixture(scope="module")
def template():
    return docx.Document(str(TEMPLATE))


@pytest.fixture(scope="module")
def sample():
    data = load(SAMPLE)
    report = validate(data)
    assert not report.errors, "the sample must pass validation"
    return data, build_context(data, report, standard={})


@pytest.fixture(scope="module")
def rendered_bytes(sample):
    return render_docx(TEMPLATE, sample[1], make_environment()).zip()


@pytest.fixture(scope="module")
def rendered(rendered_bytes):
    return docx.Document(io.BytesIO(rendered_bytes))


# --- (a) the committed template is what the build script produces ------------------------------


@pytest.mark.parametrize("name", ["default", "department"])
def test_committed_template_is_up_to_date(name):
    """Byte for byte: text, styles, page, properties (the build is deterministic)."""
    committed = (ROOT / "templates" / name / "report.docx").read_bytes()
    assert committed == template_bytes(name), (
        f"templates/{name}/report.docx 已过期：请运行 python tools/build_docx_template.py"
    )
    assert _content(docx.Document(io.BytesIO(committed))) == _content(build_template(name))


def test_template_takes_every_label_and_key_from_the_schema(template):
    texts = [p.text for p in template.paragraphs]
    for field in schema.OVERVIEW_FIELDS:
        assert f"{{% if loop.first %}}{field.heading}：{{% endif %}}{{{{ para }}}}" in texts  # run in, as reports do
        assert f"{{%p for para in {field.key} %}}" in texts
    for key in schema.HEADINGS:
        assert f"{{{{ headings.{key} }}}}" in texts
    assert texts[0] == "{%p if validation.failed %}"
    for (key, grid), table in zip(schema.grids().items(), template.tables, strict=True):
        assert (len(table.rows), len(table.columns)) == (grid.n_rows, grid.n_cols), key
        for cell in grid.cells:
            expected = f"{{{{ {cell.key}|num }}}}" if cell.is_figure else cell.text
            # A long label is broken between its words (w:br): the words are the schema's, in order.
            assert table.cell(cell.row, cell.col).text.replace("\n", "") == expected, (key, cell)


TAG_PAIRS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")  # whole tags: what is left of a run holds no part of one


def test_every_jinja_tag_is_a_single_run(template):
    paragraphs = list(template.paragraphs)
    paragraphs += [p for t in template.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    tagged = [p for p in paragraphs if "{" in p.text]
    assert len(tagged) > 200
    for paragraph in tagged:
        runs = [run.text for run in paragraph.runs]
        assert "".join(runs) == paragraph.text and all(TAG_PAIRS.sub("", run).count("{") == 0 for run in runs), runs


# --- (b) GB/T 9704 page, styles and page numbers -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "font", "size"),
    [
        ("Normal", "仿宋_GB2312", 16),
        ("Title", "方正小标宋简体", 22),
        ("Heading 1", "黑体", 16),
        ("Heading 2", "楷体_GB2312", 16),
        ("Heading 3", "仿宋_GB2312", 16),
        ("Heading 4", "仿宋_GB2312", 16),
    ],
)
def test_style_fonts_and_sizes(template, name, font, size):
    style = template.styles[name]
    assert _east_asia_font(style) == font
    assert style.font.size.pt == size


def test_normal_indent_spacing_language(template):
    ppr = template.styles["Normal"].element.pPr
    assert ppr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    # Two characters of the document grid (156 mm / 28), the width Word gives a 首行缩进 of 2 字符.
    assert template.styles["Normal"].paragraph_format.first_line_indent.pt == pytest.approx(
        2 * 156 / 28 * 72 / 25.4, abs=0.1
    )
    spacing = ppr.find(qn("w:spacing"))
    assert spacing.get(qn("w:lineRule")) == "exact" and 27 <= int(spacing.get(qn("w:line"))) / 20 <= 29.5
    lang = template.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    assert template.core_properties.title == "{{ meta.title }}"  # each report gets its own title
    assert template.core_properties.created.year == 2024


@pytest.mark.parametrize(
    ("name", "level"), [("Heading 1", "0"), ("Heading 2", "1"), ("Heading 3", "2"), ("Heading 4", "3")]
)
def test_headings_have_outline_levels(template, name, level):
    assert template.styles[name].element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == level


def test_every_used_style_sets_the_east_asian_font(template):
    section = template.sections[0]
    paragraphs = list(template.paragraphs) + [
        p for f in (section.footer, section.even_page_footer) for p in f.paragraphs
    ]
    paragraphs += [p for t in template.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    used = {p.style.name: p.style for p in paragraphs} | {t.style.name: t.style for t in template.tables}
    used |= {r.style.name: r.style for p in paragraphs for r in p.runs if r.style.name != "Default Paragraph Font"}
    assert {"Normal", "Title", "Heading 1", "Run-in Heading", "Table Grid", "Footer"} <= set(used)
    assert _east_asia_font(used["Run-in Heading"]) == "楷体_GB2312"  # 二级标题, run into its paragraph
    for name, style in used.items():
        assert _east_asia_font(style), f"style {name} sets no w:eastAsia font"
    table_text = next(
        s
        for n, s in used.items()
        if n not in {"Normal", "Title", "Heading 1", "Run-in Heading", "Footer"}
        and s.type == 1
        and s.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    )
    assert 10.5 <= table_text.font.size.pt <= 12
    assert table_text.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "0"


def test_the_template_carries_the_styles_it_uses_each_naming_its_east_asian_font(template):
    """The styles the report uses (and the heading levels a clerk may add), not python-docx's 168; a clerk who
    picks Quote or Caption gets Word's built-in, in the theme's 仿宋_GB2312."""
    styles = [s for s in template.styles if s.type != WD_STYLE_TYPE.LIST]
    assert len(styles) <= 24
    assert {"Heading 2", "Heading 3", "Heading 4", "Run-in Heading", "Report Signature"} <= {s.name for s in styles}
    for style in styles:
        if style.name in ("Default Paragraph Font", "Normal Table"):
            continue  # Word's own empty defaults: they inherit the document's
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")), f"{style.name}: no w:eastAsia"
        assert not [a for a in fonts.attrib if "Theme" in a], f"{style.name}: a theme font would override it"
    theme = zipfile.ZipFile(TEMPLATE).read("word/theme/theme1.xml").decode("utf-8")
    minor = theme.split("<a:minorFont>", 1)[1]
    assert '<a:ea typeface=""/>' not in theme and '<a:ea typeface="仿宋_GB2312"/>' in minor
    assert {_east_asia_font(template.styles[n]) for n in ("Heading 3", "Heading 4")} == {"仿宋_GB2312"}


def test_the_font_table_names_the_faces_the_styles_use_with_their_windows_names():
    with zipfile.ZipFile(TEMPLATE) as archive:
        fonts = docx.oxml.parse_xml(archive.read("word/fontTable.xml"))
        styles = archive.read("word/styles.xml").decode("utf-8")
    table = {font.get(qn("w:name")): font.find(qn("w:altName")).get(qn("w:val")) for font in fonts}
    assert set(table) == set(re.findall(r'w:eastAsia="([^"]+)"', styles)) - {"zh-CN"}
    assert table == {
        "仿宋_GB2312": "仿宋",
        "楷体_GB2312": "楷体",
        "方正小标宋简体": "宋体",
        "黑体": "SimHei",
        "宋体": "SimSun",
    }
    assert {font.find(qn("w:charset")).get(qn("w:val")) for font in fonts} == {"86"}  # GB2312: never a Japanese face


def test_document_grid_is_22_lines_of_28_characters(template):
    # A line grid, the characters condensed to 28 a line: Word, WPS and LibreOffice all set it so (LibreOffice
    # gives each character two cells of a "lines and characters" grid narrower than the face: 14 a line).
    grid = template.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:charSpace")) is None
    section = template.sections[0]
    text_width_pt = (section.page_width - section.left_margin - section.right_margin) / 12700  # EMU
    defaults = template.styles.element.find(qn("w:docDefaults"))
    spacing = int(defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:spacing')}").get(qn("w:val")))
    pitch = 16 + spacing / 20  # body size plus character spacing in 1/20 pt
    assert int(text_width_pt / pitch) == 28
    text_height_pt = (section.page_height - section.top_margin - section.bottom_margin) / 12700
    assert int(text_height_pt / (int(grid.get(qn("w:linePitch"))) / 20)) == 22
    # Off the grid: the 2号 title, the tables' 五号 text and the page numbers keep their own pitch.
    for name in ("Title", "Table Text", "Footer"):
        assert template.styles[name].element.pPr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0", name
        assert template.styles[name].element.rPr.find(qn("w:spacing")).get(qn("w:val")) == "0", name
    # LibreOffice reads w:overflowPunct inverted; set to Word's own default it keeps every 。 at a line end.
    defaults = template.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(".//" + qn("w:overflowPunct")).get(qn("w:val")) == "1"


def test_word_file_names_this_tool_and_carries_no_thumbnail():
    with zipfile.ZipFile(TEMPLATE) as archive:
        names = archive.namelist()
        app = archive.read("docProps/app.xml").decode("utf-8")
        rels = archive.read("_rels/.rels").decode("utf-8")
    assert "<Application>generate-report</Application>" in app and "Microsoft" not in app
    assert not [n for n in names if "thumbnail" in n or "stylesWithEffects" in n]
    assert "thumbnail" not in rels


def test_page_is_a4_with_gbt9704_margins(template):
    section = template.sections[0]
    expected = {
        "page_width": 210,
        "page_height": 297,
        "top_margin": 37,
        "bottom_margin": 35,
        "left_margin": 28,
        "right_margin": 26,
    }
    for attr, mm in expected.items():
        assert abs(getattr(section, attr).mm - mm) <= 0.5, attr


def test_page_numbers_odd_right_even_left(template):
    assert template.settings.odd_and_even_pages_header_footer
    section = template.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        xml = footer._element.xml
        instr = [el.text for el in footer._element.iter(qn("w:instrText"))]
        assert any(text.strip() == "PAGE" for text in instr) or 'w:instr=" PAGE "' in xml
        paragraph = footer.paragraphs[0]
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert paragraph.alignment == align
        assert _east_asia_font(paragraph.style) == "宋体" and paragraph.style.font.size.pt == 14


def test_tables_fit_the_text_block_and_repeat_headers(template):
    for (key, grid), table in zip(schema.grids().items(), template.tables, strict=True):
        widths = [c.width.mm for c in table.columns]
        assert sum(widths) <= 156.5, key
        rows = [row._tr.trPr for row in table.rows]
        cant_split = [tr is not None and tr.find(qn("w:cantSplit")) is not None for tr in rows]
        # Every row but a header-less table's first (a LibreOffice bug drops the rest of such a table).
        assert cant_split == [bool(i or grid.head_rows) for i in range(grid.n_rows)], key
        headers = [tr.find(qn("w:tblHeader")) is not None for tr in rows]
        assert headers == [i < grid.head_rows for i in range(grid.n_rows)], key
        # Every row keeps with the next: a row group, and the whole table when it fits, stays on one page.
        keeps = [
            all(Paragraph(p, None).paragraph_format.keep_with_next for p in row._tr.iter(qn("w:p")))
            for row in table.rows
        ]
        assert keeps == [i < grid.n_rows - 1 for i in range(grid.n_rows)], key


def test_table_labels_break_only_between_words(template):
    """自然人 on one line, （三）不予公开 as （三） / 不予公开, long items at word boundaries."""
    t3 = template.tables[1]
    cells = {c.text.replace("\n", ""): c.text.split("\n") for row in t3.rows for c in row.cells}
    assert cells["自然人"] == ["自然人"]
    assert cells["（三）不予公开"] == ["（三）", "不予公开"]
    assert cells["（四）无法提供"] == ["（四）", "无法提供"]
    assert cells["三、本年度办理结果"] == ["三、", "本年度", "办理", "结果"]
    assert cells["5.要求行政机关确认或重新出具已获取信息"] == ["5.要求行政机关确认或", "重新出具已获取信息"]


def test_half_a_line_before_and_after_each_table(template):
    body = list(template.element.body.iterchildren())
    for index, block in enumerate(body):
        if block.tag != qn("w:tbl"):
            continue
        before, after = Paragraph(body[index - 1], None), Paragraph(body[index + 1], None)
        assert before.paragraph_format.space_after.pt == pytest.approx(28.95 / 2, abs=0.05)
        assert after.paragraph_format.space_before.pt == pytest.approx(28.95 / 2, abs=0.05)


# --- (c) rendering the sample --------------------------------------------------------------------


def test_rendered_sample_has_every_heading_and_figure(sample, rendered):
    data, _ = sample
    texts = [p.text for p in rendered.paragraphs]
    assert texts[0] == f"{data.body}\n{data.year}年政府信息公开工作年度报告"  # broken by meaning
    for heading in schema.HEADINGS.values():
        assert heading in texts
    assert [p.text for p in rendered.paragraphs if p.style.name == "Heading 1"] == list(schema.HEADINGS.values())
    checked = 0
    for (key, grid), table in zip(schema.grids().items(), rendered.tables, strict=True):
        for cell in grid.figure_cells():
            assert table.cell(cell.row, cell.col).text == num(data.figures[cell.key]), (key, cell.key)
            checked += 1
    assert checked == len(schema.figures()) == 200
    assert rendered.tables[0].cell(*_position("t2.art20_8.admin_fees.amount_wan_yuan")).text == "4351.7195"
    assert f"（二）依申请公开：{data.narrative['narrative.overview.on_request'][0]}" in texts  # one paragraph
    assert texts[-1] == data.body


def _position(key: str) -> tuple[int, int]:
    cell = next(c for grid in schema.grids().values() for c in grid.cells if c.key == key)
    return cell.row, cell.col


def test_rendered_sample_has_no_tags_left(rendered_bytes):
    with zipfile.ZipFile(io.BytesIO(rendered_bytes)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8")
                assert "{{" not in xml and "{%" not in xml and "%}" not in xml, name


def test_failed_validation_banner_is_the_first_line(sample):
    context = dict(sample[1])
    context["validation"] = SimpleNamespace(failed=True, banner="【本报告未通过数据校验】", errors=["x"], warnings=[])
    texts = [p.text for p in _render(context).paragraphs]
    assert texts[:2] == ["【本报告未通过数据校验】", "\n".join(context["title_lines"])]


# --- (d) escaping ------------------------------------------------------------------------------


def test_markup_characters_render_literally(sample):
    name = "A&B<C>\"'"
    context = dict(sample[1])
    context["meta"] = SimpleNamespace(**{**vars(context["meta"]), "body": name, "title": f"{name}年度报告"})
    context["title_lines"] = [name, "年度报告"]
    doc = _render(context)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == f"{name}\n年度报告"
    assert texts[-1] == name


# --- (e) template errors -----------------------------------------------------------------------


def _template_with(tmp_path: Path, *paragraphs: str) -> Path:
    doc = docx.Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    path = tmp_path / "custom.docx"
    doc.save(str(path))
    return path


def test_undefined_name_is_named(tmp_path, sample):
    path = _template_with(tmp_path, "前言", "{{ no_such_name }}")
    with pytest.raises(TemplateError, match=r"^模板 custom\.docx：未定义的变量 no_such_name$"):
        render_docx(path, sample[1], make_environment())


def test_misspelt_figure_key_is_named(tmp_path, sample):
    path = _template_with(tmp_path, "{{ t3.granted.totl|num }}")
    with pytest.raises(TemplateError, match=r"^模板 custom\.docx：未定义的属性 totl$") as info:
        render_docx(path, sample[1], make_environment())
    assert info.value.__cause__ is not None


def test_runtime_error_in_template_is_a_template_error(tmp_path, sample):
    path = _template_with(tmp_path, "{{ meta.body() }}")
    with pytest.raises(TemplateError, match=r"^模板 custom\.docx：渲染出错"):
        render_docx(path, sample[1], make_environment())


def test_syntax_error_points_at_the_paragraph(tmp_path, sample):
    path = _template_with(tmp_path, "第一段", "{{ meta.body }", "第三段")
    with pytest.raises(TemplateError, match=r"^模板 custom\.docx：语法错误（第 \d+ 行附近") as info:
        render_docx(path, sample[1], make_environment())
    assert "\n" not in str(info.value)


def test_sandbox_refuses_private_attributes(tmp_path, sample):
    path = _template_with(tmp_path, "{{ meta.__class__.__mro__ }}")
    with pytest.raises(TemplateError, match="不安全"):
        render_docx(path, sample[1], make_environment())


def test_missing_or_broken_template(tmp_path, sample):
    with pytest.raises(TemplateError, match="找不到模板文件"):
        render_docx(tmp_path / "none.docx", sample[1], make_environment())
    broken = tmp_path / "broken.docx"
    broken.write_text("not a zip", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"^模板 broken\.docx：不是有效的 Word"):
        render_docx(broken, sample[1], make_environment())
