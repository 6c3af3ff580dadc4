"""Same input, same template, same bytes — across processes; and the compiled Word path matches docxtpl's own."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile

from conftest import SAMPLE_XLSX
from docxtpl import DocxTemplate
from textdump import docx_lines

from generator import load, render, validate
from generator.jinja.environment import make_environment
from generator.jinja.sets import find_template_set
from generator.render.filling.context import build_context
from generator.workbook.csvfile import long_csv


def run_once(tmp_path, name):
    out = tmp_path / name
    subprocess.run(
        [sys.executable, "-m", "generator", str(SAMPLE_XLSX), "-o", str(out)], check=True, capture_output=True
    )
    return {p.name: p.read_bytes() for p in out.glob("[!.]*")}  # not the hidden record of what was written


def test_two_runs_give_identical_bytes(tmp_path):
    first, second = run_once(tmp_path, "a"), run_once(tmp_path, "b")
    assert sorted(first) == ["mengzhou-2023.docx", "mengzhou-2023.html"]
    assert first == second


def test_no_generation_time_inside_the_docx(tmp_path, sample_values):
    data = load(SAMPLE_XLSX)
    content = render(data, validate(data), ["docx"])["docx"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode("utf-8")
    # The dates follow the report, never the clock: no issue date, the day after the period reported on.
    assert core.count("2024-01-01T00:00:00Z") == 2
    sample_values["meta.issue_date"] = "2024-01-20"
    dated = tmp_path / "dated.csv"
    dated.write_bytes(long_csv(sample_values))
    data = load(dated)
    with zipfile.ZipFile(io.BytesIO(render(data, validate(data), ["docx"])["docx"])) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert core.count("2024-01-20T00:00:00Z") == 2  # created and modified: the issue date


def test_compiled_word_rendering_matches_docxtpl():
    data = load(SAMPLE_XLSX)
    report = validate(data)
    template_set = find_template_set()
    ours = render(data, report, ["docx"])["docx"]
    reference = DocxTemplate(str(template_set.file("report.docx")))
    reference.render(
        build_context(data, report, template_set.standard_paragraphs), jinja_env=make_environment(), autoescape=True
    )
    saved = io.BytesIO()
    reference.save(saved)
    assert docx_lines(ours) == docx_lines(saved.getvalue())
