"""Build the shipped Word templates (templates/<set>/report.docx) from the schema, GB/T 9704-2012 layout.

Usage: python tools/build_docx_template.py            (every shipped set)
       python tools/build_docx_template.py SET [OUT]  (one set: default or department)

Every heading, table label and figure key comes from generator.schema; the document holds docxtpl
(Jinja) tags that generator.render.filling.context fills in. The sets differ in their preface and signature
block (VARIANTS below; the HTML templates carry the same text, which tests/test_template_sets.py checks).
Re-run this script whenever the schema changes; tests/test_docx_template.py fails while a committed
template is out of date.
"""

from __future__ import annotations

import io
import math
import re
import sys
import zipfile
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
from generator.format.filters import cn_num
from generator.format.grid import Grid
from generator.render.filling.zipout import Packed, zip_bytes
from generator.render.typography.layout import (
    CONTACT_STYLE_ID,
    DATE_STYLE_ID,
    SIGNATURE_STYLE_ID,
    label_words,
    text_width,
)
from generator.render.typography.word_grid import portable_grid

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
DEFAULT_OUT = TEMPLATES / "default" / "report.docx"

# The preface printed when the data has none (narrative.preface), and the contact line of the department set.
SECTIONS = "、".join(heading.split("、", 1)[1] for heading in schema.HEADINGS.values())  # as the headings say them
PREFACE_DEFAULT = (
    "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》"
    f"（国办公开办函〔2021〕30号）编制，包括{SECTIONS}{cn_num(len(schema.HEADINGS))}个部分。"
    "本报告所列数据的统计期限为{{ meta.period }}。"
)
PREFACE_DEPARTMENT = (
    "根据《中华人民共和国政府信息公开条例》第四十九条、第五十条规定，{{ meta.body }}编制本报告。"
    f"报告所列数据的统计期限为{{{{ meta.period }}}}，全文分{cn_num(len(schema.HEADINGS))}个部分。"
    "对本报告如有疑问，请与{{ meta.body }}办公室联系。"
)
VARIANTS: dict[str, dict[str, object]] = {
    "default": {"preface": PREFACE_DEFAULT, "contact_line": False},
    "department": {"preface": PREFACE_DEPARTMENT, "contact_line": True},
}
CONTACT_LINE = "联系方式：{{ meta.contact }}"
TOOL = "generate-report"  # docProps/app.xml names the program that wrote the file

# GB/T 9704-2012: fonts by role, sizes in pt (2号 = 22, 3号 = 16, 4号 = 14, 五号 = 10.5).
FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
BODY_SIZE, TITLE_SIZE, TABLE_SIZE, PAGE_NUMBER_SIZE = 16, 22, 10.5, 14
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28  # 版心 156 × 225 mm: 22 lines of 28 characters
LINE_PITCH = Pt(28.95)  # 579 twips: 22 lines fill the 225 mm text block
TABLE_LINE = Pt(14)  # table text lines, exact: table 三 and its heading then fit one page
HALF_LINE = Pt(28.95 / 2)  # the space before and after each table
PAGE_MM, MARGINS_MM = (210, 297), {"top": 37, "bottom": 35, "left": 28, "right": 26}  # A4, 版心 156 × 225 mm
TEXT_WIDTH_TWIPS = int(Mm(PAGE_MM[0]).twips - Mm(MARGINS_MM["left"]).twips - Mm(MARGINS_MM["right"]).twips)
CHAR_TWIPS = TEXT_WIDTH_TWIPS / CHARS_PER_LINE  # one character of the grid: indents in characters use it
TABLE_STYLE, TABLE_TEXT_STYLE = "Table Grid", "Table Text"
SIGNATURE_STYLE, DATE_STYLE, CONTACT_STYLE = "Report Signature", "Report Date", "Report Contact"
RUN_IN_STYLE = "Run-in Heading"
# The creation date a template carries; each report gets its own (generator.render.filling.docx).
TEMPLATE_DATE = "2024-01-01T00:00:00Z"

# Column widths in mm; each table fills the 156 mm text block. Table 三: the label columns are as wide as
# their longest word needs (三、本年度办理结果 in lines of three, （三）不予公开 in lines of four, the items in
# lines of twelve), 自然人 needs three characters, every other figure column five digits.
COLUMN_WIDTHS_MM: dict[str, tuple[float, ...]] = {
    "t2": (39, 39, 39, 39),
    "t3": (13, 16.3, 49.5, 13) + (10.7,) * 6,
    "t4": (10.4,) * 15,
}
CELL_MARGIN_MM = 0.6  # left and right
TABLE_CHAR_MM = TABLE_SIZE * 25.4 / 72  # one character of table text
FIT_SLACK_CHARS = 0.05  # rounding: a line is filled to a twentieth of a character short of its cell
NARROW_EXTRA = 0.1  # a digit or Latin letter is counted 0.6 characters wide: some faces are wider than half
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
    # Latin text (and so digits) in English: LibreOffice breaks a Chinese line anywhere, but keeps a number whole
    # only under a Western language. The PDF's /Lang is set to the East-Asian one (render.typography.pdf).
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _set_indent_chars(ppr, first_line_chars: int = 0, right_chars: int = 0) -> None:
    """Word reads *Chars (hundredths of a character) before the absolute values; set both, always."""
    ind = ppr.get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(first_line_chars))
    ind.set(qn("w:firstLine"), str(round(first_line_chars / 100 * CHAR_TWIPS)))
    if right_chars:
        ind.set(qn("w:rightChars"), str(right_chars))
        ind.set(qn("w:right"), str(round(right_chars / 100 * CHAR_TWIPS)))


def _insert_ppr_child(ppr, tag: str, val: str) -> None:
    """A simple pPr flag (w:outlineLvl, w:snapToGrid, w:overflowPunct) in its schema position."""
    element = ppr.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        order = PPR_ORDER[PPR_ORDER.index(tag) + 1 :]
        following = next((el for el in ppr if el.tag in {qn(t) for t in order}), None)
        if following is not None:
            following.addprevious(element)
        else:
            ppr.append(element)
    element.set(qn("w:val"), val)


PPR_ORDER = [
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
]


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
    grid: bool = True,
) -> BaseStyle:
    """Set a paragraph style completely: East-Asian font, size, indent, exact line pitch, outline level, and
    whether its characters sit on the document grid (body text does; the title, tables and footers do not)."""
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
    ppr = style.element.get_or_add_pPr()
    _set_indent_chars(ppr, first_line_chars)
    if not grid:
        _insert_ppr_child(ppr, "w:snapToGrid", "0")
    if outline_level is not None:
        fmt.keep_with_next = True
        _insert_ppr_child(ppr, "w:outlineLvl", str(outline_level))
    return style


# Fonts for the styles the template does not lay out itself (Word's built-in list, quote, caption, TOC …
# styles), so whatever style a clerk picks shows 仿宋 (楷体, 黑体 by role), never an empty theme font.
ROLE_FONTS = {"Heading 1": HEITI, "Heading 2": KAITI, "Title": XIAOBIAOSONG, "Subtitle": KAITI}


def _every_style_has_its_fonts(doc: DocumentObject) -> None:
    for style in doc.styles:
        if style.type == WD_STYLE_TYPE.LIST:
            continue  # numbering styles carry no run properties
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is not None and fonts.get(qn("w:eastAsia")) and not any("Theme" in a for a in fonts.attrib):
            continue
        role = style.name.removesuffix(" Char")
        _set_fonts(rpr, ROLE_FONTS.get(role, FANGSONG))


def _setup_styles(doc: DocumentObject) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, FANGSONG)
    _set_lang(rpr)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(BODY_SIZE * 2))
    default_ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    default_ppr.find(qn("w:spacing")).set(qn("w:after"), "0")
    # Word's own default, written out: punctuation may hang past the line end. LibreOffice reads this flag
    # the other way round (ParaIsHangingPunctuation = not overflowPunct) and, with hanging on, drops a 。 or ，
    # that falls at the end of a full justified line from the PDF. Set, it moves the last character down.
    _insert_ppr_child(default_ppr, "w:overflowPunct", "1")

    normal = _paragraph_style(doc, "Normal", FANGSONG, BODY_SIZE, first_line_chars=200)
    _set_lang(normal.element.get_or_add_rPr())
    _paragraph_style(doc, "Title", XIAOBIAOSONG, TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(36), grid=False)
    doc.styles["Title"].paragraph_format.space_after = LINE_PITCH  # one blank line under the title
    doc.styles["Title"].paragraph_format.keep_with_next = True
    _paragraph_style(doc, "Heading 1", HEITI, BODY_SIZE, first_line_chars=200, outline_level=0)
    _paragraph_style(doc, "Heading 2", KAITI, BODY_SIZE, first_line_chars=200, outline_level=1)
    # The third and fourth levels (1. and （1）) are 仿宋 like the body, ready for a clerk who adds them.
    _paragraph_style(doc, "Heading 3", FANGSONG, BODY_SIZE, first_line_chars=200, outline_level=2)
    _paragraph_style(doc, "Heading 4", FANGSONG, BODY_SIZE, first_line_chars=200, outline_level=3)
    _paragraph_style(
        doc, TABLE_TEXT_STYLE, FANGSONG, TABLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, line=TABLE_LINE, grid=False
    )
    # GB/T 9704 7.3.5.3: signature two characters from the right; the date under it (render moves one of them
    # so the date starts two characters right of the signature's first); the contact line as a note (7.3.6).
    signature = _paragraph_style(doc, SIGNATURE_STYLE, FANGSONG, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _set_indent_chars(signature.element.get_or_add_pPr(), 0, right_chars=200)
    signature.paragraph_format.space_before = LINE_PITCH  # 正文下空一行编排发文机关署名
    signature.paragraph_format.keep_with_next = True
    date = _paragraph_style(doc, DATE_STYLE, FANGSONG, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _set_indent_chars(date.element.get_or_add_pPr(), 0, right_chars=200)
    _paragraph_style(doc, CONTACT_STYLE, FANGSONG, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT, first_line_chars=200)
    for name, style_id in ((SIGNATURE_STYLE, SIGNATURE_STYLE_ID), (DATE_STYLE, DATE_STYLE_ID)):
        assert doc.styles[name].style_id == style_id, f"{name}: the renderer finds it as {style_id}"
    assert doc.styles[CONTACT_STYLE].style_id == CONTACT_STYLE_ID
    _paragraph_style(doc, "Footer", SONGTI, PAGE_NUMBER_SIZE, line=None, grid=False)
    # The overview's sub-headings run into their first paragraph (二级标题 in 楷体, GB/T 9704 7.3.3).
    run_in = doc.styles.add_style(RUN_IN_STYLE, WD_STYLE_TYPE.CHARACTER)
    run_in.quick_style = True
    _set_fonts(run_in.element.get_or_add_rPr(), KAITI)

    grid_style = doc.styles[TABLE_STYLE]
    grid_style.font.size = Pt(TABLE_SIZE)
    _set_fonts(grid_style.element.get_or_add_rPr(), FANGSONG)
    _every_style_has_its_fonts(doc)


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


def _char_space(text_width_twips: int) -> int:
    """w:charSpace of a grid of CHARS_PER_LINE characters: the pitch less the body size, in 4096ths of a point,
    rounded down so that the last character still fits."""
    pitch_pt = text_width_twips / CHARS_PER_LINE / 20
    return math.floor((pitch_pt - BODY_SIZE) * 4096)


def _setup_page(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(15), Mm(22)  # page number 7 mm under the text block
    # The document grid of GB/T 9704: 22 lines and 28 characters a line ("lines and characters").
    grid = section._sectPr.find(qn("w:docGrid"))
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(int(LINE_PITCH.twips)))
    grid.set(qn("w:charSpace"), str(_char_space(TEXT_WIDTH_TWIPS)))
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


def _drop_unused_parts(doc: DocumentObject) -> None:
    """No blank thumbnail (Word shows it in the file dialog), no second style sheet (stylesWithEffects)."""
    package_rels = doc.part.package.rels
    for r_id, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package_rels[r_id]
    for r_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            del doc.part.rels[r_id]


# The font table: the faces the styles name, each with the face Windows has under another name (w:altName) and
# what a suite matches a missing face by: the GB2312 character set (86, code page 936), family, pitch, panose.
FONT_FACES: dict[str, tuple[str, str, str, str]] = {
    FANGSONG: ("仿宋", "02010609060101010101", "modern", "fixed"),
    KAITI: ("楷体", "02010609060101010101", "modern", "fixed"),
    XIAOBIAOSONG: ("宋体", "02010600030101010101", "auto", "variable"),
    HEITI: ("SimHei", "02010609060101010101", "modern", "fixed"),
    SONGTI: ("SimSun", "02010600030101010101", "auto", "variable"),
}
CJK_SIGNATURE = '<w:sig w:usb0="00000003" w:usb1="288F0000" w:usb2="00000016" w:usb3="00000000" w:csb0="00040001" w:csb1="00000000"/>'


def font_table() -> bytes:
    fonts = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:panose1 w:val="{panose}"/><w:charset w:val="86"/>'
        f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/>{CJK_SIGNATURE}</w:font>'
        for name, (alt, panose, family, pitch) in FONT_FACES.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{fonts}</w:fonts>'
    ).encode()


# The properties a report carries: title, subject and author follow the report, the dates are set per report
# by the renderer (valid dates here, so Word opens the template itself), and app.xml names this tool.
CORE_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
<dc:title>{{{{ meta.title }}}}</dc:title><dc:subject>{{{{ properties.subject }}}}</dc:subject>\
<dc:creator>{{{{ meta.body }}}}</dc:creator><cp:keywords>政府信息公开</cp:keywords><dc:language>zh-CN</dc:language>\
<cp:revision>1</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">{TEMPLATE_DATE}</dcterms:created>\
<dcterms:modified xsi:type="dcterms:W3CDTF">{TEMPLATE_DATE}</dcterms:modified></cp:coreProperties>"""
APP_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
<Application>{TOOL}</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>\
<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>\
</Properties>"""


STYLE_BLOCK = re.compile(r"<w:style\b(?:(?!</w:style>).)*</w:style>", re.DOTALL)
STYLE_REFERENCE = re.compile(r'<w:(?:pStyle|rStyle|tblStyle|numStyleLink|styleLink) w:val="([^"]+)"')
STYLE_LINKS = re.compile(r'<w:(?:basedOn|link|next) w:val="([^"]+)"')
PREPARED_STYLES = ("Heading2", "Heading3", "Heading4")  # laid out for a clerk who adds a heading level


def _used_styles_only(styles: str, parts: list[str]) -> str:
    """The styles part with the styles the parts use (with what they are based on, linked to and followed by),
    the defaults and the prepared heading levels: Word's other built-ins come from the latent list and the
    theme's fonts (仿宋_GB2312, 黑体) when a clerk picks one."""
    blocks = {re.search(r'w:styleId="([^"]+)"', b.group(0)).group(1): b.group(0) for b in STYLE_BLOCK.finditer(styles)}
    wanted = {ref for part in parts for ref in STYLE_REFERENCE.findall(part)} | set(PREPARED_STYLES)
    wanted |= {style_id for style_id, block in blocks.items() if 'w:default="1"' in block}
    pending = list(wanted)
    while pending:
        for linked in STYLE_LINKS.findall(blocks.get(pending.pop(), "")):
            if linked not in wanted:
                wanted.add(linked)
                pending.append(linked)
    return STYLE_BLOCK.sub(
        lambda m: m.group(0) if re.search(r'w:styleId="([^"]+)"', m.group(0)).group(1) in wanted else "", styles
    )


def _finish(saved: bytes) -> bytes:
    """The saved package with this tool's properties and font table, the portable grid, the theme's empty
    East-Asian fonts filled, fixed times."""
    replaced = {
        "docProps/core.xml": CORE_XML.encode("utf-8"),
        "docProps/app.xml": APP_XML.encode("utf-8"),
        "word/fontTable.xml": font_table(),
    }
    with zipfile.ZipFile(io.BytesIO(saved)) as source:
        # The grid as every suite sets it, in the template itself: LibreOffice users edit it at 28 a line too.
        document, styles = (source.read(f"word/{part}.xml").decode("utf-8") for part in ("document", "styles"))
        document, styles = portable_grid(document, styles)
        parts = [
            source.read(n).decode("utf-8") for n in source.namelist() if n.startswith("word/") and n.endswith(".xml")
        ]
        styles = _used_styles_only(styles, [part for part in parts if "<w:styles" not in part])
        replaced |= {"word/document.xml": document.encode("utf-8"), "word/styles.xml": styles.encode("utf-8")}
    members = []
    with zipfile.ZipFile(io.BytesIO(saved)) as source:
        for info in source.infolist():
            data = replaced.get(info.filename) or source.read(info)
            if info.filename == "word/theme/theme1.xml":
                text = data.decode("utf-8")
                major, minor = text.split("<a:minorFont>", 1)
                major = major.replace('<a:ea typeface=""/>', f'<a:ea typeface="{HEITI}"/>', 1)
                minor = minor.replace('<a:ea typeface=""/>', f'<a:ea typeface="{FANGSONG}"/>', 1)
                data = f"{major}<a:minorFont>{minor}".encode()
            members.append(Packed.of(info.filename, data))
    return zip_bytes(members)  # fixed times and order, as every report is written


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


def _run_in_loop(doc: DocumentObject, heading: str, key: str) -> None:
    """As `_loop`, the first paragraph led by its sub-heading in 楷体: "（一）主动公开：…" is one paragraph, as the
    format's reports write it, not a heading line of its own."""
    _tag(doc, f"{{%p for para in {key} %}}")
    paragraph = doc.add_paragraph(style=doc.styles["Normal"])
    paragraph.add_run(f"{{% if loop.first %}}{heading}：{{% endif %}}", style=doc.styles[RUN_IN_STYLE])
    paragraph.add_run("{{ para }}")
    _tag(doc, "{%p endfor %}")


def _mark_rows(table: Table, head_rows: int) -> None:
    last = len(table.rows) - 1
    for index, row in enumerate(table.rows):
        tr_pr = row._tr.get_or_add_trPr()
        # No row is cut in half across pages. Except a table's first row when it is not a repeated header:
        # LibreOffice (7.x) then drops every later row of the table if that row lands at the foot of a page.
        if index or head_rows:
            tr_pr.append(OxmlElement("w:cantSplit"))
        if index < head_rows:
            tr_pr.append(OxmlElement("w:tblHeader"))  # repeated at the top of every page
        if index < last:  # each row keeps with the next: the table moves whole to a page where it fits
            for p in row._tr.iter(qn("w:p")):
                Paragraph(p, table).paragraph_format.keep_with_next = True


def _fit_width(text: str) -> float:
    return text_width(text) + NARROW_EXTRA * sum(1 for ch in text if text_width(ch) < 1)


def _limit(width_mm: float) -> float:
    """How many characters of table text a line of a cell `width_mm` wide holds."""
    return (width_mm - 2 * CELL_MARGIN_MM) / TABLE_CHAR_MM - FIT_SLACK_CHARS


def _greedy_lines(text: str, limit: float) -> list[str]:
    """How a cell wraps text character by character (what Word and LibreOffice do with Chinese)."""
    lines = [""]
    for ch in text:
        if lines[-1] and _fit_width(lines[-1] + ch) > limit:
            lines.append("")
        lines[-1] += ch
    return lines


def label_lines(text: str, width_mm: float) -> list[str]:
    """A label's lines in a cell `width_mm` wide: one line when it fits, else broken between its words."""
    limit = _limit(width_mm)
    if _fit_width(text) <= limit:
        return [text]
    words = label_words(text)  # a label longer than its cell is broken only between its words: no word is cut
    assert len(words) > 1, f"label {text!r} is wider than its {width_mm} mm cell: list its words in LABEL_WORDS"
    lines = [""]
    for word in words:
        assert _fit_width(word) <= limit, f"word {word!r} of {text!r} is wider than its {width_mm} mm cell"
        if lines[-1] and _fit_width(lines[-1] + word) > limit:
            lines.append("")
        lines[-1] += word
    return lines


def _write_label(paragraph: Paragraph, text: str, width_mm: float, bold: bool) -> None:
    lines = label_lines(text, width_mm)
    if lines == _greedy_lines(text, _limit(width_mm)):
        lines = [text]  # it wraps between words by itself: no forced breaks
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.bold = bold
        if index < len(lines) - 1:
            run.add_break()


def _table(doc: DocumentObject, key: str, grid: Grid) -> Table:
    widths_mm = COLUMN_WIDTHS_MM[key]
    widths = [Mm(w) for w in widths_mm]
    assert len(widths) == grid.n_cols, f"{key}: {len(widths)} widths for {grid.n_cols} columns"
    assert abs(sum(widths_mm) - 156) < 0.01, f"{key}: the columns must fill the 156 mm text block"
    table = doc.add_table(rows=grid.n_rows, cols=grid.n_cols)
    table.style = doc.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(int(w.twips) for w in widths)))
    margins = OxmlElement("w:tblCellMar")  # narrow cell margins so five-digit figures fit
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(int(Mm(CELL_MARGIN_MM).twips)))
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
        width_mm = sum(widths_mm[spec.col : spec.col + spec.colspan])
        _write_label(paragraph, spec.text, width_mm, bold=spec.scope in ("col", "colgroup"))
        if spec.scope in ("row", "rowgroup") and key in LEFT_ALIGNED_ROW_LABELS:
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

    # The title in lines broken where its meaning breaks (render.typography.layout.title_lines): a line break each.
    _tag(doc, '{{ title_lines|join("\\n") }}', "Title")
    _tag(doc, f"{{%p if {preface} %}}")
    _loop(doc, preface)
    _tag(doc, "{%p else %}")
    _tag(doc, str(variant["preface"]))
    _tag(doc, "{%p endif %}")

    _tag(doc, "{{ headings.overview }}", "Heading 1")
    for field in schema.OVERVIEW_FIELDS:
        _run_in_loop(doc, field.heading, field.key)

    after_table = False
    for key, grid in schema.grids().items():
        heading = _tag(doc, f"{{{{ headings.{key} }}}}", "Heading 1")
        heading.paragraph_format.space_after = HALF_LINE
        if after_table:
            heading.paragraph_format.space_before = HALF_LINE
        _table(doc, key, grid)
        after_table = True

    for section in ("problems", "other"):
        key = f"narrative.{section}"
        assert section in schema.HEADINGS and key in fields, f"schema has no section {section!r}"
        heading = _tag(doc, f"{{{{ headings.{section} }}}}", "Heading 1")
        if after_table:
            heading.paragraph_format.space_before = HALF_LINE
            after_table = False
        _loop(doc, key)

    _tag(doc, "{{ meta.body }}", SIGNATURE_STYLE)
    _tag(doc, "{%p if meta.issue_date_text %}")
    _tag(doc, "{{ meta.issue_date_text }}", DATE_STYLE)
    _tag(doc, "{%p endif %}")
    if variant["contact_line"]:
        _tag(doc, "{%p if meta.contact %}")
        _tag(doc, CONTACT_LINE, CONTACT_STYLE)
        _tag(doc, "{%p endif %}")


def build_template(variant: str = "default") -> DocumentObject:
    """A shipped set's report template as a python-docx Document (not saved; `template_bytes` saves it)."""
    doc = Document()
    _setup_styles(doc)
    _setup_page(doc)
    _drop_unused_parts(doc)
    _content(doc, VARIANTS[variant])
    return doc


def template_bytes(variant: str = "default") -> bytes:
    """The finished .docx of a shipped set, byte for byte what is committed."""
    saved = io.BytesIO()
    build_template(variant).save(saved)
    return _finish(saved.getvalue())


def main(argv: list[str]) -> int:
    sets = [argv[0]] if argv else list(VARIANTS)
    for name in sets:
        out = Path(argv[1]) if len(argv) > 1 else TEMPLATES / name / "report.docx"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(template_bytes(name))
        print(f"已生成模板：{out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
