"""`audit` over a region's folder of published reports: every report found with its body and year, planted
problems reported with their keys, consistent reports without error, consecutive years compared, and the
database a real SQLite file read back with plain SQL; auditing again adds no row."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from auditkit import UNREADABLE, carry_mismatch, make_region
from click.testing import CliRunner
from synthetic import following_year, published_page, synthetic_values
from test_import_cases import PLANTED

from generator import load, validate
from generator.cli.main import cli

TABLES = ("reports", "figures", "texts", "left_out", "notes", "findings")


def invoke(*args: object, cwd: Path) -> tuple[int, str, str]:
    """The command line run in `cwd`: (exit code, standard output, standard error)."""
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="generate-report")
    return result.exit_code, result.stdout, result.stderr


def rows(database: Path, query: str, *params: object) -> list[tuple]:
    with sqlite3.connect(database) as db:
        return db.execute(query, params).fetchall()


def counts(database: Path) -> dict[str, int]:
    return {table: rows(database, f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    """The region's folder, audited once into out/ with out/审查.sqlite: (folder, expectations, run result)."""
    base = tmp_path_factory.mktemp("region")
    expected = make_region(base / "reports", PLANTED)
    code, out, err = invoke("audit", "reports", "-o", "out", "-j", "2", "--office", "某某县政务公开办", cwd=base)
    return base, expected, (code, out, err)


def report_rows(base: Path) -> dict[str, dict]:
    with sqlite3.connect(base / "out" / "审查.sqlite") as db:
        db.row_factory = sqlite3.Row
        return {
            Path(row["source"]).relative_to("reports").as_posix(): dict(row)
            for row in db.execute("SELECT * FROM reports")
        }


def test_every_report_is_found_with_its_body_and_year(region):
    base, expected, (code, out, err) = region
    assert code == 1, out + err  # the planted problems fail their reports
    found = report_rows(base)
    readable = {name: row for name, row in found.items() if row["status"] != "unreadable"}
    assert set(readable) == set(expected)
    for name, want in expected.items():
        assert (readable[name]["body"], readable[name]["year"]) == (want.body, want.year), name
    assert readable["各部门/dept_tabs_chrome.txt"]["body_kind"] == "部门"
    assert readable["各部门/county_arith_error.txt"]["body_kind"] == "政府"


def test_files_that_are_no_report_are_a_line_and_lock_files_are_not_read(region):
    base, _, (_, out, err) = region
    found = report_rows(base)
    assert found["说明.txt"]["status"] == "unreadable"
    assert "说明.txt" in found["说明.txt"]["message"] and "没有找到年度报告的各部分标题" in found["说明.txt"]["message"]
    assert "暂不支持Word 97-2003 文档（.doc）" in found["乡镇/第14局.doc"]["message"]
    assert "暂不支持Excel 97-2003 工作簿（.xls）" in found["填报/旧表.xls"]["message"]
    assert sum(row["status"] == "unreadable" for row in found.values()) == UNREADABLE
    assert not [name for name in found if "~$" in name or "隐藏" in name]
    assert "无法读取" in out and "说明.txt" in out
    assert "[1/" in err  # a pipe gets a line per report


def test_planted_problems_are_reported_with_their_keys_and_the_others_have_no_error(region):
    base, expected, _ = region
    database = base / "out" / "审查.sqlite"
    for name, want in expected.items():
        errors = rows(
            database,
            "SELECT f.code, f.key FROM findings f JOIN reports r ON r.id = f.report_id "
            "WHERE r.source = ? AND f.severity = 'error' ORDER BY f.code, f.key",
            str(Path("reports") / name),
        )
        assert sorted(errors) == want.errors, name


def test_consecutive_years_in_the_folder_are_compared(region):
    base, _, _ = region
    database = base / "out" / "审查.sqlite"
    found = report_rows(base)
    for before, after in (
        ("乡镇/第11局-2022.html", "乡镇/第11局-2023.html"),
        ("乡镇/第12局-2022.html", "乡镇/第12局-2023.html"),
    ):
        assert found[after]["previous_id"] == found[before]["id"]
        assert found[before]["previous_id"] is None
    assert rows(database, "SELECT code FROM findings WHERE report_id = ?", found["乡镇/第11局-2023.html"]["id"]) == []
    carried = rows(
        database,
        "SELECT code, key, across_years, expected, actual FROM findings WHERE report_id = ?",
        found["乡镇/第12局-2023.html"]["id"],
    )
    assert [row[:3] for row in carried] == [
        ("W-carry", "t3.carried_over.natural_person", 1),
        ("W-carry", "t3.carried_over.total", 1),
    ]
    assert all(int(row[4]) == int(row[3]) + 1 for row in carried)


def test_a_workbook_pair_gets_the_same_findings_as_validate_with_previous(region):
    base, _, _ = region
    database = base / "out" / "审查.sqlite"
    found = report_rows(base)
    after = found["填报/mengzhou-2023.csv"]
    assert after["previous_id"] == found["填报/mengzhou-2022.xlsx"]["id"]
    wanted = validate(load(base / "reports/填报/mengzhou-2023.csv"), load(base / "reports/填报/mengzhou-2022.xlsx"))
    stored = rows(database, "SELECT code, key, message FROM findings WHERE report_id = ? ORDER BY seq", after["id"])
    assert stored == [(f.code, f.key, f.message) for f in wanted.findings]


def test_figures_keep_their_evidence_in_plain_sql(region):
    base, _, _ = region
    database = base / "out" / "审查.sqlite"
    found = report_rows(base)
    county = found["各部门/county_arith_error.txt"]["id"]
    assert rows(
        database,
        "SELECT raw, semantic, value, line, row_label, column_label FROM figures WHERE report_id = ? AND key = ?",
        county,
        "t3.granted.total",
    ) == [("37", "value", 37, 31, "（一）予以公开", "总计")]
    page = found["各部门/html_cms_rowspan.html"]["id"]
    blank = "t3.not_processed.publication.org_legal_service"
    assert rows(database, "SELECT raw, semantic, value FROM figures WHERE report_id = ? AND key = ?", page, blank) == [
        ("", "blank", None)
    ]
    pdf = found["各部门/pdf_wps_ruled.pdf"]["id"]
    fee = rows(
        database,
        "SELECT raw, page, table_name, bbox FROM figures WHERE report_id = ? AND key = ?",
        pdf,
        "t2.art20_8.admin_fees.amount_wan_yuan",
    )[0]
    assert fee[0] == "12.345678" and fee[1] >= 1 and fee[2] and len(fee[3].split(",")) == 4
    workbook = found["填报/mengzhou-2022.xlsx"]["id"]
    assert (
        rows(
            database, "SELECT sheet, cell FROM figures WHERE report_id = ? AND key = 't3.new_received.total'", workbook
        )[0][0]
        == "表三"
    )
    left = rows(
        database,
        "SELECT keys, text, reason FROM left_out WHERE report_id = ?",
        found["各部门/crawled_one_line.txt"]["id"],
    )
    assert left and "t2.art20_1.normative_docs.issued" in left[0][0].split() and "21137" in left[0][1]


def test_reports_are_their_content_hash(region):
    base, _, _ = region
    found = report_rows(base)
    for name, row in found.items():
        assert row["hash"] == hashlib.sha256((base / "reports" / name).read_bytes()).hexdigest(), name


def test_auditing_the_same_folder_again_adds_no_row(region):
    base, _, (first_code, _, _) = region
    database = base / "out" / "审查.sqlite"
    before = counts(database)
    findings = rows(database, "SELECT report_id, seq, code, key, message FROM findings ORDER BY report_id, seq")
    code, out, _ = invoke("audit", "reports", "-o", "out", cwd=base)
    assert code == first_code
    assert counts(database) == before
    assert rows(database, "SELECT report_id, seq, code, key, message FROM findings ORDER BY report_id, seq") == findings
    assert all(before[table] > 0 for table in ("reports", "figures", "texts", "left_out", "findings")), before


def test_the_schema_carries_its_version(region):
    base, _, _ = region
    database = base / "out" / "审查.sqlite"
    assert rows(database, "PRAGMA user_version") == [(3,)]
    newer = base / "newer.sqlite"
    newer.write_bytes(database.read_bytes())
    with sqlite3.connect(newer) as db:
        db.execute("PRAGMA user_version = 7")
    code, _, err = invoke("audit", "reports/说明.txt", "--db", "newer.sqlite", "-o", "elsewhere", cwd=base)
    assert code == 3
    assert "newer.sqlite：审查数据库由更新版本的 generate-report 创建（数据库版本 7" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_database_of_something_else_is_left_alone(tmp_path):
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE people (name TEXT)")
    (tmp_path / "notes.txt").write_bytes(b"PK\x03\x04 not a database")
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "a.txt").write_text("无", encoding="utf-8")
    code, _, err = invoke("audit", "r", "--db", "other.sqlite", "-o", "out", cwd=tmp_path)
    assert code == 3 and "other.sqlite：不是本工具的审查数据库" in err
    assert rows(other, "SELECT name FROM sqlite_master") == [("people",)]
    code, _, err = invoke("audit", "r", "--db", "notes.txt", "-o", "out", cwd=tmp_path)
    assert code == 3 and "notes.txt：不是 SQLite 数据库" in err


def test_next_years_audit_sees_this_years_figures(tmp_path):
    """Two runs into one --db: the second year is compared with the first, found in the database."""
    (tmp_path / "2022").mkdir()
    (tmp_path / "2023").mkdir()
    first = synthetic_values(21, 2022)
    (tmp_path / "2022" / "a.html").write_bytes(published_page(first))
    (tmp_path / "2023" / "a.html").write_bytes(published_page(carry_mismatch(following_year(first, 22))))
    code, _, _ = invoke("audit", "2022", "-o", "out2022", "--db", "region.sqlite", cwd=tmp_path)
    assert code == 0
    code, out, err = invoke("audit", "2023", "--db", "region.sqlite", "--format", "json", cwd=tmp_path)
    assert code == 0, err  # a warning is not a failure
    (report,) = json.loads(out)["reports"]
    assert (report["source"], report["body"], report["year"], report["figures_found"]) == (
        "2023/a.html",
        "示例县第21局",
        2023,
        200,
    )
    assert [(f["code"], f["key"], f["severity"]) for f in report["findings"]] == [
        ("W-carry", "t3.carried_over.natural_person", "warning"),
        ("W-carry", "t3.carried_over.total", "warning"),
    ]
    assert "上年 2022/a.html" in report["findings"][0]["message"]
    assert not (tmp_path / "out").exists()  # --format json without -o writes no file but the database


def test_one_body_under_two_spellings_is_paired_with_its_previous_year(tmp_path):
    """ "淮安市洪泽区人民政府" last year and "洪泽区人民政府" this year: the same body, compared, and the pairing said."""
    first = synthetic_values(23, 2022) | {"meta.body": "淮安市洪泽区人民政府", "meta.body_kind": "政府"}
    second = carry_mismatch(following_year(first, 24)) | {"meta.body": "洪泽区人民政府"}
    (tmp_path / "a-2022.html").write_bytes(published_page(first))
    (tmp_path / "b-2023.html").write_bytes(published_page(second))
    code, out, err = invoke("audit", "a-2022.html", "b-2023.html", "--format", "json", "--db", "r.sqlite", cwd=tmp_path)
    reports = {r["year"]: r for r in json.loads(out)["reports"]}
    codes = [(f["code"], f["key"]) for f in reports[2023]["findings"]]
    assert ("W-carry", "t3.carried_over.total") in codes and ("W-meta", "meta.body") in codes, err
    spelling = next(f for f in reports[2023]["findings"] if f["key"] == "meta.body")
    assert "淮安市洪泽区人民政府" in spelling["message"] and "两种写法" in spelling["message"]


def test_json_shape_and_exit_codes(tmp_path, write_data, sample_values):
    (tmp_path / "ok").mkdir()
    good = write_data(sample_values, "ok/good.csv")
    code, out, _ = invoke("audit", good, "--format", "json", cwd=tmp_path)
    payload = json.loads(out)
    assert code == 0 and list(payload) == ["reports", "regions", "duplicates"]
    (report,) = payload["reports"]
    assert {"source", "body", "year", "figures_found", "unread", "findings"} <= set(report)
    assert report["unread"] == 0
    assert all(set(f) == {"code", "severity", "key", "message", "location", "source"} for f in report["findings"])

    broken = dict(sample_values, **{"t3.granted.total": str(int(sample_values["t3.granted.total"]) + 1)})
    bad = write_data(broken, "bad.csv")
    code, out, _ = invoke("audit", good, bad, "--format", "json", cwd=tmp_path)
    assert code == 1
    reports = json.loads(out)["reports"]
    assert [r["status"] for r in reports] == ["failed", "passed"]  # the body's name sorts them
    total = next(f for f in reports[0]["findings"] if f["code"] == "E-row-total")
    assert total["source"]["line"] > 0  # the CSV line of the figure, as a field

    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "a.txt").write_text("不是报告", encoding="utf-8")
    (tmp_path / "junk" / "b.html").write_text("<p>也不是</p>", encoding="utf-8")
    code, out, err = invoke("audit", "junk", "--format", "json", cwd=tmp_path)
    assert code == 3 and "没有一份报告能够读取" in err
    assert [r["status"] for r in json.loads(out)["reports"]] == ["unreadable", "unreadable"]


def test_usage_errors(tmp_path):
    code, _, err = invoke("audit", "-o", "out", cwd=tmp_path)
    assert code == 2 and "--urls" in err
    code, _, err = invoke("audit", "x", cwd=tmp_path)
    assert code == 2 and "-o" in err
    code, _, err = invoke("audit", "nothing-here/*.pdf", "-o", "out", cwd=tmp_path)
    assert code == 3 and "没有文件与“nothing-here/*.pdf”匹配" in err
    code, out, err = invoke("audit", "missing.pdf", "--format", "json", cwd=tmp_path)
    assert code == 3 and json.loads(out) == {
        "reports": [],
        "regions": [],
        "duplicates": [],
        "cannot_run": "找不到“missing.pdf”：请检查文件夹或文件的名称。",
    }
    code, _, err = invoke("audit", "不存在的文件夹", "-o", "out", cwd=tmp_path)  # a typo: nothing is written
    assert code == 3 and err == "错误：找不到“不存在的文件夹”：请检查文件夹或文件的名称。\n"
    assert not (tmp_path / "out").exists()


def test_ctrl_c_keeps_what_was_read(tmp_path):
    """Ctrl-C: the reports read so far stay in the database, the rest are not started, one line, exit 130."""
    values = synthetic_values(41, 2023)
    page = published_page(values)
    (tmp_path / "reports").mkdir()
    for n in range(400):
        (tmp_path / "reports" / f"{n:03d}.html").write_bytes(
            page.replace(values["meta.body"].encode(), f"某县第{n}局".encode())
        )
    start = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); from generator.cli.main import main; main()"
    command = [sys.executable, "-c", start, "audit", "reports", "-o", "out", "-j", "2"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    running = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    database = tmp_path / "out" / "审查.sqlite"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
        database.exists() and rows(database, "SELECT count(*) FROM reports")[0][0] >= 20
    ):
        time.sleep(0.2)
    running.send_signal(signal.SIGINT)
    _, err = running.communicate(timeout=60)
    assert running.returncode == 130, err
    assert (
        err.strip().splitlines()[-1] == "已中断：已经读完的报告都已存入审查数据库 out/审查.sqlite，再次运行时不必重读。"
    )
    assert "Traceback" not in err
    kept = rows(database, "SELECT count(*), count(DISTINCT body) FROM reports WHERE status = 'passed'")[0]
    assert 20 <= kept[0] < 400 and kept[0] == kept[1]
    assert rows(database, "SELECT count(*) FROM figures")[0][0] == 200 * kept[0]  # each report whole or absent


def test_an_output_someone_changed_is_kept_unless_overwrite(tmp_path, write_data, sample_values):
    (tmp_path / "r").mkdir()
    write_data(sample_values, "r/a.csv")
    assert invoke("audit", "r", "-o", "out", cwd=tmp_path)[0] == 0
    notice = tmp_path / "out" / "审查通报.docx"
    notice.write_bytes(notice.read_bytes() + b"edited in Word")
    code, _, err = invoke("audit", "r", "-o", "out", cwd=tmp_path)
    assert code == 3 and "审查通报.docx" in err and "--overwrite" in err
    assert notice.read_bytes().endswith(b"edited in Word")
    assert invoke("audit", "r", "-o", "out", "--overwrite", cwd=tmp_path)[0] == 0
    assert not notice.read_bytes().endswith(b"edited in Word")


def test_one_report_published_as_a_page_and_as_text_counts_once(tmp_path, sample_values):
    """The page and a copy of it (an attachment, a pasted text) name the same body and year and print the same
    figures: one report, the other file listed as the same; a copy with another figure counts apart."""
    page = published_page(sample_values)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "report.html").write_bytes(page)
    (tmp_path / "reports" / "copy.html").write_bytes(page.replace(b"<main", b"<p>\xe9\x99\x84\xe4\xbb\xb6</p><main"))
    code, out, _ = invoke("audit", "reports", "--format", "json", cwd=tmp_path)
    payload = json.loads(out)
    assert code in (0, 1) and len(payload["reports"]) == 1, out
    (duplicate,) = payload["duplicates"]
    (kept,) = {"reports/copy.html", "reports/report.html"} - {duplicate["source"]}
    assert payload["reports"][0]["source"] == kept and f"与 {kept}（网页）是同一份报告" in duplicate["message"]
    changed = dict(
        sample_values, **{"t3.granted.natural_person": str(int(sample_values["t3.granted.natural_person"]) + 1)}
    )
    (tmp_path / "reports" / "copy.html").write_bytes(published_page(changed))
    code, out, _ = invoke("audit", "reports", "--format", "json", "--overwrite", cwd=tmp_path)
    assert len(json.loads(out)["reports"]) == 2 and json.loads(out)["duplicates"] == []
