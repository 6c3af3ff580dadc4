"""Benchmark: the web page made from the Word report against a page template that writes the whole body itself.

    python benchmarks/bench_page.py              # 300 synthetic bodies, Word + HTML, one process, each way

Both ways render the same data with the same Word template in the same process, in alternating rounds, and
CPU time is counted (not wall time): other work on the machine does not tilt the comparison. "before" is the set in tests/fixtures/legacy-set (the 0.1 page template,
its Word template the shipped one); "now" is the shipped default set, whose page comes from the Word report.
Not a test: CI times nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from synthetic import synthetic_values  # noqa: E402

from generator import render, validate  # noqa: E402
from generator.format.model import RawValue, assemble  # noqa: E402

LEGACY = str(ROOT / "tests" / "fixtures" / "legacy-set")


def bodies(n: int) -> list:
    data = [assemble(f"b{seed}", {k: RawValue(v) for k, v in synthetic_values(seed).items()}) for seed in range(n)]
    return [(d, validate(d)) for d in data]


def cpu_seconds(items: list, template: str) -> float:
    start = time.process_time()
    for data, report in items:
        outputs = render(data, report, ["docx", "html"], template)
        assert outputs["html"] and outputs["docx"]
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    items = bodies(args.n)
    cpu_seconds(items[:5], LEGACY), cpu_seconds(items[:5], "default")  # compile both sets once before timing
    before = now = 0.0
    for _ in range(args.rounds):
        for start in range(0, len(items), 25):  # alternate in small slices
            before += cpu_seconds(items[start : start + 25], LEGACY)
            now += cpu_seconds(items[start : start + 25], "default")
    reports = args.rounds * len(items)
    print(f"before (page template writes the body): {reports / before:.0f} reports per CPU second (Word + HTML)")
    print(f"now    (page made from the Word report): {reports / now:.0f} reports per CPU second (Word + HTML)")
    print(f"ratio  : {before / now:.2f} (throughput now / before, one process, same data and Word template)")


if __name__ == "__main__":
    main()
