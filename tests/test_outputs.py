"""Outputs: nothing a user changed is replaced unasked, a report's files land together, no temporary file
survives, one writer per folder, and a summary that matches the files."""

from __future__ import annotations

import csv
import errno
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_XLSX
from synthetic import synthetic_values

from generator.exceptions import OutputError, os_reason
from generator.render.writing import output
from generator.render.writing.lock import FolderLock
from generator.render.writing.output import write_outputs
from generator.workbook.csvfile import long_csv

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def temporaries(folder: Path) -> list[Path]:
    return list(folder.glob(".generate-report-*.tmp"))


def edit_in_word(path: Path, text: str) -> None:
    from docx import Document

    document = Document(str(path))
    document.add_paragraph(text)
    document.save(str(path))


def test_an_edited_report_is_kept_and_replaced_only_with_overwrite(run, tmp_path):
    assert run(SAMPLE_XLSX, "-o", "out").exit_code == 0
    docx = tmp_path / "out" / "mengzhou-2023.docx"
    edit_in_word(docx, "办公室补充的一段话")
    edited = docx.read_bytes()
    html_before = (tmp_path / "out" / "mengzhou-2023.html").read_bytes()

    again = run(SAMPLE_XLSX, "-o", "out")
    assert again.exit_code == 3
    assert again.stderr == (
        "错误：out/mengzhou-2023.docx 在本工具上次生成之后被修改过（或不是本工具生成的），为免丢失修改，"
        "未写入任何文件：确需用新结果替换，请加 --overwrite。"
        "out/mengzhou-2023.html 仍是修改前的内容，Word 中的修改不会带到其中："
        "请同样改在数据的“正文”（或模板）中，再加 --overwrite 重新生成。\n"
    )
    assert docx.read_bytes() == edited  # the edit is kept
    assert (tmp_path / "out" / "mengzhou-2023.html").read_bytes() == html_before

    replaced = run(SAMPLE_XLSX, "-o", "out", "--overwrite")
    assert replaced.exit_code == 0
    assert (
        docx.read_bytes() != edited
        and b"\xe5\x8a\x9e\xe5\x85\xac\xe5\xae\xa4\xe8\xa1\xa5\xe5\x85\x85" not in docx.read_bytes()
    )
    assert run(SAMPLE_XLSX, "-o", "out").exit_code == 0  # unchanged since written: replaced without asking


def test_a_file_the_tool_did_not_write_is_not_replaced_and_nothing_else_is_written(run, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "mengzhou-2023.html").write_text("某人自己的网页", encoding="utf-8")
    result = run(SAMPLE_XLSX, "-o", "out")
    assert result.exit_code == 3 and "--overwrite" in result.stderr
    assert visible(tmp_path / "out") == ["mengzhou-2023.html"]  # no .docx either: together or not at all
    assert (tmp_path / "out" / "mengzhou-2023.html").read_text(encoding="utf-8") == "某人自己的网页"


def test_a_report_s_files_are_replaced_together_or_not_at_all(tmp_path, monkeypatch):
    write_outputs(tmp_path, "r", {"docx": b"old docx", "html": b"old html"})
    real_replace = os.replace

    def failing_replace(source, target):
        if str(target).endswith("r.html"):
            raise PermissionError(13, "Permission denied", str(target))
        real_replace(source, target)

    monkeypatch.setattr(output.os, "replace", failing_replace)
    with pytest.raises(OutputError, match=r"无法写入 .*：没有权限（文件是否正在 Word、WPS 或浏览器中打开？）"):
        write_outputs(tmp_path, "r", {"docx": b"new docx", "html": b"new html"})
    monkeypatch.setattr(output.os, "replace", real_replace)
    assert (tmp_path / "r.docx").read_bytes() == b"old docx"  # put back when the second file failed
    assert (tmp_path / "r.html").read_bytes() == b"old html"
    assert temporaries(tmp_path) == []
    write_outputs(tmp_path, "r", {"docx": b"new docx", "html": b"new html"})  # the old files are still known
    assert (tmp_path / "r.docx").read_bytes() == b"new docx"


KILLED_WRITER = """
import os, sys, time
from pathlib import Path
from generator.render.writing import output
real = os.replace
def slow(source, target):
    print("renaming", flush=True)
    time.sleep(60)
output.os.replace = slow
output.write_outputs(Path(sys.argv[1]), "r", {"docx": b"new", "html": b"new"})
"""


def test_temporary_files_of_a_killed_run_are_gone_after_the_next_run(tmp_path):
    folder = tmp_path / "out"
    write_outputs(folder, "r", {"docx": b"old", "html": b"old"})
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(folder)], env=ENV, stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline() == "renaming\n"
    writer.kill()
    writer.wait()
    assert len(temporaries(folder)) >= 2  # what kill -9 leaves: the two finished temporaries (and a link)
    assert (folder / "r.docx").read_bytes() == b"old"
    write_outputs(folder, "other", {"html": b"x"})
    assert temporaries(folder) == []
    write_outputs(folder, "r", {"docx": b"newer", "html": b"newer"})  # the killed run's hashes do no harm


def test_a_second_writer_waits_for_the_first(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.csv").write_bytes(long_csv(synthetic_values(1)))
    with FolderLock(folder):
        second = subprocess.Popen(
            [sys.executable, "-m", "generator", "batch", str(inputs), "-o", str(folder)],
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert second.stderr is not None
        assert second.stderr.readline() == f"文件夹 {folder} 正由另一个 generate-report 写入，等它完成后继续……\n"
        time.sleep(0.5)
        assert visible(folder) == []  # nothing written while the first holds the folder
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert visible(folder) == ["a.docx", "a.html", "校验汇总.csv", "校验汇总.html"]


def summary(folder: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((folder / "校验汇总.csv").read_text(encoding="utf-8-sig"))))


def test_a_batch_keeps_edited_reports_and_drops_reports_of_bodies_that_now_fail(run, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for seed in range(3):
        (inputs / f"b{seed}.csv").write_bytes(long_csv(synthetic_values(seed)))
    assert run("batch", inputs, "-o", "out").exit_code == 0
    edit_in_word(tmp_path / "out" / "b1.docx", "改过")
    refused = run("batch", inputs, "-o", "out")
    assert refused.exit_code == 3 and "b1.docx 在本工具上次生成之后被修改过" in refused.stderr

    broken = synthetic_values(2)
    broken["t4.review.total"] = ""
    (inputs / "b2.csv").write_bytes(long_csv(broken))
    assert run("batch", inputs, "-o", "out", "--overwrite").exit_code == 1
    rows = summary(tmp_path / "out")
    passed = {Path(r["文件"]).stem for r in rows if r["结果"] == "通过"}
    assert passed == {"b0", "b1"}
    assert {p.stem for p in (tmp_path / "out").glob("*.docx")} == passed  # the summary matches the files


def test_an_edited_total_or_comparison_is_not_replaced(run, tmp_path):
    (tmp_path / "a.csv").write_bytes(long_csv(synthetic_values(1)))
    assert run("aggregate", "a.csv", "-o", "全市.xlsx").exit_code == 0
    (tmp_path / "全市.xlsx").write_bytes(b"edited")
    assert run("aggregate", "a.csv", "-o", "全市.xlsx").exit_code == 3
    assert (tmp_path / "全市.xlsx").read_bytes() == b"edited"
    assert run("aggregate", "a.csv", "-o", "全市.xlsx", "--overwrite").exit_code == 0
    assert run("diff", "a.csv", "a.csv", "--format", "csv", "-o", "对比.csv").exit_code == 0
    (tmp_path / "对比.csv").write_text("mine", encoding="utf-8")
    result = run("diff", "a.csv", "a.csv", "--format", "csv", "-o", "对比.csv")
    assert result.exit_code == 3 and "对比.csv 在本工具上次生成之后被修改过" in result.stderr


def test_every_command_that_writes_offers_overwrite_in_its_help(run):
    for command in ("render", "batch", "aggregate", "diff", "new-template", "init", "import"):
        help_text = run(command, "--help").stdout
        assert "--overwrite" in help_text and "生成后被修改过" in "".join(help_text.split()), command


def test_writing_into_a_folder_the_system_refuses_says_so_in_chinese(run):
    result = run(SAMPLE_XLSX, "-o", "/sys/kernel")  # refused even to root
    assert result.exit_code == 3
    assert result.stderr == "错误：无法写入文件夹 /sys/kernel：没有权限\n"


@pytest.mark.parametrize(
    ("number", "reason"),
    [(errno.EACCES, "没有权限"), (errno.ENOSPC, "磁盘空间已满"), (errno.EROFS, "磁盘或文件夹是只读的")],
)
def test_operating_system_reasons_are_chinese(number, reason):
    assert os_reason(OSError(number, os.strerror(number))) == reason
