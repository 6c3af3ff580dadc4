"""Template sets: finding them, falling back to default, copying one for another city, editing it in Word."""

from __future__ import annotations

import copy
import io
import shutil
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, SAMPLE_CSV
from docx import Document
from docx.text.paragraph import Paragraph
from textdump import docx_lines, html_lines

from generator import TemplateError, load, render, validate
from generator.format import schema
from generator.format.filters import num
from generator.jinja.sets import builtin_templates_dir, find_template_set, shipped_sets
from generator.readers.csv_long import read_values
from generator.render.template_checks.check import template_variables
from generator.render.template_checks.set_check import check_template_set
from generator.workbook.csvfile import long_csv

sys.path.insert(0, str(ROOT / "tools"))
from build_docx_template import PREFACE_DEFAULT, PREFACE_DEPARTMENT  # noqa: E402

DEPARTMENT_SAMPLE = ROOT / "data_samples" / "shili-jiaotong-2023.csv"


def rendered(data_path: Path, template=None, formats=("docx", "html")):
    data = load(data_path)
    return render(data, validate(data), formats, template)


def test_shipped_sets_are_found_by_name_and_check_clean():
    assert shipped_sets() == ["default", "department"]
    for name in shipped_sets():
        template_set = find_template_set(name)
        assert template_set.folder.resolve() == builtin_templates_dir() / name
        assert check_template_set(template_set) == []


def test_every_variable_the_shipped_templates_use_is_known():
    # The same resolver that rejects a typo accepts each of these; spot-check that the lists are real.
    variables = template_variables(find_template_set("default"))
    assert "t3.carried_forward.org_other" in variables["report.docx"]
    assert {"meta.title", "validation.failed", "document.body"} <= variables["report.html.j2"]


def test_unknown_set_names_the_shipped_ones(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TemplateError, match="找不到模板集“cityX”.*内置：default、department"):
        find_template_set("cityX")


def test_a_set_in_the_working_folder_is_found_by_name(run, tmp_path):
    assert run("new-template", "jiaozuo").exit_code == 0
    assert find_template_set("jiaozuo").folder == Path("templates/jiaozuo")


def test_a_partial_set_falls_back_to_default(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    default = builtin_templates_dir() / "default"
    (mine / "report.html.j2").write_text(
        (default / "report.html.j2")
        .read_text(encoding="utf-8")
        .replace("{{ meta.title }}</title>", "{{ meta.title }}（草稿）</title>"),
        encoding="utf-8",
    )
    outputs = rendered(SAMPLE_CSV, str(mine))
    page = BeautifulSoup(outputs["html"], "html.parser")
    assert page.title.get_text().endswith("（草稿）")
    assert page.h1.get_text() == "孟州市人民政府2023年政府信息公开工作年度报告"  # the body still comes from Word
    assert "border-collapse" in page.style.get_text()  # style.css came from default
    assert docx_lines(outputs["docx"]) == docx_lines(rendered(SAMPLE_CSV)["docx"])  # report.docx too


def test_department_set_has_its_own_preface_and_signature():
    default = rendered(DEPARTMENT_SAMPLE, "default")
    department = rendered(DEPARTMENT_SAMPLE, "department")
    html = html_lines(department["html"].decode("utf-8"))
    assert (
        "p: 根据《中华人民共和国政府信息公开条例》第四十九条、第五十条规定，示例市交通运输局编制本报告。"
        in "\n".join(html)
    )
    # The number's hyphen does not break, in Word as on the page: a word joiner (U+2060) follows it.
    assert "p: 联系方式：示例市交通运输局办公室，电话 0000-\u20601234567" in html
    docx = docx_lines(department["docx"])
    assert "Report Contact: 联系方式：示例市交通运输局办公室，电话 0000-\u20601234567" in docx
    changed = set(docx) ^ set(docx_lines(default["docx"]))
    assert len(changed) == 3  # two prefaces and the contact line; every table and section as in default


@pytest.mark.parametrize(("name", "preface"), [("default", PREFACE_DEFAULT), ("department", PREFACE_DEPARTMENT)])
def test_word_and_html_carry_the_same_preface(name, preface):
    outputs = rendered(DEPARTMENT_SAMPLE, name)
    expected = preface.replace("{{ meta.period }}", "2023年1月1日至12月31日")
    expected = expected.replace("{{ meta.body }}", "示例市交通运输局").replace("{{ meta.year }}", "2023")
    assert f"Normal: {expected}" in docx_lines(outputs["docx"])
    assert f"p: {expected}" in html_lines(outputs["html"].decode("utf-8"))


def test_new_template_edited_in_word_renders_the_change(run, tmp_path):
    result = run("new-template", "测试市")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "templates" / "测试市"
    assert sorted(p.name for p in folder.iterdir()) == [
        "manifest.toml",
        "report.docx",
        "report.html.j2",
        "style.css",
        "模板说明.md",
    ]
    guide = (folder / "模板说明.md").read_text(encoding="utf-8")
    assert "| `{{ t3.new_received.total }}` | 一、本年新收政府信息公开申请数量·总计（整数（件/个）） |" in guide
    assert "| `cn_date` |" in guide

    # As Word would save it: edit the copied template with python-docx — the preface, the signature, and a new
    # paragraph after section 六 that quotes a figure.
    path = folder / "report.docx"
    document = Document(str(path))
    preface = next(p for p in document.paragraphs if p.text.startswith("本报告根据"))
    preface.runs[0].text = preface.runs[0].text.replace("六个部分。", "六个部分。测试市政务公开办公室汇总编制。")
    signature = next(p for p in document.paragraphs if p.text == "{{ meta.body }}")
    signature.runs[0].text = "测试市人民政府办公室"
    other_loop_end = [p for p in document.paragraphs if p.text == "{%p endfor %}"][-1]
    added = copy.deepcopy(preface._p)
    other_loop_end._p.addnext(added)
    added_paragraph = Paragraph(added, preface._parent)
    for run_ in added_paragraph.runs[1:]:
        run_._r.getparent().remove(run_._r)
    added_paragraph.runs[0].text = "本年度新收申请{{ t3.new_received.total }}件，均已按期答复。"
    document.save(str(path))

    assert run("check-template", folder).exit_code == 0
    result = run(SAMPLE_CSV, "--template", "测试市", "-o", "out")
    assert result.exit_code == 0, result.output
    mine = docx_lines((tmp_path / "out" / "mengzhou-2023.docx").read_bytes())
    ours = docx_lines(rendered(SAMPLE_CSV)["docx"])
    new_preface = next(line for line in mine if "测试市政务公开办公室汇总编制" in line)
    assert [line for line in mine if line not in ours] == [
        new_preface,
        "Normal: 本年度新收申请146件，均已按期答复。",
        "Report Signature: 测试市人民政府办公室",
    ]
    html = (tmp_path / "out" / "mengzhou-2023.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html.parser")
    texts = [p.get_text() for p in page.find_all("p")]
    assert new_preface.split(": ", 1)[1] in texts
    assert "本年度新收申请146件，均已按期答复。" in texts
    assert "测试市人民政府办公室" in texts and "孟州市人民政府" not in texts
    # The new sentence sits in section 六, before the signature, as in Word.
    other = page.find("h2", id="other").parent
    assert [p.get_text() for p in other.find_all("p")][-2:] == [
        "本年度新收申请146件，均已按期答复。",
        "测试市人民政府办公室",
    ]
    data = load(SAMPLE_CSV)
    for key in schema.figures():
        assert page.find("td", attrs={"data-key": key}).get_text() == num(data.figures[key]), key


def test_new_template_refuses_to_overwrite(run):
    assert run("new-template", "a").exit_code == 0
    result = run("new-template", "a")
    assert result.exit_code == 3
    assert result.stderr == (
        "错误：文件夹 templates/a 已存在且不为空：请换一个名称、用 -o 指定新文件夹，或加 --overwrite 覆盖其中的模板文件。\n"
    )
    assert run("new-template", "a", "--overwrite").exit_code == 0


@pytest.mark.parametrize("name", ["", "a/b", "../x"])
def test_a_name_that_cannot_be_a_folder_is_a_usage_error(run, tmp_path, name):
    result = run("new-template", name)
    assert result.exit_code == 2
    assert f"模板名“{name}”只能包含字母、数字、汉字、下划线和连字符。" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_department_copy_keeps_working(run, tmp_path):
    assert run("new-template", "bureau", "--from", "department").exit_code == 0
    assert run("check-template", "templates/bureau").exit_code == 0
    assert run(DEPARTMENT_SAMPLE, "--template", "bureau", "-o", "out").exit_code == 0
    page = (tmp_path / "out" / "shili-jiaotong-2023.html").read_text(encoding="utf-8")
    assert "联系方式：示例市交通运输局办公室" in page


def test_docx_renders_bytes_that_python_docx_opens():
    outputs = rendered(SAMPLE_CSV, None, ["docx"])
    assert Document(io.BytesIO(outputs["docx"])).paragraphs


def test_copied_set_is_independent_of_the_source(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(builtin_templates_dir() / "department", tmp_path / "copy")
    assert find_template_set("copy").folders == (Path("copy"), builtin_templates_dir() / "default")


def test_without_a_choice_a_department_gets_the_department_set():
    assert rendered(DEPARTMENT_SAMPLE) == rendered(DEPARTMENT_SAMPLE, "department")  # its 机关类型 is 部门
    assert rendered(SAMPLE_CSV) == rendered(SAMPLE_CSV, "default")  # 孟州市人民政府 is a 政府


def test_a_misspelt_key_in_the_manifest_blocks_rendering(run, tmp_path):
    shutil.copytree(builtin_templates_dir() / "default", tmp_path / "city")
    manifest = tmp_path / "city" / "manifest.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("t3.carried_over.total", "t3.carried_ovr.total"), encoding="utf-8"
    )
    expected = "模板 manifest.toml [standard_paragraphs] narrative.overview.on_request：未知的变量“t3.carried_ovr.total”，是否应为“t3.carried_over.total”？"
    result = run("check-template", "city")
    assert result.exit_code == 1 and result.stdout.splitlines()[0] == expected
    rendering = run(SAMPLE_CSV, "--template", "city", "-o", "out")
    assert rendering.exit_code == 3 and rendering.stderr == f"错误：{expected}\n"


def test_a_contact_typed_with_its_label_is_printed_with_one_label(run, tmp_path):
    """The department set prints "联系方式：" itself; a clerk who typed it in the cell too does not see it twice."""
    values = read_values(ROOT / "data_samples" / "shili-jiaotong-2023.csv")
    values["meta.contact"] = "联系方式：本局办公室，电话 0391-8888888"
    path = tmp_path / "contact.csv"
    path.write_bytes(long_csv(values))
    assert load(path).meta["contact"] == "本局办公室，电话 0391-8888888"
    assert run(path, "-o", "out").exit_code == 0
    page = (tmp_path / "out" / "contact.html").read_text(encoding="utf-8")
    assert page.count("联系方式") == 1 and "联系方式：本局办公室" in page
