"""Output never stops a run on the console's encoding: a Chinese Windows console writes GBK into a redirected log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

ACTIVE = "narrative.overview.active"


def run_with_encoding(encoding: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """The real command in a child process whose standard output and error are pipes in `encoding`."""
    env = {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONPATH": str(ROOT)}
    env.pop("GENERATE_REPORT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True)


def test_characters_gbk_lacks_are_replaced_and_the_reports_written(tmp_path, sample_values, write_data):
    sample_values[ACTIVE] = "• 通过网站发布信息。𠮷"
    write_data(sample_values, "孟州𠮷•.csv")  # the file name is printed with each report written

    result = run_with_encoding("gbk", tmp_path, "孟州𠮷•.csv", "-o", "报告")

    assert result.returncode == 0, result.stderr.decode("gbk")
    assert sorted(p.name for p in (tmp_path / "报告").glob("[!.]*")) == ["孟州𠮷•.docx", "孟州𠮷•.html"]
    assert "已生成：报告/孟州??.docx".replace("/", os.sep) in result.stdout.decode("gbk")
    assert "• 通过网站发布信息。𠮷" in (tmp_path / "报告" / "孟州𠮷•.html").read_text(encoding="utf-8")


def test_a_finding_quoting_them_is_printed_with_exit_1(tmp_path, sample_values, write_data):
    sample_values[ACTIVE] = "通过网站发布信息 {{ •𠮷 }} 条。"
    write_data(sample_values, "data.csv")

    result = run_with_encoding("gbk", tmp_path, "validate", "data.csv")

    assert result.returncode == 1, result.stderr.decode("gbk")
    assert "引用「{{ ?? }}」只能写一个键" in result.stdout.decode("gbk")
    assert result.stderr == b""


def test_a_stream_that_cannot_carry_chinese_becomes_utf8(tmp_path, sample_values, write_data):
    sample_values[ACTIVE] = "通过网站发布信息 {{ •𠮷 }} 条。"
    write_data(sample_values, "data.csv")

    result = run_with_encoding("ascii", tmp_path, "validate", "data.csv")

    assert result.returncode == 1
    assert "引用「{{ •𠮷 }}」只能写一个键" in result.stdout.decode("utf-8")
