"""Blocks read from their known markup (statistics tables, and paragraphs filled into skeletons learnt from an
earlier report) give the page the ordinary path gives, byte for byte, and anything the shortcut cannot vouch for
goes the ordinary way."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from conftest import ROOT
from docx import Document
from synthetic import synthetic_values
from test_word_html import link, png

from generator import load, validate
from generator.format.model import RawValue, assemble
from generator.render import choose_template
from generator.render.filling.context import build_context
from generator.render.filling.docx import document_environment, render_docx
from generator.render.page import known_blocks
from generator.render.page.known_blocks import cut_known_tables, known_body
from generator.render.page.sanitize import clean_page
from generator.render.page.word_blocks import BodyReader
from generator.render.page.word_html import word_body_html
from generator.render.page.word_parts import DOCUMENT, WordParts


def members_of(data) -> dict[str, bytes]:
    template_set = choose_template(data, None)
    context = build_context(data, validate(data), template_set.standard_paragraphs)
    return dict(render_docx(template_set.file("report.docx"), context, document_environment()).members)


def both_ways(members: dict[str, bytes]) -> tuple[str, str, int]:
    """(the body by parsing every table, the body with known tables cut out, how many were cut)."""
    ordinary = word_body_html(WordParts(members), "标题")
    document, tables = cut_known_tables(members[DOCUMENT])
    return ordinary, word_body_html(WordParts({**members, DOCUMENT: document}, tables), "标题"), len(tables)


def synthetic(seed: int):
    values = synthetic_values(seed)
    return assemble(values["meta.body"], {key: RawValue(value) for key, value in values.items()})


SAMPLES = ["mengzhou-2023.xlsx", "mengzhou-2022.xlsx", "shili-jiaotong-2023.xlsx"]


@pytest.mark.parametrize("name", SAMPLES)
def test_the_samples_pages_are_the_same_either_way(name):
    ordinary, fast, cut = both_ways(members_of(load(ROOT / "data_samples" / name)))
    assert cut == 3
    assert fast == ordinary


def test_many_bodies_after_the_first_are_read_from_the_known_markup():
    """The first report teaches the markup; every later one (other figures, fees with decimals, blanks shown as
    text) must still come out exactly as parsing gives it."""
    for seed in range(25):
        ordinary, fast, cut = both_ways(members_of(synthetic(seed)))
        assert (cut, fast) == (3, ordinary), seed


def test_text_needing_entities_is_read_as_the_parser_reads_it():
    members = members_of(load(ROOT / "data_samples" / "mengzhou-2023.xlsx"))
    # A label with < & " in it: escaped in the markup, plain in the cell's text.
    document = members[DOCUMENT].replace("<w:t>自然人</w:t>".encode(), "<w:t>自然人&lt;&amp;&quot;</w:t>".encode(), 1)
    ordinary, fast, cut = both_ways({**members, DOCUMENT: document})
    assert "自然人&lt;&amp;&quot;" in ordinary and cut == 3
    assert fast == ordinary


def test_a_cell_holding_more_than_its_text_goes_the_ordinary_way():
    """A field code in a figure cell: its instruction text is part of the cell's text, so the shortcut is refused
    for that table (and only that one), and the page is still the ordinary one."""
    members = members_of(synthetic(1))
    document = members[DOCUMENT].decode()
    figure = re.search(r"<w:t xml:space=\"preserve\">\d+</w:t>", document)  # the first figure: table 二's
    assert figure is not None
    document = document[: figure.end()] + "<w:instrText>PAGE</w:instrText>" + document[figure.end() :]
    ordinary, fast, cut = both_ways({**members, DOCUMENT: document.encode()})
    assert cut == 2
    assert fast == ordinary


@pytest.mark.parametrize(
    "change",
    [
        lambda xml: xml.replace("<w:tbl>", '<w:tbl xmlns:x="urn:x">', 1),  # a table tag with attributes
        lambda xml: xml.replace("</w:body>", "<w:p><w:r><w:txbxContent/></w:r></w:p></w:body>"),  # a text box
        lambda xml: xml.replace("</w:body>", "<!-- <w:tbl></w:tbl> --></w:body>"),  # a comment the search would read
    ],
    ids=["attributes", "text-box", "comment"],
)
def test_documents_the_search_cannot_vouch_for_are_left_whole(change):
    members = members_of(synthetic(2))
    document = change(members[DOCUMENT].decode()).encode()
    ordinary, fast, cut = both_ways({**members, DOCUMENT: document})
    assert cut == 0
    assert fast == ordinary


def test_a_table_inside_a_cell_goes_the_ordinary_way():
    members = members_of(synthetic(3))
    document = members[DOCUMENT].decode()
    inner = "<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>内</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    at = document.index("<w:tc>") + len("<w:tc>")  # the first cell of the first table
    document = document[:at] + inner + document[at:]
    ordinary, fast, cut = both_ways({**members, DOCUMENT: document.encode()})
    assert cut == 2
    assert fast == ordinary


def docx_members(document) -> dict[str, bytes]:
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def blocks_both_ways(members: dict[str, bytes], skip: frozenset[str] = frozenset({"【草稿】"})):
    """(the blocks read from skeletons, or None; the blocks the ordinary reading of the whole body gives)."""
    parts = WordParts(members)
    return known_body(parts, skip), list(BodyReader(parts, skip).blocks(parts.body))


def narrative(words: list[str]) -> dict[str, bytes]:
    """A body of paragraphs only, every kind the page reads, with `words` in its texts."""
    document = Document()
    document.add_paragraph(f"{words[0]}2023年政府信息公开工作年度报告", style="Title")
    document.add_paragraph("【草稿】")
    document.add_paragraph(f"前言：{words[1]}")
    document.add_paragraph("")
    document.add_paragraph("一、总体情况", style="Heading 1")
    document.add_paragraph("（一）主动公开", style="Heading 2")
    mixed = document.add_paragraph("全年发布信息")
    mixed.add_run(words[2]).bold = True
    mixed.add_run("条，")
    mixed.add_run(words[3]).italic = True
    mixed.add_run("条。").add_break()
    mixed.add_run(f"第二行{words[4]}")
    document.add_paragraph(words[5], style="List Bullet")
    document.add_paragraph(words[6], style="List Number")
    lead = document.styles.add_style("Run-in Heading", 2)
    run_in = document.add_paragraph()
    run_in.add_run("（二）依申请公开：", style=lead)
    run_in.add_run(words[7])
    centred = document.add_paragraph(words[8])
    centred.alignment = 1
    picture = document.add_paragraph()
    picture.add_run().add_picture(io.BytesIO(png()))
    links = document.add_paragraph("详见")
    link(links, "https://www.example.gov.cn/", words[9])
    return docx_members(document)


FIRST = [
    "甲县",
    "本报告依据条例编制。",
    "3017",
    "其中图解",
    "<script>alert(1)</script>",
    "一项",
    "一步",
    "受理",
    "居中",
    "网站",
]
# Other words in the same shapes: markup-like, entities, a no-break space, a line the page shell shows (in a list).
SECOND = ["乙市人民政府办公室", "A & B <i>", "12", "〇", "&amp;\u00a0x", "【草稿】", "二", "三四", "左右", "政府网站"]


def test_paragraphs_learnt_from_one_body_give_another_its_own_words_exactly():
    """The second body has other words (markup-like, entities, blank, a skipped line in a list item) in the same
    shapes: it is filled from the first body's skeletons, learning none, and reads as parsing reads it."""
    first, ordinary = blocks_both_ways(narrative(FIRST))
    assert first is not None and first == ordinary
    learnt = len(known_blocks._paragraphs)
    second, ordinary = blocks_both_ways(narrative(SECOND))
    assert len(known_blocks._paragraphs) == learnt  # every paragraph's skeleton was known
    assert second is not None and second == ordinary
    assert any(b.html.startswith("<h1>") or b.kind == "heading" for b in second)
    assert "乙市人民政府办公室" in second[0].text
    assert any("A &amp; B &lt;i&gt;" in b.html for b in second)
    assert not any(b.text == "【草稿】" for b in second)  # the line the page shell shows, skipped in a list too


def test_a_linked_paragraph_is_read_on_its_own_with_its_own_address():
    second, ordinary = blocks_both_ways(narrative(SECOND))
    assert second == ordinary
    linked = [b for b in second if "<a " in b.html]
    assert linked and 'href="https://www.example.gov.cn/"' in linked[0].html and "政府网站" in linked[0].html


def test_line_ends_and_entities_in_texts_are_read_as_the_parser_reads_them():
    members = narrative(FIRST)
    document = members[DOCUMENT].replace(
        "本报告依据条例编制。".encode(), b"a\r\nb &#13;&#10; &lt;&amp;&gt; &#x4e00;", 1
    )
    known, ordinary = blocks_both_ways({**members, DOCUMENT: document})
    assert known is not None and known == ordinary
    assert any("a\nb \r\n <&> 一" in b.text for b in known)


@pytest.mark.parametrize(
    "change",
    [
        lambda xml: xml.replace("<w:body>", "<w:body><w:bookmarkStart w:id='0' w:name='a'/><w:bookmarkEnd w:id='0'/>"),
        lambda xml: xml.replace("<w:body>", "<w:body><w:p/>\n  <w:p w:rsidR='00A1'/>"),
        lambda xml: xml.replace("<w:p>", "<w:p w14:x='a/>b' xmlns:w14='urn:w14'>", 1),
    ],
    ids=["bookmarks", "empty-paragraphs", "attribute"],
)
def test_what_the_reading_passes_over_is_passed_over(change):
    members = narrative(FIRST)
    document = change(members[DOCUMENT].decode())
    assert document != members[DOCUMENT].decode()
    known, ordinary = blocks_both_ways({**members, DOCUMENT: document.encode()})
    assert known is not None and known == ordinary


@pytest.mark.parametrize(
    "change",
    [
        lambda xml: xml.replace(
            "<w:body>", "<w:body><w:sdt><w:sdtContent><w:p><w:r><w:t>控件</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        ),
        lambda xml: xml.replace("<w:body>", "<w:body><!-- <w:p><w:r><w:t>注释</w:t></w:r></w:p> -->"),
        lambda xml: xml.replace(
            "<w:body>", "<w:body><w:tbl><w:tr><w:tc><w:p><w:r><w:t>表</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        ),
        lambda xml: xml.replace(
            "<w:body>", "<w:body><w:p><w:r><w:t>外</w:t></w:r><w:p><w:r><w:t>内</w:t></w:r></w:p></w:p>"
        ),
        lambda xml: re.sub(r"(<w:sectPr[^>]*>)", r"\1<w:sectPrChange w:id='1'><w:sectPr/></w:sectPrChange>", xml),
        lambda xml: xml.replace("<w:body>", "<w:body>文字"),
    ],
    ids=["content-control", "comment", "other-table", "nested", "tracked-section", "loose-text"],
)
def test_a_body_holding_more_than_paragraphs_is_read_whole(change):
    members = narrative(FIRST)
    document = change(members[DOCUMENT].decode())
    assert document != members[DOCUMENT].decode()
    known, _ = blocks_both_ways({**members, DOCUMENT: document.encode()})
    assert known is None


def test_the_body_made_from_word_is_what_the_page_sanitiser_keeps():
    """The page puts this body back after the sanitiser: whatever the Word file holds (markup typed as text, a
    javascript: link, a picture, styles of any name), a pass of the sanitiser over it changes nothing."""
    document = Document()
    document.styles.add_style("奇怪<b onclick=x>", 1)
    document.add_paragraph("<script>alert(1)</script>\"'&", style="奇怪<b onclick=x>")
    links = document.add_paragraph("见")
    link(links, "javascript:alert(1)", "链接")
    link(links, "https://www.example.gov.cn/?a=1&b=<2>", "网站")
    document.add_paragraph().add_run().add_picture(io.BytesIO(png()))
    document.inline_shapes[0]._inline.docPr.set("descr", '"><script>alert(3)</script>')
    body = word_body_html(WordParts(docx_members(document)), "<标题>")
    page = clean_page(f"<html><head></head><body>\n{body}\n</body></html>")
    assert body in page
    assert "<script" not in body and "javascript:" not in body and "onclick=" not in body
    assert 'href="https://www.example.gov.cn/?a=1&amp;b=&lt;2&gt;"' in body
