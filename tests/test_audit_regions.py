"""Bodies grouped by region, from their names or the office's mapping file (地区.csv or .xlsx): a roll-up per region
on the page, in the workbook and in the JSON; a bad mapping file is one Chinese line naming the file and row, exit 2."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from generator.cli.main import cli
from generator.format.bodies import region
from generator.workbook.csvfile import long_csv

BODIES = ("淮安市洪泽区人民政府", "淮安市洪泽区交通运输局", "江苏省淮安市淮阴区人民政府", "国家统计局某调查队")


def audit(cwd: Path, *args: object) -> tuple[int, str, str]:
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(cli, ["audit", *map(str, args)], prog_name="generate-report")
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def folder(tmp_path, sample_values) -> Path:
    """Four bodies' workbooks: 洪泽区's government with a broken total (two errors), the others clean."""
    reports = tmp_path / "reports"
    reports.mkdir()
    for number, body in enumerate(BODIES):
        values = dict(sample_values, **{"meta.body": body})
        if number == 0:
            values["t3.granted.total"] = str(int(values["t3.granted.total"]) + 1)
        (reports / f"{number}.csv").write_bytes(long_csv(values))
    return tmp_path


def test_a_bodys_region_is_the_place_its_name_begins_with():
    assert [region(body) for body in BODIES] == ["洪泽区", "洪泽区", "淮阴区", ""]
    assert region("孟州市人民政府办公室") == "孟州市"


def regions_of(out: Path) -> tuple[list[list[str]], list[tuple]]:
    page = BeautifulSoup((out / "审查报告.html").read_text(encoding="utf-8"), "html.parser")
    shown = [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in page.select("#regions-caption ~ tbody tr")]
    sheet = openpyxl.load_workbook(out / "审查结果.xlsx")["各地区"]
    return shown, list(sheet.iter_rows(values_only=True))


def test_bodies_are_rolled_up_by_the_region_their_names_say(folder, sample_values):
    code, stdout, err = audit(folder, "reports", "-o", "out", "--format", "json")
    assert code == 1, err
    warnings = sum(1 for f in json.loads(stdout)["reports"][1]["findings"] if f["severity"] == "warning")
    regions = json.loads(stdout)["regions"]
    assert [(r["region"], r["reports"], r["failed"], r["errors"]) for r in regions] == [
        ("洪泽区", 2, 1, 2),
        ("淮阴区", 1, 0, 0),
        ("（未能确定地区）", 1, 0, 0),
    ]
    assert {r["warnings"] for r in regions[1:]} == {warnings} and regions[0]["warnings"] == 2 * warnings
    assert {r["unread"] for r in regions} == {0} and {r["confirmed"] for r in regions} == {0}
    shown, sheet = regions_of(folder / "out")
    assert shown[0] == ["洪泽区", "2", "1", "2", str(2 * warnings), "0", "0"]
    assert [row[0] for row in shown] == ["洪泽区", "淮阴区", "（未能确定地区）"]
    assert sheet[0] == ("地区", "报告份数", "未通过", "错误", "警告", "未能识别的格", "属实")
    assert [list(map(str, row)) for row in sheet[1:]] == shown


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_offices_mapping_file_puts_bodies_in_its_regions(folder, suffix):
    rows = [("地区", "单位名称"), ("交通系统", "洪泽区交通运输局"), ("统计系统", "国家统计局某调查队"), ("", "")]
    mapping = folder / f"地区{suffix}"
    if suffix == ".csv":
        mapping.write_text("\n".join(",".join(row) for row in rows), encoding="gbk")
    else:
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(mapping)
    code, stdout, err = audit(folder, "reports", "-o", "out", "--format", "json", "--regions", mapping.name)
    assert code == 1, err
    regions = [(r["region"], r["reports"], r["errors"]) for r in json.loads(stdout)["regions"]]
    assert regions == [("交通系统", 1, 0), ("洪泽区", 1, 2), ("淮阴区", 1, 0), ("统计系统", 1, 0)]
    assert [row[0] for row in regions_of(folder / "out")[0]] == ["交通系统", "洪泽区", "淮阴区", "统计系统"]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("地区.csv", "单位,地区\n某局,某区\n", "地区.csv：第 1 行应为表头“单位名称”“地区”，实际为“单位，地区”。"),
        ("地区.csv", "单位名称,地区\n某局,某区\n某办,\n", "地区.csv：第 3 行缺少地区。"),
        (
            "地区.csv",
            "单位名称,地区\n某局,甲区\n某 局,乙区\n",
            "地区.csv：第 3 行把“某 局”归入“乙区”，但第 2 行已归入“甲区”。",
        ),
        ("地区.txt", "单位名称,地区\n", "地区.txt：地区对照表应为 .csv 或 .xlsx 文件（两列：单位名称、地区）。"),
        ("地区.xlsx", "not a workbook", "地区.xlsx：无法作为 .xlsx 工作簿打开（"),
    ],
)
def test_a_bad_mapping_file_is_one_line_naming_the_row_and_exit_2(folder, name, text, message):
    (folder / name).write_text(text, encoding="utf-8")
    code, stdout, err = audit(folder, "reports", "-o", "out", "--regions", name)
    assert code == 2 and err.startswith(f"错误：{message}") and err.count("\n") == 1, err
    assert not (folder / "out").exists()  # nothing read, nothing written
    code, _, err = audit(folder, "reports", "-o", "out", "--regions", "无此文件.csv")
    assert code == 2 and err == "错误：找不到地区对照表：无此文件.csv\n"
