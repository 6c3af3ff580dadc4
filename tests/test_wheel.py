"""A plain (non-editable) install must find the default templates: build the wheel, install it, run it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT, SAMPLE_CSV


def test_installed_wheel_renders_with_its_own_templates(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("generate_report-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "generator/templates/default/report.docx" in names
    assert "generator/templates/default/report.html.j2" in names
    assert not [n for n in names if "synthetic" in n or n.startswith("tests/")]  # test support stays out

    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import generator, generator.jinja.sets as t; print(generator.__file__); print(t.builtin_templates_dir())",
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert probe[0].startswith(str(site)) and probe[1] == str(site / "generator" / "templates")

    result = subprocess.run(
        [sys.executable, "-m", "generator", str(SAMPLE_CSV), "-o", "out"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").glob("[!.]*")) == ["mengzhou-2023.docx", "mengzhou-2023.html"]
