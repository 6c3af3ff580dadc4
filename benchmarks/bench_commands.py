"""Benchmark: the commands a clerk waits for, each against what it cannot be faster than.

    python benchmarks/bench_commands.py              # 15 pairs, 1,000 files to validate, 10,000 to aggregate

- one report (`generate-report sample.xlsx -o out`) against the import floor `python -c "import docx, jinja2,
  openpyxl"`, run in alternating pairs so both meet the same machine load; the median of the pairs' ratios;
- `validate` of 1,000 files in one process against separate `validate` runs (20 timed, scaled to 1,000);
- `aggregate` of 10,000 bodies: time and the peak resident memory of the process.

Not a test: CI times nothing. The package is byte-compiled first, as an installation is.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_batch import make_inputs, timed  # noqa: E402

SAMPLE = ROOT / "data_samples" / "mengzhou-2023.xlsx"


def generate_report(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def one_report(pairs: int, work: Path) -> list[str]:
    floor = [sys.executable, "-c", "import docx, jinja2, openpyxl"]
    report = generate_report(str(SAMPLE), "-o", str(work / "one"), "--overwrite")
    timed(report)  # the first run fills the compiled-template cache, as any earlier run on that machine has
    walls: list[tuple[float, float]] = []
    cpus: list[tuple[float, float]] = []
    for _ in range(pairs):
        floor_wall, floor_cpu, _ = timed(floor)
        report_wall, report_cpu, _ = timed(report)
        walls.append((floor_wall, report_wall))
        cpus.append((floor_cpu, report_cpu))
    ratio = statistics.median(r / f for f, r in walls)
    cpu_ratio = statistics.median(r / f for f, r in cpus)
    help_wall = min(timed(generate_report("--help"))[0] for _ in range(5))
    return [
        f"one report : median {statistics.median(r for _, r in walls):.2f} s against the import floor "
        f"{statistics.median(f for f, _ in walls):.2f} s; median ratio of {pairs} pairs {ratio:.2f}x wall, "
        f"{cpu_ratio:.2f}x CPU (best pair {min(r / f for f, r in walls):.2f}x)",
        f"--help     : {help_wall:.2f} s wall (best of 5)",
    ]


def validate_many(count: int, work: Path) -> list[str]:
    folder = work / "validate"
    make_inputs(folder, count)
    together, _, peak = timed(generate_report("validate", str(folder), "--format", "json"))
    sample = sorted(folder.iterdir())[:20]
    separate = sum(timed(generate_report("validate", str(path)))[0] for path in sample) / len(sample) * count
    return [
        f"validate   : {count:,} files in one process {together:.1f} s (peak {peak:.0f} MB); "
        f"as {count:,} separate runs about {separate:.0f} s ({separate / together:.0f}x)"
    ]


def aggregate_many(count: int, work: Path) -> list[str]:
    folder = work / "aggregate"
    make_inputs(folder, count)
    wall, cpu, peak = timed(
        generate_report("aggregate", str(folder), "-o", str(work / "total.xlsx"), "--body", "某市人民政府")
    )
    size = (work / "total.xlsx").stat().st_size / 1048576
    return [
        f"aggregate  : {count:,} bodies in {wall:.1f} s (CPU {cpu:.1f} s), peak {peak:.0f} MB, workbook {size:.1f} MB"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=15)
    parser.add_argument("--validate", type=int, default=1000)
    parser.add_argument("--aggregate", type=int, default=10000)
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "generator")], check=True)
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    lines = [f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}"]
    try:
        lines += one_report(args.pairs, work)
        lines += validate_many(args.validate, work)
        lines += aggregate_many(args.aggregate, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
