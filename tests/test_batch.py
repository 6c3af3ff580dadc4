"""batch: 200 synthetic bodies with three bad inputs among them; outputs, summary, exit code."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from synthetic import synthetic_values

from generator.bulk.batch import expand_inputs, plan_jobs
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
    assert "无法读取：" in result.stdout and "县教育局.xls：暂不支持Excel 97-2003 工作簿（.xls）" in result.stdout
