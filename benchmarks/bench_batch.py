"""Benchmark: this tool's batch against a naive docxtpl loop, plus command start-up times.

    python benchmarks/bench_batch.py                 # 1,000 synthetic bodies, naive loop over 100
    python benchmarks/bench_batch.py --n 10000       # the memory check at 10,000

Not a test: CI times nothing. Prints reports per second for each path, their ratio per report, the peak
memory of the batch (main process and the largest worker) and the wall time of two commands.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synthetic import synthetic_values  # noqa: E402

from generator import load, validate  # noqa: E402
from generator.bulk.batch import BatchSettings, plan_jobs, run_batch, write_summary  # noqa: E402
from generator.jinja.environment import make_environment  # noqa: E402
from generator.jinja.sets import find_template_set  # noqa: E402
from generator.render.context import build_context  # noqa: E402
from generator.workbook.csvfile import long_csv  # noqa: E402


def make_inputs(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in range(n):
        path = folder / f"body-{seed:05d}.csv"
        path.write_bytes(long_csv(synthetic_values(seed)))
        paths.append(path)
    return paths


def time_batch(paths: list[Path], outdir: Path, jobs: int) -> float:
    start = time.perf_counter()
    results = list(run_batch(plan_jobs(paths), BatchSettings(outdir), jobs))
    write_summary(outdir, results)
    elapsed = time.perf_counter() - start
    assert sum(r.failed for r in results) == 0, "synthetic bodies must all pass"
    return elapsed


def time_naive(paths: list[Path], outdir: Path) -> float:
    """What a script would do: open the Word template afresh for every report."""
    from docxtpl import DocxTemplate

    template_set = find_template_set()
    template = template_set.file("report.docx")
    contexts = []
    for path in paths:  # contexts prepared beforehand: only the Word rendering is timed
        data = load(path)
        contexts.append(build_context(data, validate(data), template_set.standard_paragraphs))
    outdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for path, context in zip(paths, contexts, strict=True):
        document = DocxTemplate(template)
        document.render(context, jinja_env=make_environment(), autoescape=True)
        document.save(str(outdir / f"{path.stem}.docx"))
    return time.perf_counter() - start


def wall(command: list[str], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="synthetic bodies in the batch")
    parser.add_argument("--naive", type=int, default=100, help="bodies in the naive loop")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        paths = make_inputs(work / "in", args.n)
        batch_seconds = time_batch(paths, work / "out", args.jobs)
        # High-water marks taken before the naive loop, so they are the batch's own.
        peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        peak_worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        naive_seconds = time_naive(paths[: args.naive], work / "naive")
        sample = str(ROOT / "data_samples" / "mengzhou-2023.xlsx")
        one_report = wall([sys.executable, "-m", "generator", sample, "-o", str(work / "one")])
        help_time = wall([sys.executable, "-m", "generator", "--help"])
    finally:
        shutil.rmtree(work, ignore_errors=True)

    batch_rate = args.n / batch_seconds
    naive_rate = args.naive / naive_seconds
    out = io.StringIO()
    out.write(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, jobs={args.jobs}\n")
    out.write(
        f"batch   : {args.n} reports (docx + html + validation) in {batch_seconds:.2f} s = {batch_rate:.0f} reports/s\n"
    )
    out.write(
        f"naive   : {args.naive} reports (docx only, DocxTemplate per report) in {naive_seconds:.2f} s = {naive_rate:.1f} reports/s\n"
    )
    out.write(f"ratio   : {batch_rate / naive_rate:.1f}x per report\n")
    out.write(f"memory  : peak {peak_self:.0f} MB main process, {peak_worker:.0f} MB largest worker\n")
    out.write(f"command : generate-report sample.xlsx {one_report:.2f} s wall; --help {help_time:.2f} s wall\n")
    print(out.getvalue(), end="")


if __name__ == "__main__":
    main()
