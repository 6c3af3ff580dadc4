"""Scanned reports: the sample's own PDF printed to images at 150 dpi, turned, blurred and speckled, wrapped as
an image-only PDF and imported; every figure compared (none wrong), the arithmetic as the proof-reader, the
grid found from the rules, and a clear hint when the OCR engine is missing."""

from __future__ import annotations

import base64
import io
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLE_XLSX
from PIL import Image, ImageDraw
from scankit import make_scan, scan_pages

from generator import import_report, load, render, validate
from generator.audit.store import label_of
from generator.exceptions import GenerateReportError
from generator.format import relations, schema
from generator.importers import grid, likeness, ocr, proof, scan

TIME_LIMIT = 60  # seconds for the six-page scan on this machine


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory):
    """The sample rendered to PDF by the tool."""
    pdf = tmp_path_factory.mktemp("scan") / "mengzhou-2023.pdf"
    data = load(SAMPLE_XLSX)
    # In the real 仿宋 (FandolFang) the tables' text sits tight against the rules, as in most published reports.
    pdf.write_bytes(render(data, validate(data), ["pdf"])["pdf"])
    return pdf


@pytest.fixture(scope="module")
def scanned(sample_pdf):
    """The sample's PDF and its scan, both imported (with the seconds the scan took)."""
    pdf = sample_pdf
    scanned_pdf = make_scan(pdf, pdf.parent / "scan.pdf")
    started = time.monotonic()
    result = import_report(scanned_pdf)
    return import_report(pdf), result, time.monotonic() - started


def test_a_six_page_scan_reads_with_no_figure_wrong_within_a_minute(scanned):
    truth, result, seconds = scanned
    right, unread, wrong = [], [], []
    for key in schema.figures():
        found = result.evidence.get(key)
        if found is not None and found.semantic == "unread":
            unread.append(key)
            # the cell to look at on the page image; or, in a row the table's labels could not place, its label
            assert (found.place.page and found.place.bbox) or found.place.row, key
        elif found is not None and found.value == truth.evidence[key].value:  # "00" read for 0 is 0
            right.append(key)
        else:
            wrong.append((key, truth.values.get(key), result.values.get(key)))
    assert wrong == []
    assert len(right) >= 0.99 * len(schema.figures()), unread
    assert seconds < TIME_LIMIT
    assert any(note.startswith("扫描件：") for note in result.notes)
    for key in ("meta.body", "meta.year"):
        assert result.values.get(key) == truth.values.get(key)
    narrative = {key for key in truth.values if key.startswith("narrative.")}
    assert narrative <= {key for key in result.values if key.startswith("narrative.")}  # every section found


def test_each_figure_says_how_the_scan_was_proof_read(scanned):
    _, result, _ = scanned
    counted = result.evidence["t3.granted.total"]
    assert counted.semantic != "unread" and counted.to_dict()["check"] == "arithmetic"
    agreed = [found for key, found in result.evidence.items() if key.startswith("t2.") and found.semantic != "unread"]
    assert agreed and {found.to_dict()["check"] for found in agreed} == {"agreement"}  # table 二: no arithmetic
    printed = import_report(Path(__file__).parent / "fixtures" / "mengzhou-2023-pasted.txt")
    assert "check" not in printed.evidence["t3.granted.total"].to_dict()  # text read as printed: no check


def test_the_audit_shows_an_unread_cell_of_a_scan_as_its_picture(sample_pdf, run, tmp_path):
    """A cell the printer missed is unread (never 0), and the audit page shows its picture beside its place."""
    erased = import_report(sample_pdf).evidence["t3.granted.natural_person"].place
    assert erased.page and erased.bbox
    (tmp_path / "reports").mkdir()
    make_scan(sample_pdf, tmp_path / "reports" / "scan.pdf", erased=[(erased.page, erased.bbox)])
    result = run("audit", "reports", "-o", "out")
    assert result.exit_code in (0, 1), result.output
    html = "".join(path.read_text(encoding="utf-8") for path in (tmp_path / "out").rglob("*.html"))
    assert "扫描件中这些格的文字识别结果未能经勾稽关系" in html and label_of("t3.granted.natural_person") in html
    pictures = re.findall(r'<img class="cell-image" src="data:image/png;base64,([^"]+)"', html)
    assert pictures
    picture = Image.open(io.BytesIO(base64.b64decode(pictures[0])))
    assert picture.width <= scan.SHOT[0] and picture.height <= scan.SHOT[1] and picture.width > 10
    assert np.asarray(picture.convert("L")).min() < 128  # the cell's rules at least: a picture, not a blank


def _table(draw: ImageDraw.ImageDraw, xs: list[int], ys: list[int], merged_top_left: bool) -> None:
    for y in ys:
        draw.line((xs[0], y, xs[-1], y), fill=0, width=2)
    for x in xs:
        draw.line((x, ys[0], x, ys[-1]), fill=0, width=2)
    if merged_top_left:  # no rule between the first two columns in the first row
        draw.line((xs[1], ys[0] + 3, xs[1], ys[1] - 3), fill=255, width=4)


def test_the_grid_is_found_from_the_rules_with_a_merged_cell_once():
    page = Image.new("L", (600, 400), 255)
    draw = ImageDraw.Draw(page)
    xs, ys = [50, 200, 300, 400], [60, 90, 120, 150]
    _table(draw, xs, ys, merged_top_left=True)
    draw.text((60, 95), "label", fill=0)
    turned = page.rotate(0.8, resample=Image.Resampling.BICUBIC, fillcolor=255)
    ink = grid.as_array(turned) < 128
    angle = grid.skew(ink)
    assert -1.0 < angle < -0.6
    straight = grid.as_array(turned.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)) < 160
    (table,) = grid.grids(straight, *grid.rules(straight))
    assert [len(row) for row in table.rows] == [2, 3, 3]
    first = table.rows[0][0].box
    assert abs(first[2] - 300) <= 3 and abs(first[0] - 50) <= 3  # spans two columns


def test_a_row_rule_that_characters_touch_along_a_label_still_divides_the_rows():
    """Tight rows, as 仿宋 prints them: strokes resting on a row's rule every character along a long label make the
    rule thick there; it still separates the two rows (when it did not, four labels read as one cell)."""
    page = Image.new("L", (600, 400), 255)
    draw = ImageDraw.Draw(page)
    xs, ys = [50, 300, 400, 500], [60, 90, 120, 150]
    _table(draw, xs, ys, merged_top_left=False)
    for left in range(58, 290, 22):  # a character's foot every 22 pixels, 16 wide, resting on the rule at y=90
        draw.rectangle((left, 84, left + 15, 89), fill=0)
        draw.rectangle((left + 3, 72, left + 5, 89), fill=0)
    ink = grid.as_array(page) < 128
    (table,) = grid.grids(ink, *grid.rules(ink))
    assert [len(row) for row in table.rows] == [3, 3, 3]
    assert table.rows[0][0].box[3] == table.rows[1][0].box[1] <= 92  # the label cell ends at the touched rule


def test_a_misread_cell_is_blamed_and_its_row_and_column_still_vouch_for_the_rest():
    involved = {key: [r for r in relations.single_year() if key in r.keys] for key in schema.figures()}
    values: dict[str, relations.Value] = {key: 0 for key in schema.figures() if involved[key]}
    values |= {"t3.new_received.natural_person": 5, "t3.new_received.total": 5}
    values |= {"t3.granted.natural_person": 5, "t3.granted.total": 5}
    values |= {"t3.total_processed.natural_person": 5, "t3.total_processed.total": 5}
    assert proof._settled(involved, values) >= set(values)
    values["t3.granted.natural_person"] = 8  # read 8 for 5: its row and its column fail
    settled = proof._settled(involved, values)
    assert "t3.granted.natural_person" not in settled
    assert {"t3.granted.total", "t3.total_processed.natural_person", "t4.review.total"} <= settled


def test_without_the_engine_a_scan_says_how_to_install_it(monkeypatch, run, tmp_path):
    monkeypatch.setattr(ocr, "_languages", lambda: frozenset())
    with pytest.raises(GenerateReportError, match="apt-get install tesseract-ocr tesseract-ocr-chi-sim"):
        ocr.require("scan.pdf")
    Image.fromarray(np.full((842, 595), 255, dtype=np.uint8)).save(tmp_path / "scan.pdf")
    result = run("import", "scan.pdf", "-o", "out.xlsx")
    assert result.exit_code == 3
    assert "tesseract" in result.stderr and result.stderr.count("\n") == 1


def test_a_label_misread_as_a_figure_is_told_by_its_column():
    """ "-" read for （一）予以公开 stands in the column of labels: it is no figure (its row is then placed by its
    neighbours); "i" read for a blurred 11 right of a figure is one."""
    texts = [("一、本年新收", "1", "0"), ("（二）部分公开", "3", "i"), ("-", "0", "0"), ("（四）无法提供", "2", "2")]
    rows = [tuple(grid.Cell(r, c, (c * 100, r * 30, c * 100 + 100, r * 30 + 30)) for c in range(3)) for r in range(4)]
    table = grid.Grid((0, 0, 300, 120), tuple(rows))
    read = {
        cell: (text, text if text.isdigit() else "")
        for row, line in zip(rows, texts, strict=True)
        for cell, text in zip(row, line, strict=True)
    }
    held, misread = scan._figure_cells([table], read)
    assert misread == {rows[2][0]}
    assert held == {cell for row in rows for cell in row[1:]}


def test_table_two_is_taken_only_when_readings_agree():
    key = "t2.art20_5.licensing.decisions"
    assert proof._agree(key, ("364", "364", ""))
    assert proof._agree(key, ("", "0", "00"))  # one pass read nothing; "00" is 0
    assert not proof._agree(key, ("311", "311", "31"))  # two readings differ: unread
    assert not proof._agree(key, ("1", "", ""))  # one reading alone


def test_digits_are_read_by_their_likeness_to_the_pages_own(sample_pdf):
    """Half of table 三's figures, as printed, give each digit's look; the other half are then read by likeness:
    most of them, and none wrong."""
    truth = import_report(sample_pdf)
    number = truth.evidence["t3.total_processed.total"].place.page
    cells = [
        (found.place.bbox, found.raw)
        for key, found in truth.evidence.items()
        if key.startswith("t3.") and found.place.page == number and found.place.bbox and found.raw.isdigit()
    ]
    page = grid.as_array(scan_pages(sample_pdf)[number - 1])
    ink = page < grid.otsu(page)
    boxes = []
    for bbox, raw in cells:
        cell = tuple(round(v * 150 / 72) for v in bbox)
        boxes.append((grid.ink_box(ink, cell), raw))  # type: ignore[arg-type]
    looks = likeness.Looks(page, ink, [(box, raw) for box, raw in boxes[::2] if box])
    read = [(looks.read(box), raw) for box, raw in boxes[1::2] if box]
    assert len(read) > 40
    assert [(got, raw) for got, raw in read if got and got != raw] == []
    assert sum(1 for got, raw in read if got == raw) >= 0.9 * len(read)


def test_without_the_scan_extra_everything_but_a_scan_works_and_a_scan_says_what_to_install(sample_pdf, tmp_path):
    """numpy and the OCR code are the optional `scan` extra (the offline bundle leaves them out): help, importing a
    text and auditing a page never load them; a scan names what to install in one line (exit 3)."""
    scanned_pdf = make_scan(sample_pdf, tmp_path / "scan.pdf")
    pasted = Path(__file__).parent / "fixtures" / "mengzhou-2023-pasted.txt"
    code = (
        "import sys; sys.modules['numpy'] = None  # as if the scan extra were not installed\n"
        "from generator.cli.main import cli\n"
        "try:\n    cli(sys.argv[1:])\nexcept SystemExit as done:\n    print('EXIT', done.code)\n"
    )

    def run_without_numpy(*args: object) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-c", code, *map(str, args)]
        return subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=300, check=False)

    assert "EXIT 0" in run_without_numpy("--help").stdout
    assert "EXIT 0" in run_without_numpy("import", pasted, "-o", "pasted.xlsx").stdout
    assert "EXIT 0" in run_without_numpy("audit", pasted, "-o", "audit").stdout
    refused = run_without_numpy("import", scanned_pdf, "-o", "scan.xlsx")
    assert "EXIT 3" in refused.stdout and "Traceback" not in refused.stderr
    assert refused.stderr.strip().count("\n") == 0 and 'pip install ".[scan]"' in refused.stderr, refused.stderr
