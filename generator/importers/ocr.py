"""The OCR engine (Debian's tesseract with its chi_sim data, run as a program, offline): words with their boxes
and confidences from an image; a clear one-line hint when it is not installed."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.exceptions import GenerateReportError

LANGUAGES = ("chi_sim", "eng")
DIGITS = "0123456789.,/-"  # a figure's cell: digits, a fee's point, a thousands comma, the stand-ins / and -
TIMEOUT = 120  # seconds for one call: a page's cells take a few
SCAN_EXTRA = '请在本工具的文件夹中运行 pip install ".[scan]"，再装文字识别引擎（apt-get install tesseract-ocr tesseract-ocr-chi-sim）。'
MISSING = (
    "{name}：这是扫描件，需要文字识别引擎 tesseract（含简体中文数据）才能读取："
    '请运行 apt-get install tesseract-ocr tesseract-ocr-chi-sim（或 pip install ".[scan]" 后再装该引擎）。'
)


class EngineMissing(GenerateReportError):
    """No OCR engine (or no Chinese data for it) on this machine: the scan cannot be read (exit 3)."""


@dataclass(frozen=True)
class Word:
    """One recognised word: its text, the engine's confidence (0–100) and its box in the image's pixels."""

    text: str
    conf: float
    box: tuple[int, int, int, int]  # left, top, right, bottom
    line: tuple[int, int, int]  # block, paragraph and line numbers: words of one printed line share them


@functools.cache
def _languages() -> frozenset[str]:
    program = shutil.which("tesseract")
    if program is None:
        return frozenset()
    try:
        done = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in done.stdout.splitlines()[1:] if line.strip())


def require(name: str) -> None:
    """Raise EngineMissing (naming the file) unless tesseract and its Chinese data are installed."""
    if not set(LANGUAGES) <= _languages():
        raise EngineMissing(MISSING.format(name=name))


def _png(image: Any) -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _tesseract(source: str, psm: int, chinese: bool, whitelist: str, data: bytes | None = None) -> str:
    command = ["tesseract", source, "stdout", "--psm", str(psm), "-l", "chi_sim+eng" if chinese else "eng"]
    command += ["-c", "preserve_interword_spaces=1"]
    if whitelist:
        command += ["-c", f"tessedit_char_whitelist={whitelist}"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one thread a call: the pages run side by side instead
    done = subprocess.run([*command, "tsv"], input=data, capture_output=True, timeout=TIMEOUT, check=False, env=env)
    if done.returncode != 0:
        raise GenerateReportError(
            f"文字识别引擎 tesseract 运行失败：{done.stderr.decode(errors='replace').strip()[:200]}"
        )
    return done.stdout.decode("utf-8", errors="replace")


def _parse(tsv: str, pages: int) -> list[list[Word]]:
    found: list[list[Word]] = [[] for _ in range(pages)]
    for row in tsv.splitlines():
        parts = row.split("\t")
        if len(parts) < 12 or parts[0] != "5" or not parts[11].strip():
            continue
        left, top, width, height = (int(v) for v in parts[6:10])
        line = (int(parts[2]), int(parts[3]), int(parts[4]))
        word = Word(parts[11].strip(), float(parts[10]), (left, top, left + width, top + height), line)
        found[min(int(parts[1]), pages) - 1].append(word)
    return found


def words(image: Any, psm: int, chinese: bool = True, whitelist: str = "") -> list[Word]:
    """The words tesseract reads in a Pillow image (`psm`: its page segmentation mode; `whitelist`: the only
    characters it may read)."""
    return _parse(_tesseract("stdin", psm, chinese, whitelist, _png(image)), 1)[0]


def words_of_each(images: Sequence[Any], psm: int, chinese: bool = True, whitelist: str = "") -> list[list[Word]]:
    """The words of each of several images, read by one run of the engine (its model loaded once): each image
    alone, so that no word strays into its neighbour's."""
    if not images:
        return []
    with tempfile.TemporaryDirectory(prefix="generate-report-ocr-") as folder:
        names = []
        for n, image in enumerate(images):
            name = Path(folder) / f"{n:05d}.png"
            image.save(name)
            names.append(str(name))
        listing = Path(folder) / "images.txt"
        listing.write_text("\n".join(names) + "\n", encoding="utf-8")
        return _parse(_tesseract(str(listing), psm, chinese, whitelist), len(images))
