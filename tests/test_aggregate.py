"""aggregate: the total equals the column sums, validates, and summing valid bodies always gives a valid total."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from synthetic import synthetic_values

from generator import load, validate
from generator.bulk.aggregate import BREAKDOWN_SHEET, summed_values
from generator.cli.main import cli
from generator.format import schema
from generator.format.model import RawValue, assemble
from generator.workbook.csvfile import long_csv


def body(seed: int):
    return assemble(f"b{seed}.csv", {k: RawValue(v, "") for k, v in synthetic_values(seed).items()})


def test_a_total_named_as_another_format_is_a_usage_error_and_nothing_is_written(tmp_path):
    (tmp_path / "a.csv").write_bytes(long_csv(synthetic_values(1)))
    result = CliRunner().invoke(cli, ["aggregate", str(tmp_path / "a.csv"), "-o", str(tmp_path / "全市.csv")])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"错误：选项 -o 的值无效：输出文件应以 .xlsx 结尾：{tmp_path / '全市.csv'}"
    assert not (tmp_path / "全市.csv").exists()  # a workbook under a .csv name would not open as either


def test_total_workbook_equals_the_column_sums_and_validates(tmp_path):
    seeds = range(30)
    for seed in seeds:
        (tmp_path / f"body-{seed}.csv").write_bytes(long_csv(synthetic_values(seed)))
    (tmp_path / "broken.csv").write_text("key,value\nmeta.body,x\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["aggregate", str(tmp_path / "*.csv"), "-o", str(tmp_path / "全市.xlsx"), "--body", "示例市人民政府"]
    )
    assert result.exit_code == 1  # broken.csv was left out, and said so
    assert "已生成：" in result.stdout and "（汇总 30 个单位）" in result.stdout
    assert "未计入：" in result.stdout and "broken.csv" in result.stdout
    total = load(tmp_path / "全市.xlsx")
    assert total.body == "示例市人民政府" and total.year == 2023
    bodies = [synthetic_values(seed) for seed in seeds]
    for key in schema.figures():
        expected = sum(Decimal(values[key]) for values in bodies)
        assert Decimal(total.figures[key]) == expected, key
    assert validate(total).valid
    sheet = openpyxl.load_workbook(tmp_path / "全市.xlsx")[BREAKDOWN_SHEET]
    assert sheet.max_row == 2 + 30 + 1
    assert sheet.cell(sheet.max_row, 1).value == "合计"
    assert sheet.cell(2, 2).value == "t2.art20_1.regulations.issued"


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12, unique=True))
def test_summing_valid_bodies_gives_a_valid_total(seeds):
    bodies = [body(seed) for seed in seeds]
    assert all(validate(b).valid for b in bodies)
    values = summed_values(bodies, "汇总")
    total = assemble("total", {k: RawValue(v, "") for k, v in values.items()})
    assert [f for f in validate(total).errors] == []


def test_reruns_other_years_and_duplicates_are_left_out(run, tmp_path):
    for seed in (1, 2):
        (tmp_path / f"b{seed}.csv").write_bytes(long_csv(synthetic_values(seed)))
    (tmp_path / "b1-copy.csv").write_bytes(long_csv(synthetic_values(1)))  # the same body again
    (tmp_path / "old.csv").write_bytes(long_csv(synthetic_values(3, year=2022)))
    first = run("aggregate", ".", "-o", "全市.xlsx", "--year", "2023")
    assert "（汇总 2 个单位）" in first.stdout
    assert first.stdout.count("是同一机关、同一年度（示例县第1局），数字相同，只计一次") == 1  # b1.csv or its copy
    assert first.exit_code == 0  # what was left out was expected: another year, an identical copy
    assert "old.csv：报告年度为 2022，不是要汇总的 2023 年" in first.stdout
    again = run("aggregate", ".", "-o", "全市2.xlsx", "--year", "2023")
    assert "（汇总 2 个单位）" in again.stdout
    assert "全市.xlsx：这是汇总生成的工作簿（含“分单位明细”表），不再计入" in again.stdout
    assert load(tmp_path / "全市.xlsx").figures == load(tmp_path / "全市2.xlsx").figures


def test_a_second_copy_with_other_figures_is_a_problem(run, tmp_path):
    (tmp_path / "a.csv").write_bytes(long_csv(synthetic_values(1)))
    changed = synthetic_values(1)
    changed["t2.art20_6.penalty.decisions"] = str(int(changed["t2.art20_6.penalty.decisions"]) + 1)
    (tmp_path / "b.csv").write_bytes(long_csv(changed))
    result = run("aggregate", "a.csv", "b.csv", "-o", "全市.xlsx")
    assert result.exit_code == 1
    assert (
        "b.csv：与 a.csv 是同一机关、同一年度（示例县第1局），但数字不同：只计入了 a.csv，请确认用哪一份"
        in result.stdout
    )
    assert "提示：未用 --body 指定发布机关，汇总报告暂以“汇总”为发布机关" in result.stdout


def test_the_streamed_breakdown_opens_in_libreoffice(tmp_path):
    """The breakdown sheet is written into the zip by hand: LibreOffice reads it back with every figure."""
    from conftest import soffice_convert

    for seed in range(5):
        (tmp_path / f"b{seed}.csv").write_bytes(long_csv(synthetic_values(seed)))
    result = CliRunner().invoke(cli, ["aggregate", str(tmp_path / "b*.csv"), "-o", str(tmp_path / "全市.xlsx")])
    assert result.exit_code == 0, result.output
    resaved = soffice_convert(tmp_path / "全市.xlsx", "xlsx", tmp_path / "lo")
    sheet = openpyxl.load_workbook(resaved)[BREAKDOWN_SHEET]
    keys = [cell.value for cell in sheet[2]][1:]
    assert keys == list(schema.figures())
    fee = keys.index("t2.art20_8.admin_fees.amount_wan_yuan") + 2
    total = sum(Decimal(synthetic_values(seed)["t2.art20_8.admin_fees.amount_wan_yuan"]) for seed in range(5))
    assert sheet.cell(8, 1).value == "合计" and Decimal(str(sheet.cell(8, fee).value)) == total
    assert load(resaved).figures == load(tmp_path / "全市.xlsx").figures


def test_relative_inputs_are_shown_as_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "各单位").mkdir()
    (tmp_path / "各单位" / "甲.csv").write_bytes(long_csv(synthetic_values(1)))
    (tmp_path / "各单位" / "坏.csv").write_text("x\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["aggregate", "各单位", "-o", "汇总.xlsx", "--body", "某市"])
    assert result.exit_code == 1
    assert f"未计入：{Path('各单位', '坏.csv')}：第 1 行应为表头" in result.stdout
    assert str(tmp_path) not in result.output
