"""The audit as an office keeps it: 审查结果.xlsx filled in by a reviewer (and saved again by LibreOffice, as WPS or
Excel would) read back with --review; a false alarm no longer counts, a corrected figure is checked again, later runs
remember, a report whose content changes starts fresh; bad input is one Chinese line naming the sheet and cell."""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import unquote

import docx
import openpyxl
import pytest
from browserkit import AXE_JS, INSTALL_HINT, open_page
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import soffice_convert
from synthetic import published_page, synthetic_values
from test_accessibility import AXE_RUN, CONTRAST, describe

from generator.audit.review import REVIEW_COLUMNS
from generator.checks.findings import without_keys
from generator.cli.main import cli
from generator.workbook.csvfile import long_csv

HEADER = [name for name, _ in REVIEW_COLUMNS]
REASON = "原表另有附注，经电话核实合计无误"


def audit(cwd: Path, *args: object) -> tuple[int, str, str]:
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(cli, ["audit", *map(str, args)], prog_name="generate-report")
    return result.exit_code, result.stdout, result.stderr


def rows(database: Path, query: str, *params: object) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(database)) as db:
        return db.execute(query, params).fetchall()


def broken_and_clean(folder: Path) -> dict[str, str]:
    """Two bodies' reports: 第7局 with a total three more than its items (two errors), 第8局 clean."""
    folder.mkdir(parents=True, exist_ok=True)
    broken = synthetic_values(7, 2023)
    broken["t3.granted.total"] = str(int(broken["t3.granted.total"]) + 3)
    (folder / "a.html").write_bytes(published_page(broken))
    (folder / "b.html").write_bytes(published_page(synthetic_values(8, 2023)))
    return broken


def fill(workbook: Path, **by_row: tuple[str, ...]) -> None:
    """Fill the review columns of the findings sheet: row number (as r2, r3) -> (核实结论, 核实说明[, 更正值])."""
    book = openpyxl.load_workbook(workbook)
    sheet = book["审查结果"]
    header = [cell.value for cell in sheet[1]]
    for name, values in by_row.items():
        for column, value in zip(HEADER[1:], values, strict=False):
            sheet.cell(int(name[1:]), header.index(column) + 1, value)
    book.save(workbook)


def resaved(workbook: Path, scratch: Path) -> Path:
    """The workbook saved again by LibreOffice (as WPS or Excel would), back in its own place."""
    converted = soffice_convert(workbook, "xlsx", scratch)
    shutil.copy(converted, workbook)
    return workbook


def findings_sheet(workbook: Path) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(workbook)["审查结果"]
    table = list(sheet.iter_rows(values_only=True))
    return [dict(zip(table[0], row, strict=True)) for row in table[1:]]


def counted(out: Path) -> dict[str, tuple[str, int]]:
    return {
        body: (status, errors)
        for body, status, errors in rows(out / "审查.sqlite", "SELECT body, status, errors FROM reports")
    }


def notice_text(out: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(out / "审查通报.docx")).paragraphs)


def test_a_false_alarm_no_longer_counts_and_is_remembered(tmp_path):
    """The issue's check: two bodies, one with a broken total; its first error marked 误报 with a reason in
    审查结果.xlsx (saved again by LibreOffice); --review: it no longer counts; again without --review: the same;
    the reason is in the database."""
    broken_and_clean(tmp_path / "reports")
    code, _, err = audit(tmp_path, "reports", "-o", "out")
    assert code == 1, err
    out = tmp_path / "out"
    workbook = out / "审查结果.xlsx"
    before = findings_sheet(workbook)
    assert [(row["代码"], row["核实结论"]) for row in before] == [("E-row-total", None), ("E-col-total", None)]
    first = before[0]
    assert counted(out)["示例县第7局"] == ("failed", 2)
    fill(workbook, r2=("误报", REASON))
    resaved(workbook, tmp_path / "lo")

    code, stdout, err = audit(tmp_path, "reports", "-o", "out", "--review", "out/审查结果.xlsx")
    assert code == 1, err  # the other error still counts
    assert "已记入核实结论 1 条。" in stdout and "错误 1 处" in stdout
    for attempt in ("with --review", "without"):
        assert counted(out)["示例县第7局"] == ("failed", 1), attempt
        sheet = findings_sheet(workbook)
        assert [(row["编号"], row["核实结论"], row["核实说明"]) for row in sheet][0] == (first["编号"], "误报", REASON)
        notice = notice_text(out)
        assert without_keys(first["说明"]) not in notice and without_keys(before[1]["说明"]) in notice
        page = BeautifulSoup((out / "审查报告.html").read_text(encoding="utf-8"), "html.parser")
        assert "发现错误 1 处" in page.get_text()
        code, stdout, _ = audit(tmp_path, "reports", "--db", "out/审查.sqlite", "--format", "json")
        entry = next(e for e in json.loads(stdout)["reports"] if e["body"] == "示例县第7局")
        assert [f["code"] for f in entry["findings"]] == ["E-col-total"] and entry["false_alarms"] == 1
        code, stdout, err = audit(tmp_path, "reports", "-o", "out")
        assert code == 1 and "已记入核实结论" not in stdout and "错误 1 处" in stdout, err

    ((verdict, note, workbook_cell, at),) = rows(
        out / "审查.sqlite",
        "SELECT verdict, note, workbook, recorded_at FROM verdicts WHERE finding_id = ?",
        first["编号"],
    )
    assert (verdict, note, workbook_cell) == ("false_alarm", REASON, "审查结果.xlsx 工作表“审查结果”M2 格")
    assert at.endswith("+00:00") and at[:4].isdigit()


def test_the_id_is_the_reports_content_the_code_and_the_key(tmp_path):
    broken_and_clean(tmp_path / "reports")
    assert audit(tmp_path, "reports", "-o", "out")[0] == 1
    sheet = findings_sheet(tmp_path / "out" / "审查结果.xlsx")
    content = hashlib.sha256((tmp_path / "reports" / "a.html").read_bytes()).hexdigest()
    for row in sheet:
        digest = hashlib.sha256(f"{content}\n{row['代码']}\n{row['键']}".encode()).hexdigest()[:10].upper()
        assert row["编号"] == f"F{digest}"
    assert audit(tmp_path, "reports", "-o", "again", "--db", "out/审查.sqlite")[0] == 1
    assert [row["编号"] for row in findings_sheet(tmp_path / "again" / "审查结果.xlsx")] == [r["编号"] for r in sheet]


def test_the_verdict_column_is_a_drop_down_that_survives_libreoffice(tmp_path):
    broken_and_clean(tmp_path / "reports")
    assert audit(tmp_path, "reports", "-o", "out")[0] == 1
    workbook = resaved(tmp_path / "out" / "审查结果.xlsx", tmp_path / "lo")
    sheet = openpyxl.load_workbook(workbook)["审查结果"]
    (choice,) = sheet.data_validations.dataValidation
    column = [c.value for c in sheet[1]].index("核实结论") + 1
    assert choice.type == "list" and choice.formula1 == '"属实,误报,已更正"'
    assert f"{sheet.cell(2, column).coordinate}" in choice.sqref and sheet.cell(3, column).coordinate in choice.sqref


def test_a_corrected_figure_is_checked_again_beside_the_value_read(tmp_path):
    broken = broken_and_clean(tmp_path / "reports")
    assert audit(tmp_path, "reports", "-o", "out")[0] == 1
    out = tmp_path / "out"
    read = int(broken["t3.granted.total"])
    fill(out / "审查结果.xlsx", r2=("已更正", "单位来电：总计应为各项之和", read - 3))
    resaved(out / "审查结果.xlsx", tmp_path / "lo")
    code, stdout, err = audit(tmp_path, "reports", "-o", "out", "--review", "out/审查结果.xlsx")
    assert code == 0, stdout + err  # both errors came from that one cell
    assert counted(out)["示例县第7局"] == ("passed", 0)
    database = out / "审查.sqlite"
    assert rows(database, "SELECT raw FROM figures WHERE key = 't3.granted.total' AND raw = ?", str(read))
    assert rows(database, "SELECT key, version, value, read_raw FROM corrections") == [
        ("t3.granted.total", 1, str(read - 3), str(read))
    ]
    book = openpyxl.load_workbook(out / "审查结果.xlsx")
    assert findings_sheet(out / "审查结果.xlsx") == []
    fixed = list(book["更正"].iter_rows(min_row=2, values_only=True))
    assert [row[:7] for row in fixed] == [
        ("示例县第7局", 2023, "（一）予以公开·总计", "t3.granted.total", read, read - 3, "单位来电：总计应为各项之和")
    ]
    # The share granted in full is worked out from the corrected figure too.
    code, stdout, _ = audit(tmp_path, "reports", "-o", "out", "--format", "json")
    rates = next(entry["rates"] for entry in json.loads(stdout)["reports"] if entry["body"] == "示例县第7局")
    assert rates["granted_share"] == pytest.approx((read - 3) / int(broken["t3.total_processed.total"]))
    # A later run remembers, and the same workbook read again records nothing new.
    assert audit(tmp_path, "reports", "-o", "out")[0] == 0
    code, stdout, _ = audit(tmp_path, "reports", "-o", "out", "--review", "out/审查结果.xlsx")
    assert code == 0 and "已记入核实结论" not in stdout
    assert rows(database, "SELECT count(*) FROM verdicts") == [(1,)]


def test_a_correction_cleared_in_the_workbook_is_withdrawn_with_its_time(tmp_path):
    """更正值 cleared in the 更正 sheet (saved again by LibreOffice) and --review: the figure as read holds again, both
    errors are back unreviewed, and the withdrawal is in the database with its time and reason; later runs remember."""
    broken = broken_and_clean(tmp_path / "reports")
    assert audit(tmp_path, "reports", "-o", "out")[0] == 1
    out, read = tmp_path / "out", int(broken["t3.granted.total"])
    fill(out / "审查结果.xlsx", r2=("已更正", "单位来电：总计应为各项之和", read - 3))
    assert audit(tmp_path, "reports", "-o", "out", "--review", "out/审查结果.xlsx")[0] == 0
    book = openpyxl.load_workbook(out / "审查结果.xlsx")
    sheet = book["更正"]
    header = [cell.value for cell in sheet[1]]
    assert header[-1] == "编号" and sheet.cell(2, header.index("更正值") + 1).value == read - 3
    sheet.cell(2, header.index("更正值") + 1).value = None
    sheet.cell(2, header.index("核实说明") + 1).value = "单位再次来电：原数字无误"
    book.save(out / "审查结果.xlsx")
    resaved(out / "审查结果.xlsx", tmp_path / "lo")

    code, stdout, err = audit(tmp_path, "reports", "-o", "out", "--review", "out/审查结果.xlsx")
    assert code == 1 and "已记入核实结论 1 条。" in stdout, stdout + err
    database = out / "审查.sqlite"
    last = rows(database, "SELECT verdict, note, corrected, recorded_at FROM verdicts ORDER BY seq DESC LIMIT 1")[0]
    assert last[:3] == ("withdrawn", "单位再次来电：原数字无误", None) and last[3].endswith("+00:00")
    assert rows(database, "SELECT version, value FROM corrections ORDER BY version") == [(1, str(read - 3)), (2, "")]
    for attempt in ("with --review", "without"):
        assert counted(out)["示例县第7局"] == ("failed", 2), attempt
        sheet_rows = findings_sheet(out / "审查结果.xlsx")
        assert [(row["代码"], row["核实结论"]) for row in sheet_rows] == [("E-row-total", None), ("E-col-total", None)]
        assert list(openpyxl.load_workbook(out / "审查结果.xlsx")["更正"].iter_rows(min_row=2)) == []
        assert "经与有关单位核实，更正了" not in notice_text(out)
        code, stdout, _ = audit(tmp_path, "reports", "-o", "out")
        assert code == 1 and "错误 2 处" in stdout
    code, stdout, _ = audit(tmp_path, "reports", "-o", "out", "--review", "out/审查结果.xlsx")
    assert code == 1 and "已记入核实结论" not in stdout  # nothing left to withdraw
    assert rows(database, "SELECT count(*) FROM verdicts") == [(2,)]


def test_a_correction_changed_in_one_sheet_and_not_the_other_is_named(tmp_path):
    """A finding still found after its correction is listed on both sheets: they must say the same."""
    broken = broken_and_clean(tmp_path / "reports")
    assert audit(tmp_path, "reports", "-o", "out")[0] == 1
    out, read = tmp_path / "out", int(broken["t3.granted.total"])
    fill(out / "审查结果.xlsx", r2=("已更正", "先按单位来电更正", read - 1))
    assert audit(tmp_path, "reports", "-o", "out", "--review", "out/审查结果.xlsx")[0] == 1  # still one too many
    sheet_rows = findings_sheet(out / "审查结果.xlsx")
    assert [(row["核实结论"], row["更正值"]) for row in sheet_rows][0] == ("已更正", read - 1)
    book = openpyxl.load_workbook(out / "审查结果.xlsx")
    header = [cell.value for cell in book["更正"][1]]
    book["更正"].cell(2, header.index("更正值") + 1).value = None
    book.save(out / "审查结果.xlsx")
    code, _, err = audit(tmp_path, "reports", "-o", "out", "--review", "out/审查结果.xlsx")
    column = chr(ord("A") + header.index("更正值"))
    assert code == 3 and err.startswith(
        f"错误：out/审查结果.xlsx：工作表“更正”{column}2 格的更正值与工作表“审查结果”M2 "
    )
    assert err.count("\n") == 1


def test_a_report_that_changes_starts_fresh_and_says_which_verdicts_no_longer_apply(tmp_path):
    broken = broken_and_clean(tmp_path / "reports")
    assert audit(tmp_path, "reports", "-o", "out")[0] == 1
    out = tmp_path / "out"
    fill(out / "审查结果.xlsx", r2=("误报", REASON), r3=("属实", "已通知单位"))
    assert audit(tmp_path, "reports", "-o", "out", "--review", "out/审查结果.xlsx")[0] == 1
    assert counted(out)["示例县第7局"] == ("failed", 1)
    # The body publishes its report again, with another figure changed: new content, no verdict applies.
    broken["t2.art20_5.licensing.decisions"] = str(int(broken["t2.art20_5.licensing.decisions"]) + 1)
    (tmp_path / "reports" / "a.html").write_bytes(published_page(broken))
    code, stdout, _ = audit(tmp_path, "reports", "-o", "out")
    assert code == 1
    assert "有 2 条核实结论针对的报告内容已经变化，不再适用" in stdout
    latest = "SELECT status, errors FROM reports WHERE body = '示例县第7局' ORDER BY seen DESC, id DESC LIMIT 1"
    assert rows(out / "审查.sqlite", latest) == [("failed", 2)]
    book = openpyxl.load_workbook(out / "审查结果.xlsx")
    stale = list(book["不再适用的核实结论"].iter_rows(min_row=2, values_only=True))
    assert sorted((row[2], row[5], row[6]) for row in stale) == [
        ("E-col-total", "属实", "已通知单位"),
        ("E-row-total", "误报", REASON),
    ]
    assert all(row["核实结论"] is None for row in findings_sheet(out / "审查结果.xlsx"))


@pytest.mark.parametrize(
    ("filled", "message"),
    [
        (("不对",), "工作表“审查结果”N2 格的核实结论“不对”无法识别：应为 属实、误报 或 已更正。"),
        (("已更正", "", "三十六"), "工作表“审查结果”P2 格的更正值“三十六”不是数字（应为不小于 0 的数）。"),
        (("已更正", "少了"), "工作表“审查结果”N2 格的核实结论是“已更正”，请在 工作表“审查结果”P2 格填写更正值。"),
        (
            ("已更正", "", "12.5"),
            "工作表“审查结果”P2 格的更正值“12.5”不能作为“（一）予以公开·总计”（应为不小于 0 的整数）。",
        ),
    ],
)
def test_a_cell_that_cannot_be_taken_is_one_line_and_records_nothing(tmp_path, filled, message):
    broken_and_clean(tmp_path / "reports")
    assert audit(tmp_path, "reports", "-o", "out")[0] == 1
    fill(tmp_path / "out" / "审查结果.xlsx", r2=filled)
    code, _, err = audit(tmp_path, "reports", "-o", "out", "--review", "out/审查结果.xlsx")
    assert code == 3 and err == f"错误：out/审查结果.xlsx：{message}\n"
    assert rows(tmp_path / "out" / "审查.sqlite", "SELECT count(*) FROM verdicts") == [(0,)]


def test_a_workbook_that_is_not_ours_or_an_unknown_id(tmp_path, write_data, sample_values):
    broken_and_clean(tmp_path / "reports")
    assert audit(tmp_path, "reports", "-o", "out")[0] == 1
    data = write_data(sample_values, "data.xlsx")  # this tool's report workbook: no 审查结果 sheet
    code, _, err = audit(tmp_path, "reports", "-o", "out", "--review", data)
    assert code == 3 and err == f"错误：{data}：没有“审查结果”工作表，不是本工具生成的审查结果。\n"
    (tmp_path / "note.xlsx").write_text("not a workbook", encoding="utf-8")
    code, _, err = audit(tmp_path, "reports", "-o", "out", "--review", "note.xlsx")
    assert code == 3 and err.startswith("错误：note.xlsx：无法作为 .xlsx 工作簿打开") and err.count("\n") == 1

    other = tmp_path / "other.xlsx"
    shutil.copy(tmp_path / "out" / "审查结果.xlsx", other)
    book = openpyxl.load_workbook(other)
    book["审查结果"]["M3"] = "F0000000000"
    book["审查结果"]["N3"] = "属实"
    book["审查结果"].delete_cols(14)  # no 核实结论 column: not the shape this tool writes
    book.save(tmp_path / "cut.xlsx")
    code, _, err = audit(tmp_path, "reports", "-o", "out", "--review", "cut.xlsx")
    assert code == 3 and "工作表“审查结果”第 1 行没有“核实结论”列" in err and err.count("\n") == 1
    book = openpyxl.load_workbook(other)
    book["审查结果"]["M3"] = "F0000000000"
    book["审查结果"]["N3"] = "属实"
    book.save(other)
    code, _, err = audit(tmp_path, "reports", "-o", "out", "--review", "other.xlsx")
    assert code == 3 and err == (
        "错误：other.xlsx：工作表“审查结果”M3 格的编号“F0000000000”在审查数据库 out/审查.sqlite 中找不到"
        "（这份审查结果是用别的数据库审查出来的？）。\n"
    )
    assert "Traceback" not in err


VISIBLE = (
    """() => [...document.querySelectorAll('li.finding')].filter(li => li.offsetParent !== null).map(li => li.id)"""
)
SHOWN_REPORTS = """() => [...document.querySelectorAll('.report-list .report-row th, .report-list .report-item')]
    .filter(e => e.offsetParent !== null).map(e => e.textContent.replace(/[、。]$/, ''))"""
SHOWN_BODIES = """() => [...document.querySelectorAll('.body-section')].filter(s => s.offsetParent !== null).length"""


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> tuple[Path, list[dict[str, object]]]:
    """Two bodies, each with two errors: 第7局's first judged 误报, its second 属实; 第9局's untouched."""
    base = tmp_path_factory.mktemp("reviewed")
    broken_and_clean(base / "reports")
    other = synthetic_values(9, 2023)
    other["t3.granted.total"] = str(int(other["t3.granted.total"]) + 2)
    (base / "reports" / "c.html").write_bytes(published_page(other))
    assert audit(base, "reports", "-o", "out")[0] == 1
    sheet = findings_sheet(base / "out" / "审查结果.xlsx")
    assert [row["发布机关"] for row in sheet] == ["示例县第7局", "示例县第7局", "示例县第9局", "示例县第9局"]
    fill(base / "out" / "审查结果.xlsx", r2=("误报", REASON), r3=("属实", "已电话告知"))
    code, _, err = audit(base, "reports", "-o", "out", "--review", "out/审查结果.xlsx")
    assert code == 1, err
    return base / "out", sheet


def test_the_notice_counts_confirmed_and_unreviewed_apart_and_never_a_false_alarm(reviewed):
    out, sheet = reviewed
    notice = notice_text(out)
    assert (
        "共发现错误3处、需核实的问题0处。经逐项核实，其中属实1处，尚未核实2处；另有1处经核实为误报，不计入上述数字"
        in notice
    )
    assert without_keys(sheet[0]["说明"]) not in notice
    assert f"1.【错误】{without_keys(sheet[1]['说明'])}（属实）" in notice
    assert f"【错误】{without_keys(sheet[2]['说明'])}（未核实）" in notice
    table = [[c.text for c in row.cells] for row in docx.Document(str(out / "审查通报.docx")).tables[0].rows]
    assert table[1:] == [["示例县第7局", "2023", "1", "0"], ["示例县第9局", "2023", "2", "0"]]


def test_the_page_shows_each_state_and_filters_without_script(reviewed, browser):
    out, sheet = reviewed
    page = BeautifulSoup((out / "审查报告.html").read_text(encoding="utf-8"), "html.parser")
    assert not page.find_all("script")
    states = {li["id"]: li.find(class_="verdict").get_text() for li in page.select("li.finding")}
    ids = [f"f-{row['编号']}" for row in sheet]
    assert [states[i] for i in ids] == [
        "【核实：误报，不计入】",
        "【核实：属实】",
        "【核实：未核实】",
        "【核实：未核实】",
    ]
    counts = {tr.th.get_text(): tr.td.get_text() for tr in page.select("#review-caption ~ tbody tr")}
    assert counts == {"未核实": "2", "属实": "1", "误报": "1", "已更正": "0"}
    assert page.select_one("td.has") is not None  # the matrix still counts 第7局's E-col-total
    with open_page(browser, out / "审查报告.html") as tab:
        assert len(tab.evaluate(VISIBLE)) == 4 and tab.evaluate(SHOWN_BODIES) == 3  # 第8局 passed
        for state, shown, bodies in (
            ("false_alarm", ids[:1], 1),
            ("confirmed", ids[1:2], 1),
            ("unreviewed", ids[2:], 1),
        ):
            tab.click(f"a[href='#only-{state}'] >> nth=0")
            assert tab.evaluate(VISIBLE) == shown, state
            assert tab.evaluate(SHOWN_BODIES) == bodies, state
        tab.click("a[href='#bodies']")
        assert len(tab.evaluate(VISIBLE)) == 4


def test_the_reviewed_page_passes_axe(reviewed, browser):
    out, _ = reviewed
    assert AXE_JS.is_file(), f"axe-core is not installed: {INSTALL_HINT}"
    with open_page(browser, out / "审查报告.html") as tab:
        tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        tab.add_script_tag(path=str(AXE_JS))
        violations = tab.evaluate(AXE_RUN)
        assert violations == [], describe(violations)
        assert [t for t in tab.evaluate(CONTRAST) if t["ratio"] < 4.5] == []


def test_corrections_are_listed_with_their_reason_in_the_notice_and_the_page(tmp_path):
    broken = broken_and_clean(tmp_path / "reports")
    assert audit(tmp_path, "reports", "-o", "out")[0] == 1
    read = int(broken["t3.granted.total"])
    fill(tmp_path / "out" / "审查结果.xlsx", r2=("已更正", "单位来电：总计应为各项之和", read - 3))
    assert audit(tmp_path, "reports", "-o", "out", "--review", "out/审查结果.xlsx")[0] == 0
    notice = notice_text(tmp_path / "out")
    assert "经与有关单位核实，更正了以下1个数字，并以更正后的数字重新审查：" in notice
    line = f"1.示例县第7局（2023年度）（一）予以公开·总计：报告原为“{read}”，更正为{read - 3}。理由：单位来电：总计应为各项之和。"
    assert line in notice and "经审查，未发现错误和需核实的问题。" in notice
    page = BeautifulSoup((tmp_path / "out" / "审查报告.html").read_text(encoding="utf-8"), "html.parser")
    row = [td.get_text() for td in page.select_one("#corrections-caption ~ tbody tr").find_all(["th", "td"])]
    assert row == ["示例县第7局", "2023", "（一）予以公开·总计", str(read), str(read - 3), "单位来电：总计应为各项之和"]
    assert "更正为 " + str(read - 3) in page.select_one(".body-section p.state-corrected").get_text()


def test_past_page_bodies_the_page_is_an_index_with_a_page_per_body(reviewed, browser, tmp_path):
    """The reviewed region (three bodies) with a page per body past one body: the index links every report to its
    body's page, which holds the findings with their states and filters them; both pass axe."""
    import generator

    out, sheet = reviewed
    result = generator.audit(
        [str(out.parent / "reports")], tmp_path / "split", database=out / "审查.sqlite", page_bodies=1
    )
    index_path = tmp_path / "split" / "审查报告.html"
    folder = tmp_path / "split" / "审查报告-各单位"
    assert result.outputs[-1] == folder and len(list(folder.glob("*.html"))) == 3
    index = BeautifulSoup(index_path.read_text(encoding="utf-8"), "html.parser")
    assert not index.select(".body-section") and not index.select("li.finding")
    worst = [tr.th.get_text() for tr in index.select("#worst-caption ~ tbody tr")]
    assert worst == ["示例县第9局", "示例县第7局"]  # two errors, then one (the other judged 误报)
    links = {a.get_text(): a["href"] for a in index.select("#bodies ~ * a, #clean ~ p a") if a["href"][0] != "#"}
    assert set(links) >= {"示例县第7局", "示例县第9局", "示例县第8局 2023"}
    for href in links.values():
        page = tmp_path / "split" / unquote(href)
        assert page.is_file(), href
    seventh = BeautifulSoup(
        (tmp_path / "split" / unquote(links["示例县第7局"])).read_text(encoding="utf-8"), "html.parser"
    )
    assert [li["id"] for li in seventh.select("li.finding")] == [f"f-{sheet[0]['编号']}", f"f-{sheet[1]['编号']}"]
    assert seventh.select_one("a[href='../%E5%AE%A1%E6%9F%A5%E6%8A%A5%E5%91%8A.html']") is not None
    for path in (index_path, tmp_path / "split" / unquote(links["示例县第7局"])):
        with open_page(browser, path) as tab:
            if path != index_path:
                tab.click("a[href='#only-confirmed']")
                assert tab.evaluate(VISIBLE) == [f"f-{sheet[1]['编号']}"]
            else:  # the index filters its reports by their findings' states, without script too
                assert tab.evaluate(SHOWN_REPORTS) == ["示例县第7局", "示例县第9局", "示例县第8局 2023"]
                for state, shown in (
                    ("false_alarm", ["示例县第7局"]),
                    ("unreviewed", ["示例县第9局"]),
                    ("corrected", []),
                ):
                    tab.click(f"a[href='#only-{state}']")
                    assert tab.evaluate(SHOWN_REPORTS) == shown, state
                tab.click("a[href='#bodies']")
                assert len(tab.evaluate(SHOWN_REPORTS)) == 3
            tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            tab.add_script_tag(path=str(AXE_JS))
            violations = tab.evaluate(AXE_RUN)
            assert violations == [], describe(violations)
    # Fewer bodies the next time: the pages of the bodies no longer audited go.
    generator.audit(
        [str(out.parent / "reports" / "a.html")], tmp_path / "split", database=out / "审查.sqlite", page_bodies=0
    )
    assert len(list(folder.glob("*.html"))) == 1
    generator.audit([str(out.parent / "reports" / "a.html")], tmp_path / "split", database=out / "审查.sqlite")
    single = BeautifulSoup(index_path.read_text(encoding="utf-8"), "html.parser")
    assert len(single.select(".body-section")) == 1 and list(folder.glob("*.html")) == []


def test_the_first_page_of_a_2000_report_audit_stays_under_3_mb(tmp_path, sample_values):
    """The issue's second check, on 2,000 bodies' workbooks (this tool's CSV: the page's size does not depend on the
    format read), every twentieth with an arithmetic error: the index under 3 MB, a page per body."""
    import generator

    folder = tmp_path / "reports"
    folder.mkdir()
    for number in range(2000):
        values = dict(sample_values, **{"meta.body": f"示例县第{number}局"})
        if number % 20 == 7:
            values["t3.granted.total"] = str(int(values["t3.granted.total"]) + 1)
        (folder / f"{number:04d}.csv").write_bytes(long_csv(values))
    result = generator.audit([str(folder)], tmp_path / "out", jobs=2)
    assert result.totals["reports"] == 2000 and result.totals["failed"] == 100
    index = tmp_path / "out" / "审查报告.html"
    pages = list((tmp_path / "out" / "审查报告-各单位").glob("*.html"))
    assert index.stat().st_size <= 3 * 1024 * 1024, index.stat().st_size
    assert len(pages) == 2000 and max(page.stat().st_size for page in pages) < 100 * 1024
    listed = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser").select("#listed-caption ~ tbody tr")
    failed = [row for row in listed if "未通过" in row.get_text()]  # the sample's reports each have a warning
    assert len(listed) == 2000 and len(failed) == 100
