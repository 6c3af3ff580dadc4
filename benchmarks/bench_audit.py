"""Benchmark: auditing a region's published reports (target: 1,000 in at most 60 s on two cores; under 200 MB at
10,000, the reports streamed into the database).

    python benchmarks/bench_audit.py                 # 1,000 reports: half web pages, half pasted text, 5% wrong
    python benchmarks/bench_audit.py --n 10000       # the memory check
    python benchmarks/bench_audit.py --years 2       # every body twice (2022, 2023): the continuity rules run too

Not a test: CI times nothing. The reports are this tool's own web pages of synthetic bodies (tests/synthetic.py),
rendered in this process; a page and its text as pasted from a browser alternate, and every twentieth body has
an arithmetic error and a blank cell planted. The audit runs as `generator.audit(...)` in a fresh interpreter
(as the command would), writing its three outputs; printed are its wall time, reports per second, the peak memory
of its main process and of its largest worker, and the database's row counts after a second run on the same folder.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from synthetic import following_year, published_page, synthetic_values  # noqa: E402

from generator.importers.html import read_html  # noqa: E402

DISTINCT = 100  # bodies rendered; the others are copies under other names (rendering is not what is measured)
TABLES = ("reports", "figures", "texts", "left_out", "notes", "findings")

RUN = """
import json, resource, sys, time
from pathlib import Path
import generator
start = time.perf_counter()
result = generator.audit([sys.argv[1]], Path(sys.argv[2]), jobs=int(sys.argv[3]))
elapsed = time.perf_counter() - start
print(json.dumps({
    "seconds": elapsed,
    "totals": result.totals,
    "main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "main_cpu": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),
    "worker_cpu": sum(resource.getrusage(resource.RUSAGE_CHILDREN)[:2]),
}))
"""


def broken(values: dict[str, str]) -> dict[str, str]:
    """An arithmetic error (予以公开 总计 one too many) and a blank cell."""
    changed = dict(values)
    changed["t3.granted.total"] = str(int(changed["t3.granted.total"]) + 1)
    changed["t4.review.pending"] = ""
    return changed


def as_text(page: bytes, folder: Path) -> bytes:
    """The page as a browser's copy and paste gives it: a line per paragraph, table cells separated by tabs."""
    path = folder / "page.html"
    path.write_bytes(page)
    return "\n".join(line.text for line in read_html(path)).encode("utf-8")


def make_reports(folder: Path, n: int, years: int) -> int:
    """n bodies' reports (each year of `years`) in `folder`; returns how many have a planted error."""
    folder.mkdir(parents=True)
    scratch = folder.parent / "scratch"
    scratch.mkdir()
    bases: dict[tuple[int, int, bool], tuple[str, bytes, bytes]] = {}
    for seed in range(min(n, DISTINCT)):
        values = synthetic_values(seed, 2024 - years)
        for year in range(years):
            for wrong in (False, True):
                page = published_page(broken(values) if wrong else values)
                page = page.replace("【有误】".encode(), b"")  # printed as a blank cell, as a body's own page would
                bases[(seed, year, wrong)] = (values["meta.body"], page, as_text(page, scratch))
            values = following_year(values, seed + 100_000 * (year + 1))
    planted = 0
    for number in range(n):
        wrong = number % 20 == 7
        planted += wrong * years
        for year in range(years):
            body, page, text = bases[(number % DISTINCT, year, wrong)]
            name = f"示例县第{number}局"
            content = (page if number % 2 else text).replace(body.encode(), name.encode())
            (folder / f"{2024 - years + year}-{number:05d}.{'html' if number % 2 else 'txt'}").write_bytes(content)
    return planted


def audit(folder: Path, outdir: Path, jobs: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(folder), str(outdir), str(jobs)], env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as db:
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}


def database_size(database: Path, reports: int) -> str:
    """The database's bytes per report, and each table's share (its indexes with it), from SQLite's dbstat."""
    with sqlite3.connect(database) as db:
        db.execute("VACUUM")
        pages = db.execute(
            "SELECT coalesce(m.tbl_name, s.name), sum(s.pgsize) FROM dbstat s "
            "LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
    size = database.stat().st_size
    shares = ", ".join(f"{name} {total / reports:.0f}" for name, total in pages if total / reports >= 1)
    return f"{size // 1024} KB, {size / reports:.0f} bytes a report (vacuumed; by table: {shares})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="bodies (default 1000)")
    parser.add_argument("--years", type=int, default=1, choices=(1, 2), help="years per body (default 1)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as temp:
        folder, outdir = Path(temp) / "reports", Path(temp) / "out"
        start = time.perf_counter()
        planted = make_reports(folder, args.n, args.years)
        total = args.n * args.years
        print(f"{total} reports written in {time.perf_counter() - start:.1f} s ({planted} with planted errors)")
        first = audit(folder, outdir, args.jobs)
        rows = counts(outdir / "审查.sqlite")
        second = audit(folder, outdir, args.jobs)
        again = counts(outdir / "审查.sqlite")
        totals = first["totals"]
        assert totals["reports"] == total and totals["failed"] == planted, totals
        print(f"first run:  {first['seconds']:.1f} s, {total / first['seconds']:.0f} reports/s, -j {args.jobs}")
        print(f"            peak memory: main {first['main_mb']:.0f} MB, largest worker {first['worker_mb']:.0f} MB")
        print(f"            {totals['passed']} passed, {totals['failed']} failed, {totals['errors']} errors")
        print(
            f"second run: {second['seconds']:.1f} s (nothing new to read), peak memory main {second['main_mb']:.0f} MB"
        )
        print(f"rows after the first run:  {rows}")
        print(f"rows after the second run: {again} ({'unchanged' if rows == again else 'CHANGED'})")
        sizes = {p.name: p.stat().st_size // 1024 for p in outdir.iterdir() if p.is_file()}
        print(f"outputs (KB): {sizes}")
        print(f"database: {database_size(outdir / '审查.sqlite', total)}")
        pages = sorted((outdir / "审查报告-各单位").glob("*.html"))
        if pages:  # past 200 bodies: an index and a page per body
            largest = max(p.stat().st_size for p in pages) // 1024
            print(
                f"bodies' pages: {len(pages)}, {sum(p.stat().st_size for p in pages) // 1024} KB, largest {largest} KB"
            )


if __name__ == "__main__":
    main()
