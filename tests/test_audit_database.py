"""One database, many audits: two audits started together each get their own run and list only their own
reports; a damaged database (the tool's id, no tables) and a tampered row each get one plain line, and the audit
still writes its outputs."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from synthetic import published_page, synthetic_values

from generator.audit.store import APPLICATION_ID

ROOT = Path(__file__).resolve().parent.parent


def reports(folder: Path, first: int, count: int) -> Path:
    folder.mkdir()
    for n in range(first, first + count):
        (folder / f"r{n}.html").write_bytes(published_page(synthetic_values(n, 2023)))
    return folder


def audit(cwd: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "generator", "audit", *args]
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_audits_started_together_each_list_their_own_reports(tmp_path):
    reports(tmp_path / "甲", 1, 25)
    reports(tmp_path / "乙", 101, 25)
    both = [
        audit(tmp_path, name, "--db", "共用.sqlite", "-o", f"out{name}", "--format", "json", "-j", "1")
        for name in ("甲", "乙")
    ]
    results = [process.communicate(timeout=600) for process in both]
    for process, (out, err), name in zip(both, results, ("甲", "乙"), strict=True):
        assert process.returncode in (0, 1), err
        sources = sorted(entry["source"] for entry in json.loads(out)["reports"])
        assert sources == sorted(
            f"{name}/r{n}.html" for n in range(1 if name == "甲" else 101, 26 if name == "甲" else 126)
        )
        page = (tmp_path / f"out{name}" / "审查报告.html").read_text(encoding="utf-8")
        assert "<p>共审查 25 份报告：" in page and page.count("示例县第") >= 25
        others = range(101, 126) if name == "甲" else range(1, 26)
        assert not any(f"{'乙' if name == '甲' else '甲'}/r{n}.html" in page for n in others)
    with sqlite3.connect(tmp_path / "共用.sqlite") as db:
        runs = db.execute("SELECT run, count(*) FROM run_reports GROUP BY run ORDER BY run").fetchall()
    assert runs == [(1, 25), (2, 25)]


def test_a_database_with_the_tools_id_but_no_tables_is_named_and_the_outputs_are_written(tmp_path):
    reports(tmp_path / "r", 1, 2)
    with sqlite3.connect(tmp_path / "坏.sqlite") as db:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute("PRAGMA user_version = 1")
    process = audit(tmp_path, "r", "--db", "坏.sqlite", "-o", "out")
    out, err = process.communicate(timeout=300)
    assert process.returncode in (0, 1), err
    assert err.splitlines()[-1] == (  # after a line per report
        "警告：坏.sqlite：审查数据库已损坏（缺少数据表 reports、figures、texts、left_out、notes、findings、state）；"
        "本次审查的结果没有存入该数据库，只写出审查报告等文件。请换一个 --db 文件，或删除它后重新审查。"
    )
    assert "Traceback" not in err and "程序内部错误" not in err
    assert all(
        (tmp_path / "out" / name).stat().st_size > 0 for name in ("审查报告.html", "审查结果.xlsx", "审查通报.docx")
    )
    assert "共审查 2 份报告" in out and "审查数据库：本次未存入（见警告）" in out
    with sqlite3.connect(tmp_path / "坏.sqlite") as db:  # left as it was found
        assert db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def test_a_tampered_row_is_set_aside_in_one_line_and_its_report_read_again(tmp_path):
    reports(tmp_path / "r", 1, 3)
    first = audit(tmp_path, "r", "--db", "审查.sqlite", "-o", "out1")
    assert first.wait(timeout=300) in (0, 1)
    with sqlite3.connect(tmp_path / "审查.sqlite") as db:
        db.execute("UPDATE reports SET year = '二〇二三' WHERE source = 'r/r2.html'")
    process = audit(tmp_path, "r", "--db", "审查.sqlite", "-o", "out2", "--format", "json")
    out, err = process.communicate(timeout=300)
    assert process.returncode in (0, 1), err
    assert err.splitlines()[-1] == (
        "警告：审查.sqlite：审查数据库中有 1 份报告的记录被改动过（如 r/r2.html 的 reports.year），已从数据库中移除；"
        "这些报告的文件再次审查时会重新读取。"
    )
    entries = {entry["source"]: entry for entry in json.loads(out)["reports"]}
    assert sorted(entries) == ["r/r1.html", "r/r2.html", "r/r3.html"] and entries["r/r2.html"]["year"] == 2023
    assert (tmp_path / "out2" / "审查报告.html").exists()
