"""Build the shipped draft notice (templates/notice/notice.docx): the 通报 an office sends after an audit.

Usage: python tools/build_notice_template.py [OUT]

The notice takes the report template's GB/T 9704 page and styles (tools/build_docx_template.py) and holds
docxtpl (Jinja) tags that generator/audit/notice.py fills in; an office edits the result in Word or WPS and
points `audit --notice-template` at its copy. tests/test_audit_outputs.py fails while the committed template
differs from what this script writes.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from build_docx_template import (
    CORE_XML,
    DATE_STYLE,
    SIGNATURE_STYLE,
    TABLE_STYLE,
    TABLE_TEXT_STYLE,
    _drop_unused_parts,
    _finish,
    _set_indent_chars,
    _setup_page,
    _setup_styles,
    _tag,
)
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm

from generator.render.filling.zipout import Packed, zip_bytes

OUT = Path(__file__).resolve().parents[1] / "templates" / "notice" / "notice.docx"

INTRO = (
    "按照《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）"
    "的要求，{{ office }}对{{ totals.checked }}份{{ years }}年度政府信息公开工作年度报告进行了审查，逐项核对统计表格的勾稽关系、"
    "空白单元格、正文与表格数字是否一致，以及与上年报告的衔接。现将有关情况通报如下。"
)
OVERVIEW = (
    "本次共审查报告{{ totals.checked }}份，其中{{ totals.passed }}份未发现错误，{{ totals.failed }}份存在错误"
    "{% if totals.unreadable %}，{{ totals.unreadable }}份无法读取{% endif %}；共发现错误{{ totals.errors }}处、"
    "需核实的问题{{ totals.warnings }}处。"
    "{% if review.reviewed %}经逐项核实，其中属实{{ review.confirmed + review.corrected }}处，尚未核实{{ review.unreviewed }}处"
    "{% if review.false_alarm %}；另有{{ review.false_alarm }}处经核实为误报，不计入上述数字，也不列入本通报{% endif %}。"
    "{% else %}上述问题尚未逐项核实。{% endif %}"
)
CORRECTIONS = "经与有关单位核实，更正了以下{{ review.corrections|length }}个数字，并以更正后的数字重新审查："
CORRECTION = (
    "{{ loop.index }}.{{ item.body }}（{{ item.year }}年度）{{ item.label }}：报告原为“{{ item.read }}”，"
    "更正为{{ item.value }}{% if item.note %}。理由：{{ item.note }}{% endif %}。"
)
REQUEST = (
    "请存在问题的单位对照本通报和附件逐项核实，更正本单位政府信息公开工作年度报告，在政府网站重新发布，"
    "并于　　年　　月　　日前将整改情况报{{ office }}。"
)
TABLE_HEAD = ("单位", "年度", "错误", "需核实")
TABLE_ROW = ("{{ body.name }}", "{{ body.year }}", "{{ body.errors }}", "{{ body.warnings }}")
WIDTHS_MM = (86, 24, 23, 23)


def _bodies_table(doc: DocumentObject) -> None:
    """One row per body with problems: a header row, then a row repeated by {%tr for %}. The widths are stated
    alike in the grid (w:gridCol, which LibreOffice and WPS lay out by), each cell (w:tcW, Word's) and the
    table (w:tblW), with a fixed layout: otherwise LibreOffice kept python-docx's four equal grid columns and
    set a body's name in 39 mm instead of 86 mm."""
    table = doc.add_table(rows=4, cols=len(TABLE_HEAD))
    table.style = doc.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout fixed
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(int(Mm(width).twips) for width in WIDTHS_MM)))
    for column, width in zip(table.columns, WIDTHS_MM, strict=True):
        column.width = Mm(width)
    texts = (TABLE_HEAD, ("{%tr for body in bodies %}", "", "", ""), TABLE_ROW, ("{%tr endfor %}", "", "", ""))
    for row, cells in zip(table.rows, texts, strict=True):
        for cell, text, width in zip(row.cells, cells, WIDTHS_MM, strict=True):
            cell.width = Mm(width)
            paragraph = cell.paragraphs[0]
            paragraph.style = doc.styles[TABLE_TEXT_STYLE]
            if text:
                paragraph.add_run(text).bold = row is table.rows[0]


TITLE = "关于{{ years }}年度政府信息公开工作年度报告审查情况的通报"
# The report template's properties, made the notice's: its title, and the office as its author.
NOTICE_CORE = (
    CORE_XML.replace("{{ meta.title }}", TITLE)
    .replace("{{ properties.subject }}", "政府信息公开工作年度报告审查")
    .replace("{{ meta.body }}", "{{ office }}")
)


def build_notice() -> DocumentObject:
    """The notice as a python-docx Document (not saved; `notice_bytes` saves it)."""
    doc = Document()
    _setup_styles(doc)
    _setup_page(doc)
    _drop_unused_parts(doc)
    _tag(doc, '{{ title_lines|join("\\n") }}', "Title")  # broken by meaning (audit/notice.title_lines)
    _set_indent_chars(_tag(doc, "各有关单位：")._p.get_or_add_pPr(), 0)  # 主送机关顶格
    _tag(doc, INTRO)
    _tag(doc, "一、总体情况", "Heading 1")
    _tag(doc, OVERVIEW)
    _tag(doc, "{%p if review.corrections %}")
    _tag(doc, CORRECTIONS)
    _tag(doc, "{%p for item in review.corrections %}")
    _tag(doc, CORRECTION)
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if rules %}")
    _tag(doc, "二、发现的主要问题", "Heading 1")
    _tag(doc, "{%p for rule in rules %}")
    _tag(doc, "（{{ loop.index|cn_num }}）{{ rule.title }}。共{{ rule.findings }}处，涉及{{ rule.reports }}份报告。")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "三、各单位存在的问题", "Heading 1")
    _bodies_table(doc)
    _tag(doc, "{%p for body in bodies %}")
    _tag(doc, "（{{ loop.index|cn_num }}）{{ body.name }}（{{ body.year }}年度）", "Heading 2")
    _tag(doc, "{%p for problem in body.problems %}")
    _tag(
        doc,
        "{{ loop.index }}.【{{ problem.level }}】{{ problem.message }}{% if review.reviewed %}（{{ problem.state }}）{% endif %}",
    )
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "四、整改要求", "Heading 1")
    _tag(doc, REQUEST)
    _tag(doc, "{%p else %}")
    _tag(doc, "经审查，未发现错误和需核实的问题。")
    _tag(doc, "{%p endif %}")
    attachment = _tag(doc, "附件：审查结果（各单位问题清单，含报告原文与位置）")
    attachment.paragraph_format.space_before = doc.styles["Normal"].paragraph_format.line_spacing  # 正文下空一行
    signature = _tag(doc, "{{ office }}", SIGNATURE_STYLE)
    signature.paragraph_format.space_before = doc.styles["Normal"].paragraph_format.line_spacing
    _tag(doc, "{{ date }}", DATE_STYLE)  # the line below the signature, set as GB/T 9704 7.3.5 asks
    return doc


def notice_bytes() -> bytes:
    """The finished .docx, byte for byte what is committed: the report template's finish, the notice's properties,
    through the one zip writer."""
    saved = io.BytesIO()
    build_notice().save(saved)
    with zipfile.ZipFile(io.BytesIO(_finish(saved.getvalue()))) as finished:
        members = [
            Packed.of(
                info.filename,
                NOTICE_CORE.encode("utf-8") if info.filename == "docProps/core.xml" else finished.read(info),
            )
            for info in finished.infolist()
        ]
    return zip_bytes(members)


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(notice_bytes())
    print(f"已生成通报模板：{out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
