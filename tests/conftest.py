"""Shared fixtures: the bundled 孟州 2023 sample, as raw values that tests can change and write back out."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.readers.csv_long import read_values
from generator.workbook.csvfile import long_csv
from generator.workbook.writer import write_workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CSV = ROOT / "data_samples" / "mengzhou-2023.csv"
SAMPLE_XLSX = ROOT / "data_samples" / "mengzhou-2023.xlsx"


@pytest.fixture
def sample_values() -> dict[str, str]:
    """The sample's key -> value text; each test gets its own copy to break."""
    return read_values(SAMPLE_CSV)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, started once for every browser and accessibility test (see browserkit.py)."""
    from browserkit import chromium

    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def pages(tmp_path_factory) -> dict[str, Path]:
    """The sample report, a department report, a --force report and the diff page, as HTML files."""
    from browserkit import write_sample_pages

    return write_sample_pages(tmp_path_factory.mktemp("pages"))


def lines_with(path: Path, text: str) -> list[int]:
    """1-based numbers of the lines of a template that contain `text` (so tests don't hard-code them)."""
    return [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line]


@pytest.fixture
def run(tmp_path: Path, monkeypatch):
    """run("validate", path, ...) -> click's Result of the command line, run in a fresh working folder."""
    from click.testing import CliRunner

    from generator.cli.main import cli

    monkeypatch.chdir(tmp_path)
    return lambda *args: CliRunner().invoke(cli, [str(a) for a in args], prog_name="generate-report")


@pytest.fixture
def write_data(tmp_path: Path):
    """write_data(values, "name.csv" | "name.xlsx") -> path of a real file in that format."""

    def write(values: dict[str, object], name: str = "data.csv") -> Path:
        path = tmp_path / name
        path.write_bytes(write_workbook(values) if name.endswith(".xlsx") else long_csv(values))
        return path

    return write


def soffice_convert(source: Path, target_format: str, outdir: Path) -> Path:
    """Convert with LibreOffice headless (installed by .ci/run), in a throwaway profile that recalculates
    every formula on load, as Excel does (LibreOffice's default trusts the cached values)."""
    import subprocess

    profile = outdir / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD, encoding="utf-8")
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            target_format,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    converted = outdir / f"{source.stem}.{target_format.split(':')[0]}"
    assert converted.is_file(), f"LibreOffice did not write {converted}"
    return converted


RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
