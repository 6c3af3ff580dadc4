"""Benchmark: auditing a region's published PDFs (target: 1,000 in at most 60 s on two cores).

    python benchmarks/bench_audit_pdfs.py                      # 1,000 bodies' reports as PDF, -j 2
    python benchmarks/bench_audit_pdfs.py --n 200 --jobs 1     # fewer, on one core
    python benchmarks/bench_audit_pdfs.py --keep /tmp/pdfs     # the PDFs kept there (and reused by the next run)

Not a test: CI times nothing. Each body is a synthetic one (tests/synthetic.py) rendered by this tool to Word and
converted to PDF by LibreOffice as `--format pdf` converts it (the same preparation, fonts and export filter), all
in one LibreOffice run; so every PDF is a different body's report of four pages with its three ruled tables. The
audit runs as `generator.audit(...)` in a fresh interpreter (as the command would); printed are its wall time,
milliseconds a PDF, the CPU time of its processes (on a machine shared with other work, CPU time / cores is the
wall time the audit would take on cores of its own), the peak memory of its main process and of its largest worker, and how many of the figures
read differ from the figures each PDF was rendered from (a figure read wrong is a failure, not a slower run).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bench_audit import audit  # noqa: E402  (the audit in a fresh interpreter, timed)
from synthetic import synthetic_values  # noqa: E402

from generator import render, validate  # noqa: E402
from generator.format import schema  # noqa: E402
from generator.format.model import RawValue, assemble  # noqa: E402
from generator.render.typography.pdf import (  # noqa: E402
    EXPORT_FILTER,
    find_soffice,
    fontconfig_aliases,
    with_document_language,
)

BATCH = 100  # documents a LibreOffice run converts (a run of many hundreds may stop before the end)


def make_pdfs(folder: Path, n: int) -> dict[str, dict[str, str]]:
    """n bodies' reports as PDF in `folder` (kept ones reused); returns each file's values by its name."""
    folder.mkdir(parents=True, exist_ok=True)
    values = {f"{seed:05d}.pdf": synthetic_values(seed) for seed in range(n)}
    missing = [name for name in values if not (folder / name).is_file()]
    if not missing:
        return values
    soffice = find_soffice()
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is required: bash tools/install-test-deps.sh")
    for start in range(0, len(missing), BATCH):
        convert(soffice, folder, {name: values[name] for name in missing[start : start + BATCH]})
    return values


def convert(soffice: str, folder: Path, values: dict[str, dict[str, str]]) -> None:
    """The bodies' reports rendered to Word and converted by one LibreOffice run into `folder`."""
    with tempfile.TemporaryDirectory(prefix="bench-pdfs-") as temp:
        work = Path(temp)
        words: dict[str, bytes] = {}
        for name, body in values.items():
            data = assemble(body["meta.body"], {key: RawValue(value) for key, value in body.items()})
            words[name] = render(data, validate(data), ["docx"])["docx"]
            (work / name).with_suffix(".docx").write_bytes(words[name])  # the very file a body publishes
        fonts = work / "fonts.conf"
        fonts.write_text(fontconfig_aliases(), encoding="utf-8")
        command = [soffice, "--headless", "--norestore", f"-env:UserInstallation={(work / 'profile').as_uri()}"]
        command += ["--convert-to", EXPORT_FILTER, "--outdir", str(work), *sorted(str(p) for p in work.glob("*.docx"))]
        subprocess.run(command, check=True, capture_output=True, env={**os.environ, "FONTCONFIG_FILE": str(fonts)})
        for name, word in words.items():
            if not (work / name).is_file():
                raise SystemExit(f"LibreOffice did not convert {name}")
            (folder / name).write_bytes(with_document_language((work / name).read_bytes(), word))


def wrong_figures(database: Path, values: dict[str, dict[str, str]]) -> tuple[int, int]:
    """(figures read, figures that differ from the rendered ones or are missing) over every report."""
    read = wrong = 0
    with sqlite3.connect(database) as db:
        reports = {Path(source).name: rid for rid, source in db.execute("SELECT id, source FROM reports")}
        for name, body in values.items():
            rows = dict(db.execute("SELECT key, value FROM figures WHERE report_id = ?", (reports.get(name, -1),)))
            for key in schema.figures():
                read += key in rows
                if rows.get(key) is None or Decimal(str(rows[key])) != Decimal(body[key]):
                    wrong += 1
    return read, wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="PDFs (default 1000)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--keep", type=Path, help="folder to keep the PDFs in, and to reuse them from")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-audit-pdfs-") as temp:
        folder = args.keep or Path(temp) / "reports"
        start = time.perf_counter()
        values = make_pdfs(folder, args.n)
        print(f"{args.n} PDFs ready in {time.perf_counter() - start:.1f} s ({folder})")
        outdir = Path(temp) / "out"
        run = audit(folder, outdir, args.jobs)
        totals, seconds = run["totals"], run["seconds"]
        print(f"audit: {seconds:.1f} s for {args.n} PDFs, {1000 * seconds / args.n:.0f} ms a PDF, -j {args.jobs}")
        cpu = run["main_cpu"] + run["worker_cpu"]
        print(
            f"       CPU time {cpu:.1f} s (main process {run['main_cpu']:.1f} s, workers {run['worker_cpu']:.1f} s): "
            f"at least {cpu / args.jobs:.1f} s on {args.jobs} cores of its own"
        )
        print(f"       peak memory: main {run['main_mb']:.0f} MB, largest worker {run['worker_mb']:.0f} MB")
        print(f"       {totals['passed']} passed, {totals['failed']} failed, {totals['errors']} errors")
        read, wrong = wrong_figures(outdir / "审查.sqlite", values)
        print(f"figures read: {read} of {args.n * len(schema.figures())}, {wrong} WRONG or missing")
        if wrong:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
