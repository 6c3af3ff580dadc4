"""The command line: exit codes, exact Chinese lines, JSON equal to the library's report, atomic outputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE_CSV, SAMPLE_XLSX, lines_with

from generator import load, validate
from generator.format import schema


def test_validate_sample_text(run):
    result = run("validate", SAMPLE_XLSX)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "[警告 W-meta] 基本信息!C4未填写「发布日期」（meta.issue_date）。报告末尾将不显示发布日期。",
        "mengzhou-2023.xlsx：校验通过，0 个错误，1 个警告。",
    ]


def test_validate_json_is_the_library_report(run):
    result = run("validate", SAMPLE_CSV, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == validate(load(SAMPLE_CSV)).to_dict()


def test_strict_turns_warnings_into_exit_1(run):
    assert run("validate", SAMPLE_CSV, "--strict").exit_code == 1


@pytest.mark.parametrize(
    "key", ["t3.unable.not_held.natural_person", "t3.carried_forward.org_other", "t4.review.total"]
)
def test_breaking_a_figure_exits_1_naming_its_key(run, sample_values, write_data, key):
    sample_values[key] = str(int(sample_values[key]) + 7)
    result = run("validate", write_data(sample_values, "broken.xlsx"), "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert key in [f["key"] for f in findings if f["severity"] == "error"]
    assert all({"code", "severity", "key", "message"} <= f.keys() for f in findings)


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_findings_in_json_carry_their_location_as_fields(run, sample_values, write_data, suffix):
    sample_values["t3.granted.org_legal_service"] = "无"
    result = run("validate", write_data(sample_values, f"d.{suffix}"), "--format", "json")
    finding = next(f for f in json.loads(result.stdout)["findings"] if f["code"] == "E-cell")
    where = {"sheet": "表三", "cell": "H7", "line": None} if suffix == "xlsx" else {"sheet": "", "cell": ""}
    assert finding | where == finding
    assert suffix == "xlsx" or finding["line"] == list(sample_values).index("t3.granted.org_legal_service") + 2
    assert (finding["table"], finding["row_key"], finding["column_key"]) == ("t3", "granted", "org_legal_service")
    assert (finding["variant"], finding["params"]["raw"]) == ("placeholder", "无")
    assert finding["location"] in finding["message"]


def test_text_in_a_figure_cell_fails_with_a_chinese_message(run, sample_values, write_data):
    sample_values["t3.granted.org_legal_service"] = "无"
    result = run("validate", write_data(sample_values, "d.xlsx"))
    assert result.exit_code == 1
    assert (
        "[错误 E-cell] 表三!H7「（一）予以公开·法律服务机构」填写了「无」：请改为数字，没有发生请填写 0。"
        in result.stdout
    )


def test_unreadable_input_exits_3_with_one_line(run, tmp_path):
    fake = tmp_path / "年报.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    result = run("validate", fake)
    assert result.exit_code == 3
    assert result.stderr == "错误：年报.xlsx：不是有效的 Excel 工作簿（.xlsx），无法打开（文件已损坏或不完整）。\n"
    assert "Traceback" not in result.output
    assert run(fake).exit_code == 3
    assert list(tmp_path.glob("*.docx")) == [] and list(tmp_path.glob("*.html")) == []


def test_missing_input_exits_3(run):
    result = run("validate", "没有这个文件.csv")
    assert result.exit_code == 3
    assert result.stderr == "错误：找不到数据文件：没有这个文件.csv\n"


def test_usage_errors_exit_2(run):
    assert run("validate", SAMPLE_CSV, "--format", "xml").exit_code == 2
    assert run("validate").exit_code == 2
    assert run(SAMPLE_CSV, "--format", "rtf,html").exit_code == 2


def test_render_writes_docx_and_html(run, tmp_path):
    result = run(SAMPLE_XLSX, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))
    assert written == ["mengzhou-2023.docx", "mengzhou-2023.html"]  # and the hidden record of what was written
    assert f"已生成：{tmp_path / 'out' / 'mengzhou-2023.html'}" in result.stdout
    assert run("render", SAMPLE_CSV, "--format", "html").exit_code == 0
    assert [p.name for p in tmp_path.glob("*.html")] == ["mengzhou-2023.html"]


def test_invalid_data_writes_nothing_and_keeps_earlier_outputs(run, sample_values, write_data, tmp_path):
    good = write_data(sample_values, "report.csv")
    assert run(good, "-o", "out").exit_code == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    sample_values["t3.granted.natural_person"] = "54"
    write_data(sample_values, "report.csv")
    result = run(good, "-o", "out")
    assert result.exit_code == 1
    assert "未生成报告：请先改正以上错误（或用 --force 强制生成）。" in result.stderr
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == before


def test_force_writes_a_report_that_says_it_failed(run, sample_values, write_data, tmp_path):
    from bs4 import BeautifulSoup
    from docx import Document

    sample_values["t3.granted.natural_person"] = "—"
    result = run(write_data(sample_values, "bad.csv"), "--force", "-o", "out")
    assert result.exit_code == 1
    page = BeautifulSoup((tmp_path / "out" / "bad.html").read_text(encoding="utf-8"), "html.parser")
    first = page.main.get_text("\n", strip=True).splitlines()[0]  # the skip links before it are off screen
    assert first == "【本报告未通过数据校验，共 1 个错误，不得发布】"
    assert page.get_text().count(first) == 1  # the Word report's banner line is the page's own banner
    document = Document(str(tmp_path / "out" / "bad.docx"))
    assert document.paragraphs[0].text == "【本报告未通过数据校验，共 1 个错误，不得发布】"


def test_broken_template_writes_nothing(run, tmp_path):
    shutil.copytree(Path(__file__).parent.parent / "templates" / "default", tmp_path / "mine")
    html = tmp_path / "mine" / "report.html.j2"
    html.write_text(html.read_text(encoding="utf-8").replace("{{ meta.title }}", "{{ meta.titel }}"), encoding="utf-8")
    result = run(SAMPLE_CSV, "--template", tmp_path / "mine", "-o", "out")
    assert result.exit_code == 3
    first, second = lines_with(html, "{{ meta.titel }}")
    assert result.stderr.splitlines() == [
        f"错误：模板 report.html.j2 第 {first} 行：未知的变量“meta.titel”，是否应为“meta.title”？",
        f"模板 report.html.j2 第 {second} 行：未知的变量“meta.titel”，是否应为“meta.title”？",
    ]
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_schema_listing(run):
    as_json = json.loads(run("schema", "--format", "json").stdout)
    assert len(as_json) == len(schema.META_FIELDS) + 200 + len(schema.NARRATIVE_FIELDS)
    by_key = {row["key"]: row for row in as_json}
    assert by_key["t3.granted.total"] == {
        "key": "t3.granted.total",
        "label": "（一）予以公开·总计",
        "kind": "count",
        "required": True,
        "location": "表三!J7",
    }
    assert by_key["meta.body"]["label"] == "发布机关"
    as_csv = run("schema", "--format", "csv").stdout.splitlines()
    assert as_csv[0] == "键,名称,类型,必填,工作簿位置"  # people open it in Excel; scripts read the JSON
    assert "t3.granted.total,（一）予以公开·总计,整数（件/个）,是,表三!J7" in as_csv
    assert "narrative.problems,五、存在的主要问题及改进情况,文字,否,正文!C8" in as_csv
    text = run("schema").stdout.splitlines()
    assert (
        "t2.art20_8.admin_fees.amount_wan_yuan\t行政事业性收费·本年收费金额（单位：万元）\twan_yuan\t表二!B15" in text
    )


def test_schema_writes_a_file_in_the_format_its_name_says(run, tmp_path):
    result = run("schema", "-o", "键.csv")
    assert (result.exit_code, result.stdout) == (0, "已生成：键.csv\n")
    written = (tmp_path / "键.csv").read_bytes()
    assert written.startswith("\ufeff键,名称,类型,必填,工作簿位置\n".encode())  # the BOM Excel needs
    assert written.decode("utf-8-sig") == run("schema", "--format", "csv").stdout
    assert run("schema", "-o", "键.json").exit_code == 0
    assert json.loads((tmp_path / "键.json").read_text(encoding="utf-8")) == json.loads(
        run("schema", "--format", "json").stdout
    )
    refused = run("schema", "--format", "json", "-o", "键2.csv")
    assert refused.exit_code == 2 and not (tmp_path / "键2.csv").exists()


def test_json_output_even_when_the_file_cannot_be_read(run):
    result = run("validate", "没有.csv", "--format", "json")
    assert result.exit_code == 3
    assert json.loads(result.stdout) == {
        "source": "没有.csv",
        "valid": False,
        "cannot_run": "找不到数据文件：没有.csv",
        "findings": [],
    }


def test_previous_year_file_is_named_as_such(run):
    result = run("validate", SAMPLE_CSV, "--previous", "去年.xlsx")
    assert result.exit_code == 3
    assert result.stderr == "错误：上年数据（--previous）：找不到数据文件：去年.xlsx\n"


def test_office_spellings_are_accepted(run, sample_values, write_data, tmp_path):
    sample_values["meta.year"] = "2023年"
    assert run(write_data(sample_values, "d.csv"), "--format", "docx，html", "-o", "out").exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").glob("[!.]*")) == ["d.docx", "d.html"]


def test_a_closed_pipe_is_not_an_internal_error():
    import subprocess
    import sys

    result = subprocess.run(
        f"{sys.executable} -m generator schema | head -1", shell=True, capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("meta.body")
    assert "内部错误" not in result.stderr and "Traceback" not in result.stderr


def test_no_program_words_in_why_a_file_would_not_open(run, tmp_path):
    """Class names such as BadZipFile reach other units in the audit's notice: each is said in Chinese."""
    import re
    import zipfile

    truncated = tmp_path / "截断.xlsx"
    truncated.write_bytes(SAMPLE_XLSX.read_bytes()[:-4000])  # a download that stopped early
    broken = tmp_path / "损坏.xlsx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    for path in (truncated, broken):
        result = run("validate", path)
        assert result.exit_code == 3
        assert not re.search(r"[A-Za-z]{4,}(Error|Exception|File)\b", result.stderr), result.stderr
