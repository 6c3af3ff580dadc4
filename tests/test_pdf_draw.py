"""pdfium draws a PDF's pages (generator/importers/pdf_draw.py) into the objects pdfplumber reads, in pdfminer's
geometry: every character, line, rectangle and curve where pdfminer's own interpreter puts it, on pages rotated,
offset, scaled and drawn through forms. The PDFs are written here by hand. A table cell's text read without
pdfplumber's machinery is the text pdfplumber reads."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pdfplumber.utils import extract_text
from test_pdf_bounds import TEXT, pdf_file

from generator.importers.pdf import _one_run
from generator.importers.pdf_bounds import Budget
from generator.importers.pdf_draw import drawn_objects

DRAWN = b" 72 690 m 300 690 l S 72 600 100 50 re S 72 500 m 100 520 l 120 500 l h f 50 400 m 60 410 70 420 80 400 c S"
FORM = b"<< /Type /XObject /Subtype /Form /BBox [0 0 300 300] /Resources << /Font << /F1 3 0 R >> >> /Length %d >>"
KEYS = ("x0", "x1", "top", "bottom", "doctop")


def variants() -> dict[str, bytes]:
    page = TEXT + DRAWN
    plain = pdf_file([page, page])
    return {
        "plain": plain,
        "rotated 90": plain.replace(b"/MediaBox [0 0 595 842]", b"/Rotate 90 /MediaBox [0 0 595 842]"),
        "rotated 270": plain.replace(b"/MediaBox [0 0 595 842]", b"/Rotate 270 /MediaBox [0 0 595 842]"),
        "media box off the origin": plain.replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [10 20 605 862]"),
        "scaled, text stretched": pdf_file(
            [b"q 0.5 0 0 0.5 20 30 cm " + page + b" Q BT /F1 1 Tf 20 0 0 14 72 300 Tm 110 Tz (Wide Text) Tj ET"]
        ),
        "through a form": with_form(page),
    }


def with_form(content: bytes) -> bytes:
    """A page drawing `content` through a form XObject placed with its own matrix."""
    data = pdf_file([b"q 1 0 0 1 30 -40 cm /X1 Do Q " + TEXT])
    data = data.replace(b"/Font << /F1 3 0 R >> >>", b"/Font << /F1 3 0 R >> /XObject << /X1 6 0 R >> >>")
    form = b"6 0 obj\n" + FORM % len(content) + b"\nstream\n" + content + b"\nendstream\nendobj\n"
    start = data.index(b"xref\n")
    data = data[:start] + form + data[start:]
    offsets = [m.start() for m in re.finditer(rb"(?m)^\d+ 0 obj", data)]
    table = b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1) + b"".join(
        b"%010d 00000 n \n" % o for o in offsets
    )
    trailer = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(offsets) + 1,
        len(data[:start] + form),
    )
    return data[:start] + form + table + trailer


def by_place(objects: list[dict]) -> list[dict]:
    return sorted(objects, key=lambda o: (o.get("text", ""), round(o["top"], 3), round(o["x0"], 3)))


@pytest.mark.parametrize("name", list(variants()))
def test_pdfium_draws_where_pdfminer_does(tmp_path: Path, name: str):
    path = tmp_path / "drawn.pdf"
    path.write_bytes(variants()[name])
    with pdfplumber.open(path) as mined, pdfplumber.open(path) as drawn, pdfium.PdfDocument(str(path)) as document:
        for old, new in zip(mined.pages, drawn.pages, strict=True):
            new._objects = drawn_objects(new, document.raw, Budget(path.name))
            assert sorted(new.objects) == sorted(old.objects), name
            for kind in old.objects:
                before, after = by_place(old.objects[kind]), by_place(new.objects[kind])
                assert len(before) == len(after), (name, kind)
                for a, b in zip(before, after, strict=True):
                    assert a.get("text") == b.get("text") and a.get("upright") == b.get("upright"), (name, a, b)
                    for key in (*KEYS, "size") if kind == "char" else KEYS:
                        assert b[key] == pytest.approx(a[key], abs=0.01), (name, kind, key, a, b)
                    if kind != "char":
                        assert b["pts"] == pytest.approx(a["pts"], abs=0.01), (name, kind)
            assert old.chars and old.lines and old.rects and old.curves, name  # the comparison compared something


CHAR = st.fixed_dictionaries(
    {
        "text": st.sampled_from(["1", "2", "0", "件", "计", " ", "ﬁ", "/", "."]),
        "x0": st.integers(0, 60).map(float),
        "width": st.sampled_from([0.0, 5.0, 6.0, 12.0]),
        "top": st.sampled_from([100.0, 100.0, 100.0, 101.5, 104.0]),
        "upright": st.sampled_from([True, True, True, False]),
    }
).map(lambda c: {**c, "x1": c["x0"] + c["width"], "bottom": c["top"] + 12, "doctop": c["top"], "size": 12.0})


@given(st.lists(CHAR, min_size=1, max_size=6))
@settings(max_examples=400, deadline=None)
def test_a_cell_read_in_one_run_reads_as_pdfplumber_reads_it(chars):
    """The shortcut for a cell of one run of characters (pdf._one_run) gives pdfplumber's text, or stands aside."""
    one = _one_run(chars)
    assert one is None or one == extract_text(chars), (one, extract_text(chars))


def test_the_shortcut_reads_a_figure_and_stands_aside_for_a_space():
    digits = [
        {
            "text": t,
            "x0": 10.0 + 6 * n,
            "x1": 16.0 + 6 * n,
            "top": 100.0,
            "bottom": 112.0,
            "doctop": 100.0,
            "upright": True,
            "size": 12.0,
        }
        for n, t in enumerate("2023")
    ]
    assert _one_run(list(reversed(digits))) == "2023" == extract_text(digits)
    spaced = [*digits[:2], {**digits[2], "x0": 40.0, "x1": 46.0}]  # a gap past pdfplumber's tolerance: two words
    assert _one_run(spaced) is None and extract_text(spaced) == "20 2"
