"""Benchmark: importing a published report's PDF (target: a five-page PDF in under a second).

    python benchmarks/bench_import.py            # the sample rendered to PDF (LibreOffice), 5 runs each

Not a test: CI times nothing. Prints the PDF's pages, then for the PDF and for the same report as pasted text
(like with like, in one run): the median seconds of import_report in this process (pdfplumber already loaded)
and of a whole `generate-report import --format json` command (a fresh interpreter, loading pdfplumber).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator import import_report, load, render, validate  # noqa: E402

SAMPLE = ROOT / "data_samples" / "mengzhou-2023.xlsx"
PASTED = ROOT / "tests" / "fixtures" / "mengzhou-2023-pasted.txt"


def median_seconds(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def command_seconds(path: Path, runs: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "generator", "import", str(path), "--format", "json"]
    return median_seconds(lambda: subprocess.run(command, env=env, capture_output=True, check=False), runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import pdfplumber

    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "mengzhou-2023.pdf"
        data = load(SAMPLE)
        pdf.write_bytes(render(data, validate(data), ["pdf"])["pdf"])
        with pdfplumber.open(pdf) as document:
            pages = len(document.pages)
        figures = import_report(pdf).figure_count()  # also the warm-up
        print(f"{pdf.name}: {pages} pages, {figures}/200 figures")
        for name, path in (("PDF", pdf), ("pasted text", PASTED)):
            inside = median_seconds(lambda path=path: import_report(path), args.runs)
            whole = command_seconds(path, args.runs)
            print(f"{name:12s} import_report {inside:.3f} s ({inside / pages:.3f} s a page)   command {whole:.3f} s")


if __name__ == "__main__":
    main()
