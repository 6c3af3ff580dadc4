"""PDF import bounds: the file's size, its streams inflated, pages, characters per page, time; an encrypted PDF and
a damaged one each named as such. Every PDF is written here, by hand or with pypdf."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from generator.exceptions import InputError
from generator.importers import pdf_bounds
from generator.importers.pdf import read_pdf

ROOT = Path(__file__).resolve().parent.parent
TEXT = b"BT /F1 12 Tf 72 700 Td (Total 2023: 15 requests) Tj ET"


def pdf_file(pages: list[bytes], raw: bool = False) -> bytes:
    """A PDF of A4 pages drawing `pages` (content streams, compressed here unless `raw` says they already are)."""
    kids = " ".join(f"{4 + 2 * n} 0 R" for n in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for n, content in enumerate(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {5 + 2 * n} 0 R >>".encode()
        )
        data = content if raw else zlib.compress(content)
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(data), data))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def zlib_bomb(size: int = 1024**3, block: int = 16 * 1024 * 1024) -> bytes:
    """`size` spaces as a valid zlib stream of about a thousandth of that, made in half a second: after a full
    flush the same block compresses to the same bytes, so one compressed block is repeated."""
    compressor = zlib.compressobj(9)
    chunk = b" " * block
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(size // block):
        adler = zlib.adler32(chunk, adler)
    return first + again * (size // block - 1) + b"\x03\x00" + struct.pack(">I", adler)  # an empty final block


def measured_import(pdf: Path, tmp_path: Path) -> tuple[int, str, float, int]:
    """`generate-report import pdf` in a fresh process: exit code, stderr, seconds and peak memory (MB)."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "start = time.monotonic()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "seconds = time.monotonic() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024\n"
        "print(done.returncode, seconds, peak, sep='\\n'); print(done.stderr, end='')\n"
    )
    command = [sys.executable, "-m", "generator", "import", str(pdf), "-o", str(tmp_path / "out.xlsx")]
    done = subprocess.run(
        [sys.executable, "-c", probe, *command],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    code, seconds, peak, stderr = done.stdout.split("\n", 3)
    return int(code), stderr, float(seconds), int(peak)


def test_a_one_megabyte_pdf_inflating_to_a_gibibyte_is_refused_quickly_in_little_memory(tmp_path):
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(pdf_file([zlib_bomb()], raw=True))
    assert bomb.stat().st_size < 1.1 * 1024 * 1024
    code, stderr, seconds, peak = measured_import(bomb, tmp_path)
    assert (code, stderr) == (
        3,
        "错误：bomb.pdf：其中有数据流解压后超过 64 MB（压缩炸弹），不像是一份年度报告，不予读取。\n",
    )
    assert seconds < 15 and peak < 600, (seconds, peak)
    assert not (tmp_path / "out.xlsx").exists()


def refusal(run, tmp_path: Path, name: str, data: bytes) -> tuple[int, str]:
    (tmp_path / name).write_bytes(data)
    result = run("import", name, "-o", "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()
    return result.exit_code, result.stderr


def test_zlib_inside_zlib_is_measured_too(run, tmp_path):
    twice = zlib.compress(zlib_bomb(256 * 1024 * 1024))
    data = pdf_file([twice], raw=True).replace(b"/Filter /FlateDecode", b"/Filter [/FlateDecode /FlateDecode]")
    assert refusal(run, tmp_path, "twice.pdf", data) == (
        3,
        "错误：twice.pdf：其中有数据流解压后超过 64 MB（压缩炸弹），不像是一份年度报告，不予读取。\n",
    )


def test_a_file_too_large_and_too_many_pages_are_refused(run, tmp_path):
    large = tmp_path / "large.pdf"
    large.write_bytes(pdf_file([TEXT]))
    with large.open("r+b") as handle:
        handle.truncate(51 * 1024 * 1024)  # a valid PDF followed by zeros
    assert run("import", "large.pdf", "-o", "out.xlsx").stderr == (
        "错误：large.pdf：文件有 51 MB，超过 PDF 的上限 50 MB，不像是一份年度报告，不予读取。\n"
    )
    assert refusal(run, tmp_path, "long.pdf", pdf_file([TEXT] * 501)) == (
        3,
        "错误：long.pdf：超过 500 页，不像是一份年度报告，不予读取。\n",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"BT /F1 1 Tf 10 10 Td (" + b"x" * 100_000 + b") Tj ET", "第 1 页有超过 20,000 个字符"),
        (b"0 0 m 1 1 l S\n" * 50_001, "第 1 页有超过 50,000 个线条或图形"),
        (b"n " * (4 * 1024 * 1024 + 1), "第 1 页的内容超过 8 MB"),
    ],
    ids=["characters", "drawings", "content"],
)
def test_a_page_past_its_bounds_is_refused_quickly(run, tmp_path, content, message):
    started = time.monotonic()
    code, stderr = refusal(run, tmp_path, "dense.pdf", pdf_file([TEXT, content, content, content, content]))
    assert (code, stderr) == (
        3,
        f"错误：dense.pdf：{message.replace('第 1 页', '第 2 页')}，不像是一份年度报告，不予读取。\n",
    )
    assert time.monotonic() - started < 10


def test_the_time_a_document_may_take_is_bounded(run, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_bounds, "MAX_SECONDS", -1.0)  # the budget is spent before the first page
    assert refusal(run, tmp_path, "slow.pdf", pdf_file([TEXT])) == (
        3,
        "错误：slow.pdf：读取超过 -1 秒仍未读完（读到第 1 页），不予读取。\n",
    )


def test_an_encrypted_pdf_is_called_encrypted(run, tmp_path):
    (tmp_path / "plain.pdf").write_bytes(pdf_file([TEXT]))
    writer = PdfWriter(clone_from=PdfReader(tmp_path / "plain.pdf"))
    writer.encrypt("口令123")
    writer.write(tmp_path / "locked.pdf")
    result = run("import", "locked.pdf", "-o", "out.xlsx")
    assert (result.exit_code, result.stderr) == (
        3,
        "错误：locked.pdf：PDF 文件已加密（设有打开密码），无法读取；请提供未加密的文件。\n",
    )
    assert [line.text for line in read_pdf(tmp_path / "plain.pdf")] == ["Total 2023: 15 requests"]


def test_a_damaged_cross_reference_table_is_not_called_a_scan(run, tmp_path):
    data = re.sub(rb"\d{10} 00000 n", b"0000000999 00000 n", pdf_file([TEXT]))  # every offset points nowhere
    assert refusal(run, tmp_path, "damaged.pdf", data) == (
        3,
        "错误：damaged.pdf：PDF 文件已损坏（找不到页面或页面内容），无法读取；请重新导出或下载。\n",
    )
    with pytest.raises(InputError, match="已损坏"):  # an xref pdfminer had to rebuild, with no text left: damaged too
        read_pdf(
            _write(
                tmp_path / "rebuilt.pdf", pdf_file([b"0 0 m 1 1 l S"]).replace(b"%PDF-1.4\n", b"%PDF-1.4\n%shifted\n")
            )
        )


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_pdfplumber_reads_the_page_pdfium_drew(tmp_path):
    """pdf_draw leaves its drawing in `page._objects`, where pdfplumber's Page.objects looks (a private name):
    pdfplumber's parser never draws the page again."""
    import pdfplumber
    import pypdfium2 as pdfium

    from generator.importers.pdf_draw import drawn_objects

    path = _write(tmp_path / "one.pdf", pdf_file([TEXT + b" 72 600 m 300 600 l S 72 500 100 50 re f"]))
    with pdfplumber.open(path) as pdf, pdfium.PdfDocument(str(path)) as document:
        page = pdf.pages[0]
        page._objects = drawn_objects(page, document.raw, pdf_bounds.Budget("one.pdf"))
        drawn = page.__dict__["_objects"]
        assert page.objects is drawn and "".join(c["text"] for c in page.chars) == "Total 2023: 15 requests"
        assert [(line["x0"], line["top"], line["x1"]) for line in page.lines] == [(72, 842 - 600, 300)]
        assert [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects] == [(72, 842 - 550, 172, 842 - 500)]
        assert "_layout" not in page.__dict__
