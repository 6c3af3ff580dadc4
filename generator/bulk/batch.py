"""Many bodies at once: one report per input, in parallel, and a summary of which body fails which rule."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from jinja2 import FileSystemLoader

from generator.checks.findings import Finding
from generator.checks.rules import validate
from generator.exceptions import GenerateReportError, InputError
from generator.jinja.environment import make_environment
from generator.jinja.sets import builtin_templates_dir, find_template_set
from generator.readers import load
from generator.render import ensure_template_ok, render
from generator.render.output import write_outputs
from generator.workbook.csvfile import csv_bytes

# Searched for in folders. Old formats are listed too, so they are reported as unreadable rather than skipped.
DATA_SUFFIXES = {".xlsx", ".xlsm", ".csv", ".xls", ".et", ".ods"}
SUMMARY_NAME = "校验汇总"


@dataclass(frozen=True)
class BatchJob:
    source: Path
    stem: str  # output name, unique within the batch


@dataclass(frozen=True)
class BatchResult:
    """What happened to one input: status ok / invalid (error findings) / unreadable (cannot run)."""

    source: str
    stem: str
    status: str
    body: str = ""
    year: int | None = None
    errors: int = 0
    warnings: int = 0
    findings: tuple[Finding, ...] = ()
    outputs: tuple[str, ...] = ()
    message: str = ""

    @property
    def failed(self) -> bool:
        return self.status != "ok"


def expand_inputs(inputs: Iterable[str]) -> list[Path]:
    """Files as given; folders searched recursively for .xlsx/.csv; glob patterns expanded (Windows shells don't)."""
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.suffix.lower() in DATA_SUFFIXES and not p.name.startswith("~$")
            )
        elif any(ch in item for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(item, recursive=True))
            if not matches:
                raise InputError(f"没有文件与“{item}”匹配。")
            found += [p for p in matches if p.is_file()]
        else:
            found.append(path)  # a missing file is reported as unreadable, like any other
    unique = list(dict.fromkeys(p.resolve() for p in found))
    if not unique:
        raise InputError("没有找到任何数据文件（.xlsx 或 .csv）。")
    return unique


NAMINGS = (
    lambda p: p.stem,
    lambda p: f"{p.stem}-{p.suffix.lstrip('.').lower()}",
    lambda p: f"{p.parent.name}-{p.stem}",
    lambda p: f"{p.parent.name}-{p.stem}-{p.suffix.lstrip('.').lower()}",
)


def plan_jobs(paths: list[Path]) -> list[BatchJob]:
    """Output names from file names. Inputs sharing a name are told apart by file type, then by folder,
    so no report overwrites another; the last resort is a number."""
    groups: dict[str, list[Path]] = {}
    for path in paths:
        groups.setdefault(path.stem, []).append(path)
    names: dict[Path, str] = {}
    for group in groups.values():
        for naming in NAMINGS:
            candidates = [naming(p) for p in group]
            if len(set(candidates)) == len(group):
                break
        else:
            candidates = [f"{p.stem}-{n}" for n, p in enumerate(group, 1)]
        names.update(zip(group, candidates, strict=True))
    return [BatchJob(p, names[p]) for p in paths]


@dataclass(frozen=True)
class BatchSettings:
    outdir: Path
    formats: tuple[str, ...] = ("docx", "html")
    template: str | None = None
    force: bool = False


def process(job: BatchJob, settings: BatchSettings) -> BatchResult:
    """Load, validate, render and write one body; every failure becomes a result, never an exception."""
    try:
        data = load(job.source)
    except GenerateReportError as err:
        return BatchResult(str(job.source), job.stem, "unreadable", message=str(err))
    report = validate(data)
    result = BatchResult(
        str(job.source),
        job.stem,
        "ok" if report.valid else "invalid",
        data.body,
        data.year,
        len(report.errors),
        len(report.warnings),
        report.findings,
    )
    if not (report.valid or settings.force):
        return result
    try:
        outputs = render(data, report, settings.formats, settings.template, settings.force)
        written = write_outputs(settings.outdir, job.stem, outputs)
    except GenerateReportError as err:
        return replace(result, status="unwritten", message=str(err))
    return replace(result, outputs=tuple(p.name for p in written))


def _process_star(args: tuple[BatchJob, BatchSettings]) -> BatchResult:
    return process(*args)


def run_batch(jobs: list[BatchJob], settings: BatchSettings, workers: int | None = None) -> Iterator[BatchResult]:
    """Results as they finish, in input order; `workers` processes (default: every core), 1 = in this process."""
    ensure_template_ok(find_template_set(settings.template))  # a broken template stops the batch before it starts
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(jobs) == 1:
        yield from (process(job, settings) for job in jobs)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        chunk = max(1, min(64, len(jobs) // (workers * 8)))
        yield from pool.map(_process_star, ((job, settings) for job in jobs), chunksize=chunk)


STATUS_TEXT = {"ok": "通过", "invalid": "未通过", "unreadable": "无法读取", "unwritten": "无法生成"}


def summary_rows(results: list[BatchResult]) -> list[dict[str, str]]:
    """One row per finding (and one per input without findings): which body fails which rule."""
    rows = []
    for result in results:
        common = {
            "文件": result.source,
            "发布机关": result.body,
            "年度": str(result.year or ""),
            "结果": STATUS_TEXT[result.status],
            "错误数": str(result.errors),
            "警告数": str(result.warnings),
            "已生成": "、".join(result.outputs),
        }
        details = [{"级别": f.level, "代码": f.code, "键": f.key, "说明": f.message} for f in result.findings]
        if result.message:
            details.insert(0, {"级别": "错误", "代码": "cannot-read", "键": "", "说明": result.message})
        for detail in details or [{"级别": "", "代码": "", "键": "", "说明": ""}]:
            rows.append({**common, **detail})
    return rows


def summary_csv(results: list[BatchResult]) -> bytes:
    rows = summary_rows(results)
    return csv_bytes(list(rows[0]), [list(row.values()) for row in rows])


def summary_html(results: list[BatchResult]) -> bytes:
    env = make_environment(FileSystemLoader(str(builtin_templates_dir() / "default")))
    page = env.get_template("summary.html.j2").render(
        results=results,
        rows=summary_rows(results),
        status_text=STATUS_TEXT,
        failed=sum(r.failed for r in results),
        total=len(results),
    )
    return page.encode("utf-8")


def write_summary(outdir: Path, results: list[BatchResult]) -> list[Path]:
    return write_outputs(outdir, SUMMARY_NAME, {"csv": summary_csv(results), "html": summary_html(results)})
