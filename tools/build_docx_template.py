"""Build the shipped Word templates (templates/<set>/report.docx) from the schema, GB/T 9704-2012 layout.

Usage: python tools/build_docx_template.py            (every shipped set)
       python tools/build_docx_template.py SET [OUT]  (one set: default or department)

Every heading, table label and figure key comes from generator.schema; the document holds docxtpl
(Jinja) tags that generator.render.context fills in. The sets differ in their preface and signature
block (VARIANTS below; the HTML templates carry the same text, which tests/test_template_sets.py checks).
Re-run this script whenever the schema changes; tests/test_docx_template.py fails while a committed
template is out of date.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

from generator.format import schema
from generator.format.grid import Grid

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
DEFAULT_OUT = TEMPLATES / "default" / "report.docx"

# The preface printed when the data has none (narrative.preface), and the lines of the signature block.
PREFACE_DEFAULT = (
    "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》"
    "（国办公开办函〔2021〕30号）编制，包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、"
    "政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六个部分。"
    "本报告所列数据的统计期限为{{ meta.period }}。"
)
PREFACE_DEPARTMENT = (
    "根据《中华人民共和国政府信息公开条例》第四十九条、第五十条规定，{{ meta.body }}编制本机关{{ meta.year }}年度"
    "政府信息公开工作年度报告。报告所列数据的统计期限为{{ meta.period }}，全文分六个部分。"
    "对本报告如有疑问，请与{{ meta.body }}办公室联系。"
)
VARIANTS: dict[str, dict[str, object]] = {
    "default": {"preface": PREFACE_DEFAULT, "contact_line": False},
    "department": {"preface": PREFACE_DEPARTMENT, "contact_line": True},
}
CONTACT_LINE = "联系方式：{{ meta.contact }}"

# GB/T 9704-2012: fonts by role, sizes in pt (2号 = 22, 3号 = 16, 4号 = 14, 五号 = 10.5).
FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
BODY_SIZE, TITLE_SIZE, TABLE_SIZE, PAGE_NUMBER_SIZE = 16, 22, 10.5, 14
LINE_PITCH = Pt(28.95)  # 579 twips: 22 lines fill the 225 mm text block
TABLE_STYLE, TABLE_TEXT_STYLE, SIGNATURE_STYLE = "Table Grid", "Table Text", "Report Signature"
FIXED_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

# Column widths in mm; each table fills the 156 mm text block.
COLUMN_WIDTHS_MM: dict[str, tuple[float, ...]] = {
    "t2": (39, 39, 39, 39),
    "t3": (10, 14, 55) + (11,) * 7,
    "t4": (10.4,) * 15,
}
LEFT_ALIGNED_ROW_LABELS = {"t3"}  # long row labels read better flush left


# --- Low-level XML helpers --------------------------------------------------------------------


def _set_fonts(rpr, east_asia: str, ascii_font: str | None = None) -> None:
    """Replace w:rFonts with explicit names: theme fonts (asciiTheme, eastAsiaTheme) would override them."""
    old = rpr.find(qn("w:rFonts"))
    if old is not None:
        rpr.remove(old)
    fonts = rpr.get_or_add_rFonts()
    latin = ascii_font or east_asia
    for attr, value in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asia)):
        fonts.set(qn(f"w:{attr}"), value)


def _set_lang(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)  # w:lang is the last child of rPr we ever write
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _set_indent_chars(ppr, first_line_chars: int = 0, right_chars: int = 0) -> None:
    """Word reads *Chars (hundredths of a character) before the absolute values; set both, always."""
    ind = ppr.get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(first_line_chars))
    ind.set(qn("w:firstLine"), str(first_line_chars * BODY_SIZE // 5))  # chars/100 × 16 pt × 20 twips
    if right_chars:
        ind.set(qn("w:rightChars"), str(right_chars))
        ind.set(qn("w:right"), str(right_chars * BODY_SIZE // 5))


def _set_outline_level(ppr, level: int) -> None:
    outline = ppr.find(qn("w:outlineLvl"))
    if outline is None:
        outline = OxmlElement("w:outlineLvl")
        successors = [ppr.find(qn(tag)) for tag in ("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")]
        following = next((el for el in successors if el is not None), None)
        if following is not None:
            following.addprevious(outline)
        else:
            ppr.append(outline)
    outline.set(qn("w:val"), str(level))


def _reset(style: BaseStyle) -> None:
    """Drop the default template's properties (theme fonts, colours, borders) and its linked character style."""
    for tag in ("w:pPr", "w:rPr", "w:link"):
        for el in style.element.findall(qn(tag)):
            style.element.remove(el)


def _paragraph_style(
    doc: DocumentObject,
    name: str,
    font: str,
    size: float,
    *,
    align: WD_ALIGN_PARAGRAPH | None = None,
    first_line_chars: int = 0,
    line: Pt | None = LINE_PITCH,
    outline_level: int | None = None,
    ascii_font: str | None = None,
) -> BaseStyle:
    """Set a paragraph style completely: East-Asian font, size, indent, exact line pitch, outline level."""
    try:
        style = doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.quick_style = True
    _reset(style)
    style.font.size = Pt(size)
    style.font.bold = False
    _set_fonts(style.element.get_or_add_rPr(), font, ascii_font)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if line is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing = line
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.alignment = align if align is not None else WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.widow_control = True
    _set_indent_chars(style.element.get_or_add_pPr(), first_line_chars)
    if outline_level is not None:
        fmt.keep_with_next = True
        _set_outline_level(style.element.get_or_add_pPr(), outline_level)
    return style


def _setup_styles(doc: DocumentObject) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, FANGSONG)
    _set_lang(rpr)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(BODY_SIZE * 2))
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")

    normal = _paragraph_style(doc, "Normal", FANGSONG, BODY_SIZE, first_line_chars=200)
    _set_lang(normal.element.get_or_add_rPr())
    _paragraph_style(doc, "Title", XIAOBIAOSONG, TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(36))
    doc.styles["Title"].paragraph_format.space_after = LINE_PITCH  # one blank line under the title
    _paragraph_style(doc, "Heading 1", HEITI, BODY_SIZE, first_line_chars=200, outline_level=0)
    _paragraph_style(doc, "Heading 2", KAITI, BODY_SIZE, first_line_chars=200, outline_level=1)
    _paragraph_style(doc, TABLE_TEXT_STYLE, FANGSONG, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
    signature = _paragraph_style(doc, SIGNATURE_STYLE, FANGSONG, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _set_indent_chars(signature.element.get_or_add_pPr(), 0, right_chars=200)  # 右空二字
    _paragraph_style(doc, "Footer", SONGTI, PAGE_NUMBER_SIZE, line=None)

    grid_style = doc.styles[TABLE_STYLE]
    grid_style.font.size = Pt(TABLE_SIZE)
    _set_fonts(grid_style.element.get_or_add_rPr(), FANGSONG)


# --- Page, footers, settings ------------------------------------------------------------------


def _field_char(paragraph: Paragraph, kind: str) -> None:
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(fld)


def _page_number(paragraph: Paragraph) -> None:
    """The page number "— 1 —": a real PAGE field (begin / instrText / separate / end) between two 一字线."""
    paragraph.add_run("— ")
    _field_char(paragraph, "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    paragraph.add_run()._r.append(instr)
    _field_char(paragraph, "separate")
    paragraph.add_run("1")  # cached result, replaced by Word and LibreOffice when laid out
    _field_char(paragraph, "end")
    paragraph.add_run(" —")


def _setup_page(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(22)  # page number 7 mm under the text block
    section._sectPr.find(qn("w:docGrid")).set(qn("w:linePitch"), str(int(LINE_PITCH.twips)))
    doc.settings.odd_and_even_pages_header_footer = True
    # 单页码居右空一字，双页码居左空一字
    for footer, align, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
    ):
        paragraph = footer.paragraphs[0]
        paragraph.style = doc.styles["Footer"]
        paragraph.alignment = align
        setattr(paragraph.paragraph_format, f"{side}_indent", Pt(PAGE_NUMBER_SIZE))
        _page_number(paragraph)
    lang = doc.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def _set_properties(doc: DocumentObject) -> None:
    props = doc.core_properties
    props.title = "{{ meta.title }}"  # docxtpl renders core properties too: each report carries its own title
    props.language = "zh-CN"
    props.author = props.last_modified_by = props.comments = ""
    props.created = props.modified = props.last_printed = FIXED_DATE
    props.revision = 1


# --- Content ----------------------------------------------------------------------------------


def _tag(doc: DocumentObject, text: str, style: str = "Normal") -> Paragraph:
    """A paragraph holding one run, so no Jinja tag is ever split across runs."""
    paragraph = doc.add_paragraph(style=doc.styles[style])
    paragraph.add_run(text)
    return paragraph


def _loop(doc: DocumentObject, key: str) -> None:
    """One Normal paragraph per narrative paragraph of `key` (the dotted path the context exposes)."""
    _tag(doc, f"{{%p for para in {key} %}}")
    _tag(doc, "{{ para }}")
    _tag(doc, "{%p endfor %}")


def _mark_rows(table: Table, head_rows: int) -> None:
    for index, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        # No row is cut in half across pages. Except a table's first row when it is not a repeated header:
        # LibreOffice (7.x) then drops every later row of the table if that row lands at the foot of a page.
        if index or head_rows:
            tr_pr.append(OxmlElement("w:cantSplit"))
        if index < head_rows:
            tr_pr.append(OxmlElement("w:tblHeader"))  # repeated at the top of every page


def _table(doc: DocumentObject, key: str, grid: Grid) -> Table:
    widths = [Mm(w) for w in COLUMN_WIDTHS_MM[key]]
    assert len(widths) == grid.n_cols, f"{key}: {len(widths)} widths for {grid.n_cols} columns"
    table = doc.add_table(rows=grid.n_rows, cols=grid.n_cols)
    table.style = doc.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(int(w.twips) for w in widths)))
    margins = OxmlElement("w:tblCellMar")  # narrow cell margins so five-digit figures fit 11 mm
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(int(Mm(0.8).twips)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    tbl_pr.find(qn("w:tblLayout")).addnext(margins)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:  # widths before merging: merge() adds up the widths it swallows
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width

    for spec in grid.cells:
        cell = table.cell(spec.row, spec.col)
        if spec.rowspan > 1 or spec.colspan > 1:
            cell = cell.merge(table.cell(spec.row + spec.rowspan - 1, spec.col + spec.colspan - 1))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        if spec.is_figure:
            paragraph.add_run(f"{{{{ {spec.key}|num }}}}")
            continue
        run = paragraph.add_run(spec.text)
        run.bold = spec.scope in ("col", "colgroup")
        if spec.scope == "row" and key in LEFT_ALIGNED_ROW_LABELS:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for p in table._tbl.iter(qn("w:p")):  # every paragraph, including those of merged-away cells
        Paragraph(p, table).style = doc.styles[TABLE_TEXT_STYLE]
    _mark_rows(table, grid.head_rows)
    return table


def _content(doc: DocumentObject, variant: dict[str, object]) -> None:
    fields = {f.key: f for f in schema.NARRATIVE_FIELDS}
    preface = schema.NARRATIVE_FIELDS[0].key
    assert preface in schema.OPTIONAL_NARRATIVE, "the preface is expected first among the narrative fields"

    # A report rendered with --force says on its first line that it failed validation.
    _tag(doc, "{%p if validation.failed %}")
    banner = _tag(doc, "{{ validation.banner }}")
    banner.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_indent_chars(banner._p.get_or_add_pPr(), 0)
    banner.runs[0].bold = True
    banner.runs[0].font.color.rgb = RGBColor(0xFF, 0x00, 0x00)
    _tag(doc, "{%p endif %}")

    _tag(doc, "{{ meta.title }}", "Title")
    _tag(doc, f"{{%p if {preface} %}}")
    _loop(doc, preface)
    _tag(doc, "{%p else %}")
    _tag(doc, str(variant["preface"]))
    _tag(doc, "{%p endif %}")

    _tag(doc, "{{ headings.overview }}", "Heading 1")
    for field in schema.OVERVIEW_FIELDS:
        _tag(doc, field.heading, "Heading 2")
        _loop(doc, field.key)

    for key, grid in schema.grids().items():
        _tag(doc, f"{{{{ headings.{key} }}}}", "Heading 1")
        _table(doc, key, grid)

    for section in ("problems", "other"):
        key = f"narrative.{section}"
        assert section in schema.HEADINGS and key in fields, f"schema has no section {section!r}"
        _tag(doc, f"{{{{ headings.{section} }}}}", "Heading 1")
        _loop(doc, key)

    body = _tag(doc, "{{ meta.body }}", SIGNATURE_STYLE)
    body.paragraph_format.space_before = LINE_PITCH  # 正文下空一行编排发文机关署名
    _tag(doc, "{%p if meta.issue_date_text %}")
    _tag(doc, "{{ meta.issue_date_text }}", SIGNATURE_STYLE)
    _tag(doc, "{%p endif %}")
    if variant["contact_line"]:
        _tag(doc, "{%p if meta.contact %}")
        _tag(doc, CONTACT_LINE, SIGNATURE_STYLE)
        _tag(doc, "{%p endif %}")


def build_template(variant: str = "default") -> DocumentObject:
    """A shipped set's report template as a python-docx Document (not saved)."""
    doc = Document()
    _setup_styles(doc)
    _setup_page(doc)
    _set_properties(doc)
    _content(doc, VARIANTS[variant])
    return doc


def main(argv: list[str]) -> int:
    sets = [argv[0]] if argv else list(VARIANTS)
    for name in sets:
        out = Path(argv[1]) if len(argv) > 1 else TEMPLATES / name / "report.docx"
        out.parent.mkdir(parents=True, exist_ok=True)
        build_template(name).save(str(out))
        print(f"已生成模板：{out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
