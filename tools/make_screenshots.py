"""Screenshots for the README (docs/*.png): the sample's HTML in Chromium and the first pages of its PDF.

    python3 tools/make_screenshots.py [OUTDIR]     # default: docs/

Uses the browser tests' own tooling (tests/browserkit.py): Debian's chromium through playwright, and
LibreOffice for the PDF (`generate-report --format pdf`), rasterised with poppler's pdftoppm.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browserkit import DESKTOP, ZOOM_200, chromium, open_page, pdf_page_pngs  # noqa: E402


def make_screenshots(outdir: Path, browser: Any | None = None) -> list[Path]:
    """Write report-html.png, report-html-zoom200.png, report-pdf-1.png and report-pdf-2.png into outdir."""
    if browser is None:
        with chromium() as launched:
            return make_screenshots(outdir, launched)
    from generator import load, render, validate

    outdir.mkdir(parents=True, exist_ok=True)
    data = load(ROOT / "data_samples" / "mengzhou-2023.xlsx")
    outputs = render(data, validate(data), ["html", "pdf"])
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        html = folder / "mengzhou-2023.html"
        html.write_bytes(outputs["html"])
        made = []
        with open_page(browser, html, DESKTOP) as page:  # the first screen a reader sees
            made.append(outdir / "report-html.png")
            page.screenshot(path=str(made[-1]))
        with open_page(browser, html, ZOOM_200, scale=2) as page:  # 200% zoom: table 三 scrolls in its region
            page.locator("#t3").scroll_into_view_if_needed()
            page.evaluate("() => window.scrollTo(0, document.getElementById('t3').offsetTop - 8)")
            made.append(outdir / "report-html-zoom200.png")
            page.screenshot(path=str(made[-1]))
        pdf = folder / "mengzhou-2023.pdf"
        pdf.write_bytes(outputs["pdf"])
        made += pdf_page_pngs(pdf, outdir, "report-pdf", pages=2, dpi=60)
    return made


def main() -> None:
    outdir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"
    for path in make_screenshots(outdir):
        print(f"{path} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
