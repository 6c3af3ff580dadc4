"""check-template on the web page a set makes from its Word template: what cannot reach the page, by paragraph,
and an older set whose page does not come from Word at all (used as it is, with the differences listed)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from bs4 import BeautifulSoup
from conftest import ROOT, SAMPLE_CSV
from docx import Document
from docx.oxml import parse_xml
from docx.text.paragraph import Paragraph
from test_word_html import png

from generator.jinja.sets import builtin_templates_dir

LEGACY = ROOT / "tests" / "fixtures" / "legacy-set"
TEXT_BOX = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox><w:txbxContent>'
    "<w:p><w:r><w:t>文本框里的说明</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
)


def numbered(document: Document, paragraph: Paragraph) -> int:
    """The body paragraph number check-template gives a paragraph ("第 N 段")."""
    body = [e for e in document.element.body.iterchildren() if e.tag.endswith("}p")]
    return 1 + body.index(paragraph._p)


def test_what_cannot_reach_the_page_is_named_with_its_paragraph(run, tmp_path):
    folder = tmp_path / "city"
    shutil.copytree(builtin_templates_dir() / "default", folder)
    document = Document(str(folder / "report.docx"))
    title = next(p for p in document.paragraphs if p.style.name == "Title")
    boxed = title.insert_paragraph_before("市政府办公室")
    boxed._p.append(parse_xml(TEXT_BOX))
    picture = title.insert_paragraph_before()
    picture.add_run().add_picture(io.BytesIO(png()))
    document.save(str(folder / "report.docx"))
    boxed_at, picture_at = numbered(document, boxed), numbered(document, picture)

    result = run("check-template", folder)
    assert result.exit_code == 0  # advice only: it does not affect generation
    assert run("check-template", folder, "--strict").exit_code == 1
    assert result.stdout.splitlines()[-1].startswith("模板检查通过（其中 2 条“提示”不影响生成，建议修正）：")
    assert result.stdout.splitlines()[:2] == [
        f"提示：模板 report.docx 第 {boxed_at} 段：文本框中的文字不会出现在网页上：请改为普通段落",
        f"提示：模板 report.docx 第 {picture_at} 段："
        "图片没有替代文字（读屏软件读不出它是什么）：请在 Word 中右键图片，选“编辑替代文字”填写",
    ]
    assert run(SAMPLE_CSV, "--template", folder, "-o", "out").exit_code == 0  # advice: the report is still made
    page = BeautifulSoup((tmp_path / "out" / "mengzhou-2023.html").read_text(encoding="utf-8"), "html.parser")
    assert page.find("img")["alt"] == "" and "文本框里的说明" not in page.get_text()


def test_an_older_set_is_used_as_it_is_and_its_differences_are_listed(run, tmp_path):
    folder = tmp_path / "old"
    shutil.copytree(LEGACY, folder)
    shutil.copy(builtin_templates_dir() / "default" / "report.docx", folder)
    document = Document(str(folder / "report.docx"))
    preface = next(p for p in document.paragraphs if p.text.startswith("本报告根据"))
    preface.runs[0].text = "本报告由老城区政务公开办公室编制。"
    document.save(str(folder / "report.docx"))

    result = run("check-template", folder)
    assert result.exit_code == 0  # advice only
    lines = [line for line in result.stdout.splitlines() if line.startswith("提示：")]
    assert lines[0].startswith("提示：模板 report.html.j2：网页模板自己写出整篇正文（没有使用 {{ document.body }}）")
    # The older page prints the overview's sub-headings as lines of their own; the Word report runs them in.
    assert lines[1].startswith(
        "提示：模板 report.docx：这些段落网页上没有：「本报告由老城区政务公开办公室编制。」；「（一）主动公开："
    )
    assert lines[2].startswith("提示：模板 report.html.j2：这些段落 Word 报告中没有：「本报告根据《中华人民共和国")

    assert run(SAMPLE_CSV, "--template", folder, "-o", "out").exit_code == 0
    page = (tmp_path / "out" / "mengzhou-2023.html").read_text(encoding="utf-8")
    assert "本报告由老城区" not in page and "本报告根据《中华人民共和国" in page  # the older page, as it was


def test_an_older_set_that_overrides_blocks_of_the_old_page_is_told_where_its_words_go(run, tmp_path):
    folder = tmp_path / "bureau"
    folder.mkdir()
    (folder / "report.html.j2").write_text(
        '{% extends "default/report.html.j2" %}\n{% block preface %}<p>本局的前言。</p>{% endblock %}\n',
        encoding="utf-8",
    )
    result = run("check-template", folder)
    assert "覆盖的块 preface 在新版网页外框中已不存在，不再起作用：网页正文现由 report.docx 生成" in result.stdout
    assert run(SAMPLE_CSV, "--template", folder, "-o", "out").exit_code == 0
    page = (tmp_path / "out" / "mengzhou-2023.html").read_text(encoding="utf-8")
    assert "本局的前言" not in page and "本报告根据" in page


def test_the_shipped_sets_carry_everything_to_the_page(run):
    for name in ("default", "department"):
        result = run("check-template", builtin_templates_dir() / name)
        assert result.exit_code == 0, result.output
        assert "提示" not in result.output


def test_a_shipped_legacy_copy_still_renders_the_whole_body(tmp_path):
    from generator import load, render, validate

    data = load(SAMPLE_CSV)
    outputs = render(data, validate(data), ["html"], str(LEGACY))
    page = BeautifulSoup(outputs["html"], "html.parser")
    assert len(page.find_all("td", attrs={"data-key": True})) == 200
    assert Path(LEGACY / "report.html.j2").read_text(encoding="utf-8").count("document.body") == 0
