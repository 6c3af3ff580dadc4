"""The offline bundle: built for this computer, a fresh virtual environment installs from it with no index and
renders the sample (slow: it builds the wheel, downloads the dependencies' wheels and installs them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SAMPLE_CSV

from generator import __version__

PYTHON_VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"


def offline_env() -> dict[str, str]:
    """No pip configuration (this machine's points at local wheel folders) and not the worktree on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and k != "PYTHONPATH"}
    return {**env, "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def test_a_fresh_environment_installs_from_the_bundle_with_no_index_and_renders(tmp_path: Path):
    bundle = tmp_path / "离线安装包"
    built = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_offline_bundle.py"), "-o", str(bundle)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stderr
    assert built.stdout.startswith(f"已生成离线安装包：{bundle}（")
    wheels = sorted(p.name for p in bundle.glob("*.whl"))
    assert [w for w in wheels if w.startswith("generate_report-")] == [
        f"generate_report-{__version__}-py3-none-any.whl"
    ]
    assert not [w for w in wheels if w.startswith(("pandas-", "numpy-"))]
    bat = (bundle / "安装.bat").read_bytes()
    assert b"\r\n" in bat and f"py -{PYTHON_VERSION} -m pip install --no-index --find-links . generate-report" in (
        bat.decode("gbk")
    )
    assert (bundle / "说明.txt").read_text(encoding="utf-8-sig").startswith("generate-report 离线安装包（")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    python = venv / "bin" / "python"
    installed = subprocess.run(
        ["sh", str(bundle / "安装.sh")],
        env={**offline_env(), "PYTHON": str(python)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr
    assert "安装完成" in installed.stdout

    listed = subprocess.run(
        [str(python), "-m", "pip", "list", "--format", "json", "--exclude", "pip", "--exclude", "setuptools"],
        env=offline_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    names = {p["name"].lower().replace("_", "-") for p in json.loads(listed.stdout)}
    assert "generate-report" in names and "pandas" not in names and "numpy" not in names
    assert len(names) == len(wheels)  # every wheel in the bundle is installed, and nothing from elsewhere

    rendered = subprocess.run(
        [str(venv / "bin" / "generate-report"), str(SAMPLE_CSV), "-o", "out"],
        cwd=tmp_path,
        env=offline_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert rendered.returncode == 0, rendered.stderr
    assert sorted(p.name for p in (tmp_path / "out").glob("[!.]*")) == ["mengzhou-2023.docx", "mengzhou-2023.html"]
    where = subprocess.run(
        [str(python), "-c", "import generator; print(generator.__file__)"],
        env=offline_env(),
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    assert where.stdout.startswith(str(venv))
