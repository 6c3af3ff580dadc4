"""Scans made here: a PDF's pages printed to images at 150 dpi, turned a little, blurred and speckled, and wrapped
as an image-only PDF (no text layer), as a body's scanner would."""

from __future__ import annotations

import random
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

DPI = 150


def scan_pages(pdf: Path, dpi: int = DPI) -> list[Image.Image]:
    """The PDF's pages as greyscale images (pdftoppm, as a printer would rasterise them)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), f"{tmp}/p"], check=True, timeout=120)
        pages = sorted(Path(tmp).glob("p-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        return [Image.open(p).convert("L") for p in pages]


def degrade(page: Image.Image, angle: float, seed: int, speckles: int = 600) -> Image.Image:
    """A page as scanned: turned by `angle` degrees, blurred, and speckled with dark and light dots."""
    rng = random.Random(seed)
    turned = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    blurred = turned.filter(ImageFilter.GaussianBlur(0.7))
    pixels = blurred.load()
    width, height = blurred.size
    for _ in range(speckles):
        x, y = rng.randrange(width - 2), rng.randrange(height - 2)
        shade = rng.choice((0, 60, 255))
        for dx in range(rng.choice((1, 2))):
            for dy in range(rng.choice((1, 2))):
                pixels[x + dx, y + dy] = shade
    return blurred


def make_scan(
    pdf: Path, out: Path, seed: int = 7, erased: Sequence[tuple[int, tuple[float, float, float, float]]] = ()
) -> Path:
    """An image-only PDF of `pdf`: each page printed at 150 dpi, turned 0.5–1° either way, blurred, speckled;
    the cells `erased` (page, box in points) left white first, as if the printer had missed them."""
    rng = random.Random(seed)
    printed = scan_pages(pdf)
    for page, box in erased:
        left, top, right, bottom = (round(v * DPI / 72) for v in box)
        ImageDraw.Draw(printed[page - 1]).rectangle((left + 4, top + 4, right - 4, bottom - 4), fill=255)
    pages = [degrade(p, rng.choice((-1, 1)) * rng.uniform(0.5, 1.0), seed + n) for n, p in enumerate(printed)]
    pages[0].save(out, "PDF", resolution=DPI, save_all=True, append_images=pages[1:])
    return out
