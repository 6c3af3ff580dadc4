"""The generated Word report as LibreOffice lays it out: A4 pages, the six headings, the figures, page numbers.

LibreOffice opens the very file a body publishes (not the copy generate-report turns into PDF): 22 lines of
28 characters, and as many pages as the tool's own PDF.
"""

from __future__ import annotations

import io
import re

import pytest
from conftest import ROOT, SAMPLE_XLSX, soffice_convert
from pdfmeasure import TEXT_RIGHT_MM, read_lines
from pypdf import PdfReader

from generator import load, render, validate
from generator.format import schema
from generator.render.typography.layout import text_width

A4_POINTS = (595.3, 841.9)


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> tuple[bytes, bytes]:
    """(the published .docx converted by plain `soffice --convert-to pdf`, the tool's own PDF of it)."""
    folder = tmp_path_factory.mktemp("pdf")
    data = load(SAMPLE_XLSX)
    outputs = render(data, validate(data), ["docx", "pdf"])
    docx = folder / "report.docx"
    docx.write_bytes(outputs["docx"])
    return soffice_convert(docx, "pdf", folder).read_bytes(), outputs["pdf"]


@pytest.fixture(scope="module")
def pdf(converted):
    return PdfReader(io.BytesIO(converted[0]))


def test_the_published_word_file_sets_28_characters_a_line_and_the_tools_page_count(converted, pdf):
    lines = [line for line in read_lines(converted[0], cells=False) if abs(line.size - 16) < 0.3]
    assert max(text_width(line.text) for line in lines) == 28  # 14 when LibreOffice gave each character two cells
    full = [line for line in lines if re.fullmatch(r"[^\x00-\x7f]+", line.text) and line.x1 > TEXT_RIGHT_MM - 1]
    assert sum(len(line.text) == 28 for line in full) > len(full) / 2
    assert len(pdf.pages) == len(PdfReader(io.BytesIO(converted[1])).pages) == 6


def test_every_page_is_a4(pdf):
    assert 3 <= len(pdf.pages) <= 8
    for page in pdf.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_POINTS[0]) < 1 and abs(height - A4_POINTS[1]) < 1


def test_text_headings_figures_and_page_numbers(pdf):
    pages = [page.extract_text() for page in pdf.pages]
    text = re.sub(r"\s+", "", "".join(pages))
    assert "孟州市人民政府2023年政府信息公开工作年度报告" in text
    for heading in schema.HEADINGS.values():
        assert re.sub(r"\s+", "", heading) in text
    for figure in ("28414", "4351.7195", "245720"):
        assert figure in text
    for number, page in enumerate(pages, 1):
        assert f"— {number} —" in page or f"—{number}—" in re.sub(r"\s+", "", page)


def test_table_two_survives_a_page_break_at_its_first_row(tmp_path):
    # A short narrative puts table 二's first row at the foot of page 1 (LibreOffice once dropped the rest).
    data = load(ROOT / "tests" / "import_cases" / "county_arith_error" / "expected.csv")
    docx = tmp_path / "short.docx"
    docx.write_bytes(render(data, validate(data), ["docx"], force=True)["docx"])  # arithmetic errors
    text = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(soffice_convert(docx, "pdf", tmp_path)).pages)
    )
    for label in ("规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费"):
        assert label in text, label
