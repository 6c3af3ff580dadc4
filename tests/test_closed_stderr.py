"""`batch 2>&-`: started with standard error closed (or, through a launcher script, on a file it can only read),
batch still writes every report and its summary, and exits by its findings (1), not 3."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data_samples" / "mengzhou-2023.xlsx"


@pytest.mark.parametrize("stderr", ["closed", "read-only"])
def test_batch_with_standard_error_closed_writes_its_outputs_and_summary(tmp_path, stderr):
    (tmp_path / "in").mkdir()
    shutil.copy(SAMPLE, tmp_path / "in" / "甲.xlsx")
    (tmp_path / "in" / "乙.xlsx").write_bytes(b"PK\x03\x04 not a workbook")  # a unit that cannot be processed
    command = [sys.executable, "-m", "generator", "batch", "in", "-o", "out", "-j", "2"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    (tmp_path / "launcher.sh").write_text("#!/bin/sh\n", encoding="utf-8")  # what a pyenv shim leaves on fd 2
    with (tmp_path / "launcher.sh").open("rb") as unused:
        done = subprocess.run(
            command,
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
            timeout=300,
            **({"stderr": unused} if stderr == "read-only" else {"preexec_fn": lambda: os.close(2)}),  # noqa: PLW1509
        )
    assert done.returncode == 1, done.stdout
    assert "\n共 2 个单位：1 个通过，1 个未通过或无法处理。\n  无法读取：" in done.stdout, done.stdout
    written = sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))
    assert written == ["校验汇总.csv", "校验汇总.html", "甲.docx", "甲.html"]
    summary = (tmp_path / "out" / "校验汇总.csv").read_text(encoding="utf-8-sig")
    assert "甲.xlsx" in summary and "乙.xlsx" in summary
