"""Headless Chromium for the browser tests and tools/make_screenshots.py: launch, sample pages, printed PDFs.

Chromium is Debian's (/usr/bin/chromium), driven by the Python playwright package; playwright's own browser
download is never used. tools/install-test-deps.sh installs both, and axe-core from npm.
"""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data_samples"
AXE_JS = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Nothing but the page: no update checks, sync or first-run requests on a network that has none.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = "run `bash tools/install-test-deps.sh` (Debian's chromium, the playwright package, axe-core from npm)"
A4_POINTS = (595.3, 841.9)
DESKTOP = {"width": 1280, "height": 800}
ZOOM_200 = {"width": 640, "height": 400}  # a 1280 × 800 window at 200% zoom: half the CSS pixels, scale 2


@contextmanager
def chromium() -> Iterator[Any]:
    """One headless Chromium; a missing browser is an error, never a skip (CI installs it)."""
    if not Path(CHROMIUM).is_file():
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: {INSTALL_HINT}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise RuntimeError(f"the playwright package is missing: {INSTALL_HINT}") from err
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def open_page(
    browser: Any, path: Path, viewport: dict[str, int] = DESKTOP, scale: float = 1, bypass_csp: bool = False
) -> Iterator[Any]:
    """`path` opened from disk as a reader would open a saved report, in a fresh browser context (`bypass_csp`
    for a test that injects a script, such as axe-core, which the report's Content-Security-Policy blocks)."""
    context = browser.new_context(viewport=viewport, device_scale_factor=scale, bypass_csp=bypass_csp)
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        yield page
    finally:
        context.close()


def write_sample_pages(folder: Path) -> dict[str, Path]:
    """The pages a publisher puts online, from the bundled samples, as files in `folder`.

    report: 孟州 2023 (default template); department: the 部门 sample with its template; failed: 孟州 with a
    broken figure, forced (the red banner); diff: 孟州 2022 → 2023 comparison page; summary: batch's summary
    page of 孟州, the broken 孟州 and a file that is no workbook (run through batch's own process()).
    """
    from generator import load, render, validate
    from generator.bulk.batch import BatchSettings, plan_jobs, process, summary_html
    from generator.compare.formats import render_diff_html
    from generator.compare.model import diff
    from generator.readers.csv_long import read_values
    from generator.workbook.csvfile import long_csv

    folder.mkdir(parents=True, exist_ok=True)
    current = load(SAMPLES / "mengzhou-2023.xlsx")
    broken_values = read_values(SAMPLES / "mengzhou-2023.csv")
    broken_values["t3.granted.total"] = str(int(broken_values["t3.granted.total"]) + 1)
    broken_csv = folder / "broken.csv"
    broken_csv.write_bytes(long_csv(broken_values))
    broken = load(broken_csv)
    department = load(SAMPLES / "shili-jiaotong-2023.xlsx")
    unreadable = folder / "损坏.xlsx"
    unreadable.write_bytes(b"not a workbook")
    settings = BatchSettings(folder / "batch", formats=("html",))
    (folder / "batch").mkdir(exist_ok=True)
    results = [process(job, settings) for job in plan_jobs([SAMPLES / "mengzhou-2023.xlsx", broken_csv, unreadable])]
    pages = {
        "report": render(current, validate(current), ["html"])["html"],
        "department": render(department, validate(department), ["html"], "department")["html"],
        "failed": render(broken, validate(broken), ["html"], force=True)["html"],
        "diff": render_diff_html(diff(load(SAMPLES / "mengzhou-2022.xlsx"), current)),
        "summary": summary_html(results),
    }
    paths = {}
    for name, content in pages.items():
        paths[name] = folder / f"{name}.html"
        paths[name].write_bytes(content)
    return paths


def print_to_pdf(page: Any, path: Path) -> Path:
    """The page as the browser prints it: A4 unless the page's own @page rule says otherwise."""
    page.pdf(path=str(path), format="A4", prefer_css_page_size=True)
    return path


def pdf_page_pngs(pdf: Path, outdir: Path, prefix: str, pages: int = 2, dpi: int = 60) -> list[Path]:
    """The first `pages` pages of a PDF as PNG files (poppler's pdftoppm), small enough to commit."""
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", str(pages), str(pdf), str(outdir / prefix)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    made = sorted(outdir.glob(f"{prefix}-*.png"))
    renamed = []
    for number, png in enumerate(made, 1):  # pdftoppm pads the number by page count: report-pdf-1.png
        target = outdir / f"{prefix}-{number}.png"
        png.replace(target)
        renamed.append(target)
    return renamed


# --- Reading printed PDFs -------------------------------------------------------------------------

# Chromium's PDFs map some CJK glyphs back to radical code points (⼈ for 人, ⺠ for 民): NFKC folds the
# Kangxi radicals; the few simplified-form radicals it leaves are folded here.
RADICALS = str.maketrans("⺠⻔⻓⻅⻉⻋⻛⻜⻝⻢⻥⻦⻬⻰⻮⻚⻘⻄⻙⻩", "民门长见贝车风飞食马鱼鸟齐龙齿页青西韦黄")


def plain(text: str) -> str:
    """Text for comparison: radicals folded, NFKC (full-width forms too), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text.translate(RADICALS)))


def border_boxes(page: Any) -> list[tuple[float, float, float, float]]:
    """Dark filled rectangles (table borders as Chromium draws them) in page points: (x0, y0, x1, y1), y up."""
    from pypdf.generic import ContentStream

    def times(m: list[float], n: list[float]) -> list[float]:
        return [
            m[0] * n[0] + m[1] * n[2],
            m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2],
            m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4],
            m[4] * n[1] + m[5] * n[3] + n[5],
        ]

    boxes = []
    ctm, stack, fill = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [], 0.0
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = times([float(v) for v in operands], ctm)
        elif operator == b"rg":
            fill = max(float(v) for v in operands)
        elif operator == b"re" and fill < 0.5:
            x, y, w, h = (float(v) for v in operands)
            a, b, c, d, e, f = ctm
            xs = (a * x + c * y + e, a * (x + w) + c * (y + h) + e)
            ys = (b * x + d * y + f, b * (x + w) + d * (y + h) + f)
            boxes.append((min(xs), min(ys), max(xs), max(ys)))
    return boxes


def rows_cut_at_page_end(page: Any) -> float:
    """How far (points) table borders run on below the page's last horizontal border: 0 when every row on
    the page is whole. A row cut by a page break leaves its cells' vertical borders open at the bottom."""
    boxes = border_boxes(page)
    horizontal = [b for b in boxes if b[3] - b[1] < 1.5 < b[2] - b[0]]
    vertical = [b for b in boxes if b[2] - b[0] < 1.5 < b[3] - b[1]]
    if not horizontal or not vertical:
        return 0.0
    return max(0.0, min(b[1] for b in horizontal) - min(b[1] for b in vertical))
