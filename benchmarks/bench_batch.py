"""Benchmark: `generate-report batch` against the naive docxtpl loop, like with like.

    python benchmarks/bench_batch.py                 # 1,000 synthetic bodies, naive loop over 100
    python benchmarks/bench_batch.py --n 10000       # and the memory at 10,000
    python benchmarks/bench_batch.py --input xlsx    # the bodies as fill-in workbooks instead of CSV files

Not a test: CI times nothing. Every contestant is one process started the same way, reading the same synthetic
CSV files and writing the same formats from the same template set:

- naive: what a script would write — for each body load, validate, then `DocxTemplate(path).render(ctx);
  .save(...)` for Word and, for HTML, one Jinja template of the whole page (the 0.1 page template in
  tests/fixtures/legacy-set: the same body and tables that batch makes from the Word report);
- batch -j 1: this tool in one process (the per-core comparison);
- batch -j <cores>: this tool on every core (the wall-clock comparison).

Each is run for Word and HTML together and for Word alone. Printed: reports per second, the per-core and wall
ratios, and the peak memory of the batch (resident set of the main process and of its largest worker).
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
sys.path.insert(0, str(ROOT))

from synthetic import synthetic_values  # noqa: E402

from generator.workbook.csvfile import long_csv  # noqa: E402
from generator.workbook.writer import write_workbook  # noqa: E402

NAIVE = """
import sys
from pathlib import Path
from docxtpl import DocxTemplate
import generator
from generator import load, validate
from generator.jinja.environment import make_environment
from generator.jinja.sets import find_template_set
from generator.render.filling.context import build_context

out, formats, paths = Path(sys.argv[1]), sys.argv[2].split(","), sys.argv[3:]
out.mkdir(parents=True, exist_ok=True)
template_set = find_template_set()
# The whole page from one Jinja template, as a script would write it (the 0.1 page template: the same page, body
# and tables, that batch makes from the Word report).
page_set = find_template_set(str(Path(generator.__file__).resolve().parents[1] / "tests" / "fixtures" / "legacy-set"))
page = make_environment(page_set.html_loader()).get_template("report.html.j2")
for path in map(Path, paths):
    data = load(path)
    context = build_context(data, validate(data), template_set.standard_paragraphs)
    if "docx" in formats:
        document = DocxTemplate(str(template_set.file("report.docx")))
        document.render(context, jinja_env=make_environment(), autoescape=True)
        document.save(str(out / f"{path.stem}.docx"))
    if "html" in formats:
        (out / f"{path.stem}.html").write_text(page.render(context), encoding="utf-8")
"""


def make_inputs(folder: Path, n: int, kind: str = "csv") -> list[Path]:
    """`n` synthetic bodies as long-format CSV files or as fill-in workbooks (`kind` "xlsx")."""
    folder.mkdir(parents=True, exist_ok=True)
    write = write_workbook if kind == "xlsx" else long_csv
    paths = []
    for seed in range(n):
        path = folder / f"body-{seed:05d}.{kind}"
        path.write_bytes(write(synthetic_values(seed)))
        paths.append(path)
    return paths


# Runs one command and reports its CPU time and the peak resident memory of its largest process (a batch's
# main process or any of its workers): a separate process, so that each command's peak is its own.
MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], check=False, capture_output=True)
if done.returncode:  # a run that failed would look fast: it counts for nothing
    sys.exit(f"{sys.argv[1:4]} exited {done.returncode}: {done.stderr.decode(errors='replace')[-2000:]}")
wall = time.perf_counter() - start
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, used.ru_utime + used.ru_stime, used.ru_maxrss / 1024)
"""


def timed(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds of the process and its children, peak resident MB of its largest process)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], check=False, capture_output=True, text=True, env=env, cwd=ROOT
    )
    if result.returncode:
        sys.exit(result.stderr)
    wall, cpu, peak = (float(x) for x in result.stdout.split())
    return wall, cpu, peak


def ratio(pair: tuple[tuple[float, float, float], ...], naive_n: int, batch_n: int) -> float:
    """One round's per-core ratio: the batch's reports per second over the naive loop's, in the same round."""
    (naive_wall, _, _), (one_wall, _, _) = pair
    return (batch_n / one_wall) / (naive_n / naive_wall)


def batch(inputs: Path, out: Path, formats: str, jobs: int) -> tuple[float, float, float]:
    command = [sys.executable, "-m", "generator", "batch", str(inputs), "-o", str(out), "--format", formats]
    return timed([*command, "-j", str(jobs)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="synthetic bodies in the batch")
    parser.add_argument("--naive", type=int, default=100, help="bodies in the naive loop")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--rounds", type=int, default=3, help="paired rounds of naive and -j 1; the median ratio counts"
    )
    parser.add_argument(
        "--input", choices=("csv", "xlsx"), default="csv", help="the bodies' files; reading costs both sides the same"
    )
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "generator")], check=True)  # as installed

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    lines = [
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; {args.n} bodies as .{args.input}, "
        f"naive {args.naive}"
    ]
    try:
        paths = make_inputs(work / "in", args.n, args.input)
        batch(work / "in", work / "warm", "docx,html", 1)  # compiled templates cached, as after a first run
        for formats in ("docx,html", "docx"):
            naive_runs, one_runs = [], []
            for number in range(args.rounds):  # a shared machine's speed drifts: alternate, and compare each pair
                # Each run writes into a folder of its own, all removed at the end: removing thousands of files
                # between runs made the next runs' file creation slow (ext4 passes over inodes freed in the last
                # 30 s), which is the benchmark's own churn, not either contestant's.
                out = work / f"naive-{formats}-{number}"
                naive_runs.append(
                    timed([sys.executable, "-c", NAIVE, str(out), formats, *map(str, paths[: args.naive])])
                )
                one_runs.append(batch(work / "in", work / f"one-{formats}-{number}", formats, 1))
            # The ratio is the median of the rounds' own ratios (each round's two runs side by side), never each
            # side's best run; the rates shown are those of the round with the median ratio.
            pairs = sorted(zip(naive_runs, one_runs, strict=True), key=lambda p: ratio(p, args.naive, args.n))
            (naive_wall, naive_cpu, naive_peak), (one_wall, one_cpu, one_peak) = pairs[len(pairs) // 2]
            ratios = [ratio(p, args.naive, args.n) for p in pairs]
            all_wall, all_cpu, all_peak = batch(work / "in", work / f"all-{formats}", formats, args.jobs)
            naive_rate, one_rate, all_rate = args.naive / naive_wall, args.n / one_wall, args.n / all_wall
            lines += [
                f"[{formats}] naive loop, 1 process : {naive_rate:7.1f} reports/s ({naive_wall:.1f} s, CPU {naive_cpu:.1f} s), "
                f"peak {naive_peak:.0f} MB",
                f"[{formats}] batch -j 1            : {one_rate:7.1f} reports/s ({one_wall:.1f} s, CPU {one_cpu:.1f} s), "
                f"peak {one_peak:.0f} MB",
                f"[{formats}] batch -j {args.jobs}            : {all_rate:7.1f} reports/s ({all_wall:.1f} s, CPU {all_cpu:.1f} s), "
                f"largest process {all_peak:.0f} MB",
                f"[{formats}] ratio per core, median of {len(ratios)} paired rounds {statistics.median(ratios):.1f}x "
                f"(rounds: {', '.join(f'{r:.1f}' for r in ratios)}) "
                f"(CPU per report {naive_cpu / args.naive * 1000:.1f} ms vs {one_cpu / args.n * 1000:.1f} ms: "
                f"{(naive_cpu / args.naive) / (one_cpu / args.n):.1f}x); wall {all_rate / naive_rate:.1f}x",
            ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
