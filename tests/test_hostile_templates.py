"""Template sets from other offices: only their own files, no scripts, bounded rendering, plain messages."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from conftest import SAMPLE_CSV, SAMPLE_XLSX

from generator.jinja.sets import builtin_templates_dir
from generator.workbook.csvfile import long_csv

SECRET = "机密：不得外传的内容 8d0f3c"


@pytest.fixture
def secret(tmp_path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


def outputs_text(folder: Path) -> str:
    if not folder.exists():
        return ""
    return "".join(p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file())


def make_set(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "tpl"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("__", ".")).write_text(text, encoding="utf-8")
    return folder


LINK_CASES = {
    "the page template": ("report.html.j2", None),
    "the style sheet": ("style.css", None),
    "an included file": (
        "part.html",
        '{% extends "default/report.html.j2" %}{% block preface %}{% include "part.html" %}{% endblock %}',
    ),
    "the manifest": ("manifest.toml", None),
    "the Word template": ("report.docx", None),
}


@pytest.mark.parametrize("case", list(LINK_CASES))
def test_a_link_to_a_secret_file_never_reaches_any_output(run, tmp_path, secret, case):
    link, page = LINK_CASES[case]
    folder = make_set(tmp_path)
    if page is not None:
        (folder / "report.html.j2").write_text(page, encoding="utf-8")
    (folder / link).symlink_to(secret)
    checked = run("check-template", folder)
    assert checked.exit_code in (1, 3) and "模板集以外的链接" in checked.output
    result = run(SAMPLE_CSV, "--template", folder, "-o", "out")
    assert result.exit_code == 3 and "模板集以外的链接" in result.stderr
    assert SECRET not in result.output + outputs_text(tmp_path / "out")
    assert "内部错误" not in result.output


def test_a_linked_folder_of_includes_is_refused(run, tmp_path, secret):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(secret, outside / "part.html")
    folder = make_set(
        tmp_path,
        report__html__j2='{% extends "default/report.html.j2" %}{% block preface %}{% include "parts/part.html" %}{% endblock %}',
    )
    (folder / "parts").symlink_to(outside, target_is_directory=True)
    result = run(SAMPLE_CSV, "--template", folder, "-o", "out")
    assert result.exit_code == 3 and "模板集以外的链接" in result.stderr
    assert SECRET not in result.output + outputs_text(tmp_path / "out")


def test_new_template_never_copies_a_link_s_target(run, tmp_path, secret):
    folder = make_set(tmp_path)
    (folder / "style.css").symlink_to(secret)
    result = run("new-template", "copy", "--from", folder)
    assert result.exit_code == 3 and "模板集以外的链接" in result.stderr
    assert SECRET not in outputs_text(tmp_path / "templates")


def test_a_default_folder_in_the_working_folder_changes_nothing(run, tmp_path):
    assert run(SAMPLE_XLSX, "-o", "plain").exit_code == 0
    for folder in (tmp_path / "default", tmp_path / "templates" / "default"):
        folder.mkdir(parents=True)
        (folder / "report.html.j2").write_text("被替换的网页", encoding="utf-8")
        (folder / "manifest.toml").write_text('name = "default"', encoding="utf-8")
    assert run(SAMPLE_XLSX, "-o", "shadowed").exit_code == 0
    assert run(SAMPLE_XLSX, "--template", "default", "-o", "named").exit_code == 0
    for name in ("mengzhou-2023.html", "mengzhou-2023.docx"):
        plain = (tmp_path / "plain" / name).read_bytes()
        assert (tmp_path / "shadowed" / name).read_bytes() == plain
        assert (tmp_path / "named" / name).read_bytes() == plain
    assert run(SAMPLE_XLSX, "--template", "./default", "-o", "own").exit_code == 0  # a path is taken as asked
    own = (tmp_path / "own" / "mengzhou-2023.html").read_text(encoding="utf-8")
    assert "<body>\n被替换的网页\n</body>" in own and "Content-Security-Policy" in own  # framed by the sanitiser


@pytest.mark.parametrize("folder", ["/", "/etc", "empty"])
def test_a_folder_without_template_files_is_not_a_set(run, tmp_path, folder):
    (tmp_path / "empty").mkdir()
    result = run(SAMPLE_CSV, "--template", folder, "-o", "out")
    assert result.exit_code == 3
    assert result.stderr == (
        f"错误：文件夹 {folder} 不是模板集：其中没有 report.docx、report.html.j2、style.css、manifest.toml 中的任何一个文件。\n"
    )
    assert not (tmp_path / "out").exists()


NESTED_LOOPS = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"


@pytest.mark.parametrize(
    ("file", "text"),
    [
        ("report.html.j2", NESTED_LOOPS),
        ("report.html.j2", "{% for a in range(100000) %}{% for b in range(100000) %}xx{% endfor %}{% endfor %}"),
        ("style.css", NESTED_LOOPS),
        (
            "report.html.j2",
            "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
        ),
        ("report.html.j2", "{{ 'x' * 1000000000 }}"),
        ("report.html.j2", "{{ 'x'|center(1000000000) }}"),
        ("report.html.j2", "{{ '%999999999d' % 1 }}"),
        ("report.html.j2", "{{ 9 ** 99999999 }}"),
        ("report.html.j2", "{% macro d(s) %}{{ d(s ~ s) }}{% endmacro %}{{ d('x') }}"),
    ],
)
def test_a_template_that_would_not_end_stops_within_seconds(run, tmp_path, file, text):
    folder = make_set(tmp_path)
    (folder / file).write_text(text, encoding="utf-8")
    start = time.monotonic()
    result = run(SAMPLE_CSV, "--template", folder, "-o", "out", "--format", "html")
    assert time.monotonic() - start < 20
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith("错误：模板 ") and result.stderr.count("\n") == 1
    assert "内部错误" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_check_template_names_a_loop_in_the_style_sheet(run, tmp_path):
    folder = make_set(tmp_path, style__css=NESTED_LOOPS)
    result = run("check-template", folder)
    assert result.exit_code == 1
    assert "循环" in result.stdout and "style.css" in result.stdout


def test_a_manifest_paragraph_with_a_loop_is_refused_not_run(run, tmp_path):
    folder = make_set(
        tmp_path,
        manifest__toml='[standard_paragraphs]\n"narrative.other" = "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}"\n',
    )
    checked = run("check-template", folder)
    assert checked.exit_code == 1 and "不能使用 {% … %}" in checked.stdout
    start = time.monotonic()
    assert run(SAMPLE_CSV, "--template", folder, "-o", "out").exit_code == 3
    assert time.monotonic() - start < 20


@pytest.mark.parametrize(
    ("file", "text", "what"),
    [
        (
            "report.html.j2",
            '{% extends "default/report.html.j2" %}{% block preface %}<script>alert(1)</script>{% endblock %}',
            "<script>",
        ),
        (
            "report.html.j2",
            '{% extends "default/report.html.j2" %}{% block preface %}<p onclick="steal()">x</p>{% endblock %}',
            "事件属性",
        ),
        (
            "report.html.j2",
            '{% extends "default/report.html.j2" %}{% block preface %}<a href="javascript:go()">x</a>{% endblock %}',
            "javascript:",
        ),
        ("style.css", "body { background: url(javascript:alert(1)) }", "javascript:"),
        ("style.css", "p { width: expression(alert(1)) }", "表达式"),
    ],
)
def test_scripts_in_a_set_s_page_or_styles_are_refused(run, tmp_path, file, text, what):
    folder = make_set(tmp_path)
    (folder / file).write_text(text, encoding="utf-8")
    checked = run("check-template", folder)
    assert checked.exit_code == 1 and what in checked.stdout and file in checked.stdout
    assert run(SAMPLE_CSV, "--template", folder, "-o", "out").exit_code == 3


def test_a_gbk_page_template_is_one_plain_line(run, tmp_path):
    folder = make_set(tmp_path)
    (folder / "report.html.j2").write_bytes("<p>本地模板 {{ meta.body }}</p>".encode("gbk"))
    line = f"错误：模板文件不是 UTF-8 编码，请另存为 UTF-8：{folder / 'report.html.j2'}\n"
    result = run(SAMPLE_CSV, "--template", folder, "-o", "out")
    assert result.exit_code == 3 and result.stderr == line
    checked = run("check-template", folder)
    assert checked.exit_code == 3 and checked.stderr == line


def test_a_byte_order_mark_never_reaches_the_page(run, tmp_path):
    page = (builtin_templates_dir() / "default" / "report.html.j2").read_text(encoding="utf-8")
    style = (builtin_templates_dir() / "default" / "style.css").read_text(encoding="utf-8")
    manifest = (builtin_templates_dir() / "default" / "manifest.toml").read_text(encoding="utf-8")
    folder = make_set(tmp_path)
    for name, text in (("report.html.j2", page), ("style.css", style), ("manifest.toml", manifest)):
        (folder / name).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))  # as Windows Notepad saves
    result = run(SAMPLE_CSV, "--template", folder, "-o", "out", "--format", "html")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "mengzhou-2023.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "\ufeff" not in html


def test_jinja_s_own_wording_is_translated(run, tmp_path):
    folder = make_set(tmp_path, report__html__j2="<p>{% 未完 %}</p>")
    result = run(SAMPLE_CSV, "--template", folder, "-o", "out")
    assert result.exit_code == 3
    assert "未知的标签「未完」" in result.stderr and "Encountered" not in result.stderr
    assert "未知的标签「未完」" in run("check-template", folder).stdout


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ('standard_paragraphs = "本年度无"', "“standard_paragraphs”应为表"),
        ("name = 3", "“name”应为文字"),
        ('[standard_paragraphs]\n"narrative.other" = 5', "[standard_paragraphs] 中的“narrative.other”应为文字"),
        ("name = ", "格式错误"),
    ],
)
def test_manifest_values_of_the_wrong_type_are_named(run, tmp_path, manifest, message):
    folder = make_set(tmp_path, manifest__toml=manifest)
    result = run(SAMPLE_CSV, "--template", folder, "-o", "out")
    assert result.exit_code == 3 and message in result.stderr and result.stderr.count("\n") == 1
    assert "内部错误" not in result.stderr


def test_a_word_template_that_is_not_a_zip_is_named(run, tmp_path):
    folder = make_set(tmp_path)
    (folder / "report.docx").write_text("这不是 Word 文件", encoding="utf-8")
    result = run(SAMPLE_CSV, "--template", folder, "-o", "out")
    assert result.exit_code == 3 and "不是有效的 Word（.docx）文件" in result.stderr
    assert "内部错误" not in result.stderr


def test_a_nested_loop_in_the_narrative_is_never_run(run, tmp_path, sample_values):
    """Narrative is data: a loop typed into a cell is a finding, and a forced report prints it as written."""
    sample_values["narrative.problems"] = NESTED_LOOPS.replace("{% endfor %}{% endfor %}", "x{% endfor %}{% endfor %}")
    (tmp_path / "d.csv").write_bytes(long_csv(sample_values))
    start = time.monotonic()
    checked = run("validate", "d.csv")
    assert checked.exit_code == 1 and "不能使用 {% … %}" in checked.stdout
    forced = run("d.csv", "-o", "out", "--force", "--format", "html")
    assert time.monotonic() - start < 20
    assert forced.exit_code == 1
    page = (tmp_path / "out" / "d.html").read_text(encoding="utf-8")
    assert "{% for a in range(100000) %}" in page.replace("&#39;", "'") and "xxxx" not in page
