"""Benchmark: reading scanned reports (target: ≥99% of the figures right, none wrong, each scan within 60 s).

    python benchmarks/bench_scan.py                  # the sample and two synthetic bodies, three scans each
    python benchmarks/bench_scan.py --scans 6 --bodies 0 --verbose

Not a test: CI times nothing. Each report is rendered to PDF with the tool, printed to images at 150 dpi, turned
0.5–1°, blurred and speckled (tests/scankit.py), imported, and every figure compared with the report's own:
right, unread, WRONG, and the seconds each scan took.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from scankit import make_scan  # noqa: E402
from synthetic import synthetic_values  # noqa: E402

from generator import import_report, load, render, validate  # noqa: E402
from generator.format import schema  # noqa: E402
from generator.format.model import RawValue, assemble  # noqa: E402

SAMPLE = ROOT / "data_samples" / "mengzhou-2023.xlsx"


def reports(bodies: int, folder: Path) -> list[Path]:
    """The sample's PDF and `bodies` synthetic bodies' PDFs."""
    found = []
    data = load(SAMPLE)
    found.append(folder / "mengzhou-2023.pdf")
    found[-1].write_bytes(render(data, validate(data), ["pdf"])["pdf"])
    for seed in range(1, bodies + 1):
        values = synthetic_values(100 + seed)
        data = assemble(values["meta.body"], {key: RawValue(value) for key, value in values.items()})
        found.append(folder / f"synthetic-{seed}.pdf")
        found[-1].write_bytes(render(data, validate(data), ["pdf"])["pdf"])
    return found


def score(pdf: Path, scan: Path, verbose: bool) -> tuple[int, int, int, float]:
    """(right, unread, wrong, seconds) of the scan against the text PDF's own figures."""
    truth = import_report(pdf)
    started = time.perf_counter()
    result = import_report(scan)
    seconds = time.perf_counter() - started
    right = unread = wrong = 0
    for key in schema.figures():
        found = result.evidence.get(key)
        if found is not None and found.semantic == "unread":
            unread += 1
            if verbose:
                print(f"    unread {key} = {truth.values.get(key)!r}")
        elif found is not None and found.value == truth.evidence[key].value:
            right += 1
        else:
            wrong += 1
            print(f"    WRONG {key}: read {result.values.get(key)!r}, printed {truth.values.get(key)!r}")
    return right, unread, wrong, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=3, help="scans of each report (each its own seed)")
    parser.add_argument("--bodies", type=int, default=2, help="synthetic bodies besides the sample")
    parser.add_argument("--verbose", action="store_true", help="list every unread figure")
    args = parser.parse_args()
    totals = [0, 0, 0]
    slowest = 0.0
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for pdf in reports(args.bodies, folder):
            for seed in range(1, args.scans + 1):
                scan = make_scan(pdf, folder / f"{pdf.stem}-scan{seed}.pdf", seed=seed)
                right, unread, wrong, seconds = score(pdf, scan, args.verbose)
                print(f"{scan.name}: {right} right, {unread} unread, {wrong} WRONG, {seconds:.1f} s")
                totals = [totals[0] + right, totals[1] + unread, totals[2] + wrong]
                slowest = max(slowest, seconds)
    count = sum(totals)
    print(
        f"all: {totals[0]}/{count} right ({totals[0] / max(count, 1):.2%}), {totals[1]} unread, {totals[2]} WRONG;"
        f" slowest {slowest:.1f} s"
    )


if __name__ == "__main__":
    main()
