"""The web page's body made from a Word document: what a user may add in Word reaches the page as its HTML."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from generator.render.page.word_html import word_body_html
from generator.render.page.word_parts import WordParts


def png(width: int = 2, height: int = 2) -> bytes:
    """A real (tiny, grey) PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def page_of(document) -> BeautifulSoup:
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return BeautifulSoup(word_body_html(WordParts(members), "报告标题", frozenset({"【草稿】"})), "html.parser")


def link(paragraph, url: str, text: str) -> None:
    rel = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    hyperlink.append(run)
    paragraph._p.append(hyperlink)


@pytest.fixture(scope="module")
def page() -> BeautifulSoup:
    document = Document()
    document.add_paragraph("孟州市人民政府2023年政府信息公开工作年度报告", style="Title")
    document.add_paragraph("【草稿】")  # the page shell shows this line itself
    document.add_paragraph("前言：本报告依据《条例》编制。")
    document.add_paragraph("")  # spacing only
    document.add_paragraph("一、总体情况", style="Heading 1")
    document.add_paragraph("（一）主动公开", style="Heading 2")
    document.add_paragraph("1.政策解读", style="Heading 3")
    mixed = document.add_paragraph("全年发布信息")
    mixed.add_run("3017").bold = True
    mixed.add_run("条，")
    mixed.add_run("其中图解").italic = True
    mixed.add_run("12条。").add_break()
    mixed.add_run("第二行<script>alert(1)</script>")
    document.add_paragraph("第一项措施", style="List Bullet")
    document.add_paragraph("第二项措施", style="List Bullet")
    document.add_paragraph("第一步", style="List Number")
    custom = document.styles.add_style("我的重点", 1)
    custom.font.size = Pt(16)
    document.add_paragraph("重点说明的一段。", style="我的重点")
    lead = document.styles.add_style("Run-in Heading", 2)  # a character style, as the shipped template's
    run_in = document.add_paragraph()
    run_in.add_run("（二）依申请公开：", style=lead)
    run_in.add_run("全年受理申请。")
    centred = document.add_paragraph("居中的一段")
    centred.alignment = 1
    document.add_paragraph("二、主动公开政府信息情况", style="Heading 1")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "合并的标题"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "纵向合并"
    table.cell(1, 1).text = "1"
    table.cell(2, 2).text = "2"
    document.add_paragraph("六、其他需要报告的事项", style="Heading 1")
    picture = document.add_paragraph()
    picture.add_run().add_picture(io.BytesIO(png()))
    document.inline_shapes[0]._inline.docPr.set("descr", "孟州市人民政府印章")
    links = document.add_paragraph("详见")
    link(links, "https://www.mengzhou.gov.cn/", "政府网站")
    link(links, "javascript:alert(1)", "不安全的链接")
    return page_of(document)


def test_styles_become_the_matching_elements(page):
    assert [h.get_text() for h in page.find_all("h1")] == ["孟州市人民政府2023年政府信息公开工作年度报告"]
    assert [h.get_text() for h in page.find_all("h2")] == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "六、其他需要报告的事项",
    ]
    assert page.find("h3").get_text() == "（一）主动公开"
    assert page.find("h4").get_text() == "1.政策解读"


def test_sections_are_the_first_level_headings(page):
    sections = page.find_all("section")
    assert [s.h2.get_text() for s in sections] == [h.get_text() for h in page.find_all("h2")]
    assert sections[0]["aria-labelledby"] == "overview" and sections[0].h2["id"] == "overview"
    assert page.find("p").get_text() == "前言：本报告依据《条例》编制。"  # before the first section, after the title


def test_emphasis_and_line_breaks_are_kept(page):
    paragraph = next(p for p in page.find_all("p") if p.get_text().startswith("全年发布信息"))
    assert paragraph.strong.get_text() == "3017" and paragraph.em.get_text() == "其中图解"
    assert paragraph.br is not None
    assert paragraph.find("script") is None and "<script>alert(1)</script>" in paragraph.get_text()


def test_lists_empty_paragraphs_and_the_banner(page):
    assert [li.get_text() for li in page.find("ul").find_all("li")] == ["第一项措施", "第二项措施"]
    assert [li.get_text() for li in page.find("ol").find_all("li")] == ["第一步"]
    assert "【草稿】" not in page.get_text()
    assert all(p.get_text().strip() or p.find("img") for p in page.find_all("p"))


def test_an_unknown_style_is_a_class_named_after_it(page):
    assert page.find("p", class_="我的重点").get_text() == "重点说明的一段。"
    assert page.find("p", class_="align-center").get_text() == "居中的一段"


def test_a_table_keeps_its_merged_cells(page):
    rows = page.find("table", class_="word-table").find_all("tr")
    first = rows[0].find(["td", "th"])
    assert (first.get_text(), first.get("colspan")) == ("合并的标题", "3")
    down = rows[1].find(["td", "th"])
    assert (down.get_text(), down.get("rowspan")) == ("纵向合并", "2")
    assert [c.get_text() for c in rows[2].find_all(["td", "th"])] == ["", "2"]
    region = page.find("table", class_="word-table").parent
    assert region["role"] == "region" and region["tabindex"] == "0" and region["aria-label"]


def test_an_image_is_embedded_with_its_alternative_text(page):
    image = page.find("img")
    assert image["alt"] == "孟州市人民政府印章"
    assert image["src"].startswith("data:image/png;base64,")


def test_only_web_and_mail_links_are_links(page):
    assert [(a["href"], a.get_text()) for a in page.find_all("a")] == [("https://www.mengzhou.gov.cn/", "政府网站")]
    assert "不安全的链接" in page.get_text()


def test_without_a_title_the_report_title_is_the_heading():
    document = Document()
    document.add_paragraph("正文一段。")
    assert page_of(document).h1.get_text() == "报告标题"


def test_a_character_style_is_a_class_on_its_text(page):
    """The run-in heading's character style (楷体 in Word) reaches the page as a class the style sheet sets."""
    (span,) = page.find_all("span", class_="run-in-heading")
    assert span.get_text() == "（二）依申请公开：" and span.parent.get_text() == "（二）依申请公开：全年受理申请。"
    css = (Path(__file__).parents[1] / "templates" / "default" / "style.css").read_text(encoding="utf-8")
    assert re.search(
        r"\.run-in-heading \{ font-family: \"KaiTi\"", css.replace("h3, .run-in-heading", ".run-in-heading")
    )
