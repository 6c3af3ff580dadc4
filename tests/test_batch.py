"""batch: 200 synthetic bodies with three bad inputs among them; outputs, summary, exit code."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import ROOT
from synthetic import synthetic_values

from generator.bulk.batch import expand_inputs, plan_jobs
from generator.bulk.pool import available_cores, worker_count
from generator.cli.main import cli
from generator.workbook.csvfile import long_csv
from generator.workbook.writer import write_workbook


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    inputs = folder / "in"
    inputs.mkdir()
    for seed in range(197):
        values = synthetic_values(seed)
        writer, suffix = (write_workbook, "xlsx") if seed % 50 == 0 else (long_csv, "csv")
        (inputs / f"body-{seed:03d}.{suffix}").write_bytes(writer(values))
    broken = synthetic_values(900)
    broken["t3.granted.natural_person"] = str(int(broken["t3.granted.natural_person"]) + 1)
    (inputs / "broken-sum.csv").write_bytes(long_csv(broken))
    blank = synthetic_values(901)
    blank["t4.review.total"] = ""
    (inputs / "blank-cell.csv").write_bytes(long_csv(blank))
    (inputs / "not-a-workbook.xlsx").write_text("这不是工作簿", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(inputs), "-o", str(folder / "out"), "-j", "2"])
    return folder / "out", result


def test_good_bodies_get_reports_and_bad_ones_do_not(batch_run):
    out, result = batch_run
    assert result.exit_code == 1, result.output
    reports = sorted(p.stem for p in out.glob("*.docx"))
    assert len(reports) == 197 and len(list(out.glob("body-*.html"))) == 197
    assert not {"broken-sum", "blank-cell", "not-a-workbook"} & set(reports)
    assert "共 200 个单位：197 个通过，3 个未通过或无法处理。" in result.stdout


def test_summary_names_the_three_with_their_findings(batch_run):
    out, _ = batch_run
    rows = list(csv.DictReader(io.StringIO((out / "校验汇总.csv").read_text(encoding="utf-8-sig"))))
    failed = {(Path(r["文件"]).name, r["结果"], r["代码"], r["键"]) for r in rows if r["结果"] != "通过"}
    assert ("broken-sum.csv", "未通过", "E-row-total", "t3.granted.natural_person") in failed
    assert ("broken-sum.csv", "未通过", "E-col-total", "t3.granted.natural_person") in failed
    assert ("blank-cell.csv", "未通过", "E-cell", "t4.review.total") in failed
    assert ("not-a-workbook.xlsx", "无法读取", "cannot-read", "") in failed
    assert {name for name, *_ in failed} == {"broken-sum.csv", "blank-cell.csv", "not-a-workbook.xlsx"}
    page = BeautifulSoup((out / "校验汇总.html").read_text(encoding="utf-8"), "html.parser")
    assert page.html["lang"] == "zh-CN"
    assert "共 200 个数据文件，197 个通过，3 个未通过或无法处理。" in page.get_text()
    assert "not-a-workbook.xlsx：不是有效的 Excel 工作簿" in page.get_text()


def test_progress_is_plain_lines_in_a_pipe(batch_run):
    _, result = batch_run
    lines = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert len(lines) == 200 and lines[-1].startswith("[200/200] ")


def test_inputs_by_glob_and_same_names_in_two_folders(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.csv").write_bytes(long_csv(synthetic_values(1)))
    paths = expand_inputs([str(tmp_path / "*" / "*.csv")])
    assert [p.name for p in paths] == ["report.csv", "report.csv"]
    assert [job.stem for job in plan_jobs(paths)] == ["a-report", "b-report"]
    with pytest.raises(Exception, match="没有文件与"):
        expand_inputs([str(tmp_path / "*.xlsx")])


def test_a_broken_template_stops_the_batch_before_it_starts(tmp_path):
    (tmp_path / "x.csv").write_bytes(long_csv(synthetic_values(1)))
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "report.html.j2").write_text("{{ meta.titel }}", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["batch", str(tmp_path / "x.csv"), "-o", str(tmp_path / "out"), "--template", str(tmp_path / "tpl")]
    )
    assert result.exit_code == 3
    assert "未知的变量“meta.titel”" in result.stderr
    assert not (tmp_path / "out").exists()


def test_old_formats_in_a_folder_are_reported_and_same_names_kept_apart(run, tmp_path):
    folder = tmp_path / "各单位"
    folder.mkdir()
    (folder / "单位.csv").write_bytes(long_csv(synthetic_values(1)))
    (folder / "单位.xlsx").write_bytes(write_workbook(synthetic_values(2)))
    (folder / "县教育局.xls").write_bytes(b"\xd0\xcf\x11\xe0old")
    result = run("batch", folder, "-o", "out")
    assert result.exit_code == 1
    assert sorted(p.name for p in (tmp_path / "out").glob("*.docx")) == ["单位-csv.docx", "单位-xlsx.docx"]
    assert f"  无法读取：{folder / '县教育局.xls'}：暂不支持Excel 97-2003 工作簿（.xls）" in result.stdout


def test_lock_files_mac_forks_and_hidden_files_are_not_inputs(tmp_path):
    folder = tmp_path / "各单位"
    (folder / ".git").mkdir(parents=True)
    for name in ("甲.xlsx", "~$甲.xlsx", "._甲.xlsx", ".隐藏.csv", ".git/旧.csv"):
        (folder / name).write_bytes(write_workbook(synthetic_values(1)) if name.endswith("xlsx") else b"key,value\n")
    assert [p.name for p in expand_inputs([str(folder)])] == ["甲.xlsx"]
    assert [p.name for p in expand_inputs([str(folder / "*.xlsx")])] == ["甲.xlsx"]
    assert [p.name for p in expand_inputs([str(folder / "*")])] == ["甲.xlsx"]


def test_a_unit_whose_data_breaks_the_template_is_one_summary_line(run, tmp_path):
    """A template dividing by a figure: the body where it is 0 fails alone, the others are written."""
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "report.html.j2").write_text("{{ 1000 // t2.art20_5.licensing.decisions }}", encoding="utf-8")
    inputs = tmp_path / "in"
    inputs.mkdir()
    for seed in range(4):
        values = synthetic_values(seed)
        if seed == 2:
            values["t2.art20_5.licensing.decisions"] = "0"
        (inputs / f"b{seed}.csv").write_bytes(long_csv(values))
    result = run("batch", inputs, "-o", "out", "--template", tmp_path / "tpl", "--format", "html")
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("b*.html")) == ["b0.html", "b1.html", "b3.html"]
    assert "无法生成：" in result.stdout and "b2.csv：模板 report.html.j2：" in result.stdout
    assert "内部错误" not in result.output


def test_jobs_are_capped_at_the_cores(run, tmp_path):
    (tmp_path / "a.csv").write_bytes(long_csv(synthetic_values(1)))
    result = run("batch", "a.csv", "-o", "out", "-j", "999")
    assert result.exit_code == 0
    assert f"提示：本机只有 {available_cores()} 个 CPU 核，按 -j {available_cores()} 运行。" in result.stderr
    assert worker_count(999, 1000) == available_cores() and worker_count(None, 3) == min(3, available_cores())


def _start_batch(tmp_path: Path, count: int) -> tuple[subprocess.Popen[str], Path]:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for seed in range(count):
        (inputs / f"body-{seed:03d}.csv").write_bytes(long_csv(synthetic_values(seed)))
    out = tmp_path / "out"
    command = [sys.executable, "-m", "generator", "batch", str(inputs), "-o", str(out), "-j", "2"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )  # its own process group, as a terminal's Ctrl-C reaches
    assert process.stderr is not None
    for line in process.stderr:  # progress lines: wait until some units are done
        if line.startswith("[40/"):
            break
    return process, out


def test_ctrl_c_exits_130_with_a_summary_of_the_finished_units_and_no_temporary_file(tmp_path):
    process, out = _start_batch(tmp_path, 400)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole group gets SIGINT
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    rows = list(csv.DictReader(io.StringIO((out / "校验汇总.csv").read_text(encoding="utf-8-sig"))))
    finished = {Path(r["文件"]).stem for r in rows}
    assert 40 <= len(finished) < 400
    assert (
        {p.stem for p in out.glob("*.docx")} == finished == {p.stem for p in out.glob("*.html") if p.stem != "校验汇总"}
    )
    assert f"已中断：共 400 个单位，完成 {len(finished)} 个，汇总只列出已完成的单位。" in stderr
    assert "已中断：计划处理 400 个数据文件" in (out / "校验汇总.html").read_text(encoding="utf-8")
    assert list(out.glob(".generate-report-*.tmp")) == []


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def test_workers_end_with_their_parent(tmp_path):
    process, _ = _start_batch(tmp_path, 400)
    workers = _children(process.pid)
    assert len(workers) >= 2
    os.kill(process.pid, signal.SIGKILL)  # no chance to clean up: the workers must notice by themselves
    process.communicate(timeout=60)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.1)
    assert not [w for w in workers if Path(f"/proc/{w}").exists()]


def _square_or_die(unit: int) -> tuple[str, int]:
    if unit == 13:
        os._exit(3)  # what a crash in a C library or the out-of-memory killer does to a worker
    return ("ok", unit * unit)


def test_a_unit_that_kills_its_worker_is_reported_alone():
    from generator.bulk.pool import PoolRun

    results = list(PoolRun(_square_or_die, list(range(40)), 2, lambda unit: ("crashed", unit)))
    assert len(results) == 40
    assert sorted(results) == sorted([("crashed", 13)] + [("ok", u * u) for u in range(40) if u != 13])


def test_a_batch_with_a_crashing_unit_writes_the_others_and_the_summary(tmp_path, monkeypatch):
    """The same through the whole batch: the crashed body is a summary line, every other body is written."""
    import generator.bulk.batch as batch_module

    real = batch_module._process

    def crash_on_seven(job, settings):
        if job.stem == "body-007":
            os._exit(9)
        return real(job, settings)

    monkeypatch.setattr(batch_module, "_process", crash_on_seven)  # the workers are forked: they see it too
    inputs = tmp_path / "in"
    inputs.mkdir()
    for seed in range(12):
        (inputs / f"body-{seed:03d}.csv").write_bytes(long_csv(synthetic_values(seed)))
    result = CliRunner().invoke(cli, ["batch", str(inputs), "-o", str(tmp_path / "out"), "-j", "2"])
    assert result.exit_code == 1, result.output
    assert "无法生成：" in result.stdout and "body-007.csv：处理该文件时工作进程意外退出" in result.stdout
    assert len(list((tmp_path / "out").glob("body-*.docx"))) == 11
    assert (tmp_path / "out" / "校验汇总.csv").is_file()


def test_relative_inputs_are_shown_as_given(run, tmp_path):
    """A clerk who typed 各单位 reads 各单位/甲.csv in the summary and on screen, not the computer's full path."""
    (tmp_path / "各单位").mkdir()
    (tmp_path / "各单位" / "甲.csv").write_bytes(long_csv(synthetic_values(1)))
    (tmp_path / "各单位" / "坏.csv").write_text("x\n", encoding="utf-8")
    result = run("batch", "各单位", "-o", "报告")
    assert result.exit_code == 1
    shown = {Path("各单位", "甲.csv"), Path("各单位", "坏.csv")}
    summary = csv.DictReader(io.StringIO((tmp_path / "报告" / "校验汇总.csv").read_text(encoding="utf-8-sig")))
    assert {Path(row["文件"]) for row in summary} == shown
    assert f"无法读取：{Path('各单位', '坏.csv')}：" in result.stdout
    assert str(tmp_path) not in result.output + (tmp_path / "报告" / "校验汇总.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "报告").glob("甲.*")) == ["甲.docx", "甲.html"]


def test_a_file_named_like_one_in_a_subfolder_is_told_apart_by_its_folders_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    assert [job.stem for job in plan_jobs([Path("a.csv"), Path("sub/a.csv")])] == [f"{tmp_path.name}-a", "sub-a"]
