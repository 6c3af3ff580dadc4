"""check-template and the same check before every render; sandboxing, escaping, narrative quotes, filters."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import SAMPLE_CSV, lines_with, soffice_convert
from docx import Document
from textdump import docx_lines

from generator import TemplateError, load, render, validate
from generator.format.filters import cn_date, cn_num, num, percent, thousands, wan_yuan
from generator.jinja.sets import builtin_templates_dir


@pytest.fixture
def city(tmp_path) -> Path:
    """A full copy of the default set to break."""
    folder = tmp_path / "city"
    shutil.copytree(builtin_templates_dir() / "default", folder)
    return folder


def edit_docx_cell(path: Path, old: str, new: str) -> None:
    document = Document(str(path))
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    if paragraph.text == old:
                        paragraph.runs[0].text = new
                        document.save(str(path))
                        return
    raise AssertionError(f"no cell holds {old}")


def test_misspelt_variable_in_word_is_named_with_its_place(run, city, tmp_path):
    edit_docx_cell(city / "report.docx", "{{ t3.new_received.total|num }}", "{{ t3.new_recieved.total|num }}")
    result = run("check-template", city)
    assert result.exit_code == 1
    expected = (
        "模板 report.docx 表格 2 第 4 行第 10 格：未知的变量“t3.new_recieved.total”，是否应为“t3.new_received.total”？"
    )
    assert result.stdout.splitlines()[0] == expected
    rendering = run(SAMPLE_CSV, "--template", city, "-o", "out")
    assert rendering.exit_code == 3
    assert rendering.stderr == f"错误：{expected}\n"
    assert not (tmp_path / "out").exists()


def test_misspelt_name_is_placed_where_it_is_written_not_where_a_longer_name_starts_with_it(run, city):
    document = Document(str(city / "report.docx"))
    signature = next(p for p in document.paragraphs if p.style.name == "Report Signature")
    signature.insert_paragraph_before("行政处罚{{ t2.art20_6.penalty.decision }}件。")
    document.save(str(city / "report.docx"))
    paragraph = 1 + [p.text for p in Document(str(city / "report.docx")).paragraphs].index(
        "行政处罚{{ t2.art20_6.penalty.decision }}件。"
    )
    result = run("check-template", city)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"模板 report.docx 第 {paragraph} 段：未知的变量“t2.art20_6.penalty.decision”，"
        "是否应为“t2.art20_6.penalty.decisions”？"
    )


def test_misspelt_variable_in_html_names_the_line(run, city):
    html = city / "report.html.j2"
    html.write_text(
        html.read_text(encoding="utf-8").replace("{{ meta.title }}</title>", "{{ meta.titel }}</title>"),
        encoding="utf-8",
    )
    result = run("check-template", city / "report.html.j2")
    assert result.exit_code == 1
    (line,) = lines_with(html, "meta.titel")
    assert f"模板 report.html.j2 第 {line} 行：未知的变量“meta.titel”，是否应为“meta.title”？" in result.stdout


def test_syntax_error_is_reported_not_raised(run, city):
    html = city / "report.html.j2"
    html.write_text(html.read_text(encoding="utf-8").replace("{% endif %}", "{% endiff %}", 1), encoding="utf-8")
    result = run("check-template", city)
    assert result.exit_code == 1
    assert result.stdout.startswith("模板 report.html.j2 第 ")
    assert "语法错误" in result.stdout


def test_attribute_escape_is_refused_before_and_during_render(run, city, tmp_path):
    html = city / "report.html.j2"
    html.write_text(
        html.read_text(encoding="utf-8").replace('<main id="content">', "<main>{{ ''.__class__.__mro__ }}"),
        encoding="utf-8",
    )
    result = run("check-template", city)
    assert result.exit_code == 1
    assert "不允许访问属性“__class__”（模板在沙箱中运行）" in result.stdout
    assert run(SAMPLE_CSV, "--template", city, "-o", "out").exit_code == 3
    assert not (tmp_path / "out").exists()
    # Even without the check in front, the sandbox itself refuses.
    from generator.jinja.sets import find_template_set
    from generator.render.filling.context import build_context
    from generator.render.page.html import render_html

    data = load(SAMPLE_CSV)
    context = build_context(data, validate(data), standard={})
    with pytest.raises(TemplateError, match="模板 report.html.j2：试图访问不安全的属性，已拒绝"):
        render_html(find_template_set(city), context)


def test_loop_in_a_table_row_without_tr(run, city):
    edit_docx_cell(city / "report.docx", "{{ t4.review.upheld|num }}", "{% for x in overview %}{{ x.heading }}")
    edit_docx_cell(city / "report.docx", "{{ t4.review.corrected|num }}", "{% endfor %}")
    result = run("check-template", city, "--format", "json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert {
        "file": "report.docx",
        "where": "表格 3 第 4 行第 1 格",
        "blocking": True,
        "message": "表格中的循环必须写成 {%tr for … %} … {%tr endfor %}（按行重复）",
    } in problems


def test_tag_split_across_runs_is_advice_not_a_block(run, city, tmp_path):
    path = city / "report.docx"
    document = Document(str(path))
    title = next(p for p in document.paragraphs if p.text == '{{ title_lines|join("\\n") }}')
    title.runs[0].text = "{{ title_lines|"
    title.add_run('join("\\n") }}').bold = True  # what Word does after a partial edit
    document.save(str(path))
    result = run("check-template", city)
    assert result.exit_code == 0  # a hint does not fail the check; --strict makes it
    assert run("check-template", city, "--strict").exit_code == 1
    assert result.stdout.startswith(
        '提示：模板 report.docx 第 4 段：标签“{{ title_lines|join("\\n") }}”被 Word 拆分在几段格式（run）中'
    )
    assert run(SAMPLE_CSV, "--template", city, "-o", "out").exit_code == 0  # docxtpl re-joins it
    assert "Title: 孟州市人民政府\n2023年政府信息公开工作年度报告" in docx_lines(
        (tmp_path / "out" / "mengzhou-2023.docx").read_bytes()
    )


def test_clean_template_passes_and_lists_variables(run):
    result = run("check-template", builtin_templates_dir() / "default", "--variables")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1].startswith("模板检查通过：")
    assert "t3.granted.total" in result.stdout


def test_markup_in_the_body_name_shows_literally_in_both_formats(sample_values, write_data, tmp_path):
    sample_values["meta.body"] = "A&B<C>\"'"
    data = load(write_data(sample_values))
    outputs = render(data, validate(data))
    page = BeautifulSoup(outputs["html"], "html.parser")
    assert page.h1.get_text() == "A&B<C>\"'2023年政府信息公开工作年度报告"
    assert "A&amp;B&lt;C&gt;" in outputs["html"].decode("utf-8")
    docx_path = tmp_path / "escaped.docx"
    docx_path.write_bytes(outputs["docx"])
    assert Document(str(docx_path)).paragraphs[0].text == "A&B<C>\"'2023年政府信息公开工作年度报告"
    from pypdf import PdfReader

    pdf = soffice_convert(docx_path, "pdf", tmp_path / "pdf")  # LibreOffice opens it
    assert "A&B<C>" in PdfReader(pdf).pages[0].extract_text()


def test_narrative_quotes_figures_and_follows_the_data(sample_values, write_data):
    sample_values["narrative.overview.on_request"] = (
        "全年共受理申请{{ t3.new_received.total }}件，法人{{ t3.new_received.org_legal_service }}件。"
    )

    def paragraph(values):
        data = load(write_data(values))
        report = validate(data)
        assert report.valid
        html = render(data, report, ["html"])["html"].decode("utf-8")
        return next(
            p.get_text()
            for p in BeautifulSoup(html, "html.parser").find_all("p")
            if p.get_text().startswith("（二）依申请公开：")
        )

    assert paragraph(sample_values) == "（二）依申请公开：全年共受理申请146件，法人55件。"
    sample_values["t3.new_received.org_legal_service"] = "57"
    sample_values["t3.new_received.total"] = "148"
    sample_values["t3.carried_forward.org_legal_service"] = "2"
    sample_values["t3.carried_forward.total"] = "2"
    sample_values["narrative.overview.on_request"] += "上年结转{{ t3.carried_over.total }}件。"
    assert paragraph(sample_values) == "（二）依申请公开：全年共受理申请148件，法人57件。上年结转2件。"


def test_a_misspelt_quote_is_a_finding(sample_values, write_data):
    sample_values["narrative.overview.active"] = "受理{{ t3.new_recieved.total }}件"
    report = validate(load(write_data(sample_values)))
    assert [(f.code, f.key) for f in report.errors] == [("E-narrative", "narrative.overview.active")]
    assert report.errors[0].message == (
        "第 205 行「总体情况·主动公开」中引用的数字有误：未知的变量“t3.new_recieved.total”，是否应为“t3.new_received.total”？"
    )


def test_missing_figure_part_gets_the_standard_sentence(sample_values, write_data):
    del sample_values["narrative.overview.on_request"]
    data = load(write_data(sample_values))
    html = render(data, validate(data), ["html"])["html"].decode("utf-8")
    assert (
        "本年度新收政府信息公开申请146件，上年结转2件；办结148件，其中予以公开101件、部分公开0件；结转下年度继续办理0件。"
        in html
    )


def test_filters():
    assert num(Decimal("4351.7195")) == "4351.7195" and num(28414) == "28414"
    assert thousands(28414) == "28,414"
    assert wan_yuan(Decimal("12.5")) == "12.5" and wan_yuan(Decimal("12.5"), 2) == "12.50"
    assert wan_yuan(Decimal("1036.204518"), 2) == "1036.204518"  # never rounded: the text says what the table says
    assert wan_yuan(Decimal("4351.71950")) == "4351.7195" and wan_yuan(28) == "28"
    assert percent(Decimal("0.125")) == "12.5%"
    assert cn_date(dt.date(2024, 1, 5)) == "2024年1月5日"
    assert [cn_num(n) for n in (3, 10, 12, 20, 105, 2023)] == ["三", "十", "十二", "二十", "一百零五", "二千零二十三"]


def test_an_unclosed_if_in_the_web_template_is_reported_where_it_opens(run, city):
    page = city / "report.html.j2"
    opening = lines_with(page, "{% if validation.failed %}")[0]
    page.write_text(page.read_text(encoding="utf-8").replace("{% endif %}", "", 1), encoding="utf-8")
    result = run("check-template", city)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"模板 report.html.j2 第 {opening} 行：语法错误：模板意外结束（「if」块还没有用 {{% endif %}} 结束）"
    )


def test_an_unclosed_if_in_word_is_reported_at_its_paragraph(run, city, tmp_path):
    from generator.render.template_checks.check import docx_paragraphs

    path = city / "report.docx"
    document = Document(str(path))
    places = [(place, p.text) for place, p in docx_paragraphs(document)]
    opening = next(place for place, text in places if text == "{%p if narrative.preface %}")
    index = [p.text for p in document.paragraphs].index("{%p if narrative.preface %}")
    preface_end = next(p for p in document.paragraphs[index:] if p.text == "{%p endif %}")
    preface_end._p.getparent().remove(preface_end._p)
    document.save(str(path))

    result = run("check-template", city)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"模板 report.docx {opening}：语法错误：「if」块没有结束：缺少与之配对的 {{%p endif %}}"
    )
    assert "模板意外结束" not in result.stdout  # said once, with its paragraph
    rendering = run(SAMPLE_CSV, "--template", city, "-o", "out")
    assert rendering.exit_code == 3 and f"{opening}" in rendering.stderr
