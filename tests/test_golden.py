"""Golden files: each folder under tests/golden holds an input and the expected text of its HTML and docx.

A new case is a new folder. After an intended change to the templates, regenerate with
UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py and review the diff of the .txt files.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from textdump import docx_lines, html_lines

from generator import load, render, validate

CASES = sorted(p for p in (Path(__file__).parent / "golden").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_rendered_text_matches_golden(case, fmt):
    data = load(next(case.glob("input.*")))
    outputs = render(data, validate(data), [fmt])
    text = html_lines(outputs["html"].decode("utf-8")) if fmt == "html" else docx_lines(outputs["docx"])
    expected_file = case / f"expected.{fmt}.txt"
    actual = "\n".join(text) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8")
