"""The bundled sample reproduces the real report it came from (tests/fixtures: 孟州市人民政府 2023, pasted)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, SAMPLE_XLSX
from textdump import docx_lines

from generator import load, render, validate

SEED = ROOT / "tests" / "fixtures" / "mengzhou-2023-pasted.txt"


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def outputs():
    data = load(SAMPLE_XLSX)
    return render(data, validate(data))


def seed_paragraphs(lines: list[str]) -> list[str]:
    """Narrative lines of the pasted page, each with its run-in sub-heading as the reports print it: the page's
    "(一) 主动公开：…" is "（一）主动公开：…", one paragraph."""
    paragraphs = [line.strip() for line in lines if "\t" not in line and len(line.strip()) > 30]
    return [re.sub(r"^\(([一二三四五])\) ([^：]+：)", r"（\1）\2", p) for p in paragraphs]


def seed_figures(lines: list[str]) -> list[str]:
    """Every number in the pasted tables, in reading order (tables are the tab-separated lines)."""
    return [
        cell.strip()
        for line in lines
        if "\t" in line
        for cell in line.split("\t")
        if re.fullmatch(r"\s*[\d.]+\s*", cell)
    ]


def test_every_seed_paragraph_is_in_both_reports(seed_lines, outputs):
    paragraphs = seed_paragraphs(seed_lines)
    assert len(paragraphs) == 9
    html = {p.get_text() for p in BeautifulSoup(outputs["html"], "html.parser").find_all("p")}
    docx = {line.split(": ", 1)[1] for line in docx_lines(outputs["docx"]) if not line.startswith("tr ")}
    for paragraph in paragraphs:
        assert paragraph in html
        assert paragraph in docx


def test_every_seed_figure_in_order(seed_lines, outputs):
    figures = seed_figures(seed_lines)
    assert len(figures) == 200
    page = BeautifulSoup(outputs["html"], "html.parser")
    rendered = [td.get_text() for td in page.select("td[data-key]")]
    assert rendered == figures


def test_headings_are_the_official_ones(seed_lines, outputs):
    headings = [line.strip() for line in seed_lines if re.match(r"^[一二三四五六]、", line) and "\t" not in line]
    page = BeautifulSoup(outputs["html"], "html.parser")
    assert [h.get_text() for h in page.find_all("h2")] == headings
