"""Many bodies at once: one report per input, in parallel, and a summary of which body fails which rule."""

from __future__ import annotations

import glob
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from jinja2 import FileSystemLoader

from generator.bulk.pool import PoolRun, worker_count
from generator.checks.findings import Finding
from generator.checks.rules import validate
from generator.exceptions import GenerateReportError, InputError
from generator.jinja.environment import make_environment
from generator.jinja.sets import builtin_templates_dir, find_template_set
from generator.readers import load
from generator.render import ensure_template_ok, render
from generator.render.writing.output import OutputFolder, write_files, write_prepared
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


def skipped(path: Path) -> bool:
    """Files no one means as data: Excel's lock files (~$…), macOS's resource forks (._…), hidden files."""
    if path.name.startswith(("~$", ".")):  # "._x.xlsx" starts with a dot too
        return True
    try:
        return bool(getattr(path.stat(), "st_file_attributes", 0) & 0x2)  # FILE_ATTRIBUTE_HIDDEN (Windows)
    except OSError:
        return False


def expand_inputs(
    inputs: Iterable[str],
    suffixes: Collection[str] = DATA_SUFFIXES,
    kind: str = "数据文件（.xlsx 或 .csv）",
    exclude: Sequence[Path] = (),
    as_given: bool = False,
) -> list[Path]:
    """Files as given; folders searched recursively for `suffixes` (.xlsx/.csv); glob patterns expanded (Windows
    shells don't). Each file once, as an absolute path (`as_given`: as the user spelt it).

    Lock files, macOS ._ files, hidden files and folders, and anything inside `exclude` (a run's own output folder)
    are left out of folders and patterns alike; `kind` names what was looked for when nothing is found.
    """
    excluded = [folder.resolve() for folder in exclude]

    def wanted(p: Path) -> bool:
        return p.is_file() and not skipped(p) and not any(p.resolve().is_relative_to(e) for e in excluded)

    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in suffixes
                and not any(part.startswith(".") for part in p.relative_to(path).parent.parts)
                and wanted(p)
            )
        elif any(ch in item for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(item, recursive=True))
            if not matches:
                raise InputError(f"没有文件与“{item}”匹配。")
            found += [p for p in matches if wanted(p)]
        else:
            found.append(path)  # a missing file is reported as unreadable, like any other
    unique: dict[Path, Path] = {}
    for p in found:
        unique.setdefault(p.resolve(), p)  # the first spelling of each file
    if not unique:
        raise InputError(f"没有找到任何{kind}。")
    return list(unique.values()) if as_given else list(unique)


NAMINGS = (  # the folder's own name even for a path given relative to it ("a.csv" sits in the working folder)
    lambda p: p.stem,
    lambda p: f"{p.stem}-{p.suffix.lstrip('.').lower()}",
    lambda p: f"{p.absolute().parent.name}-{p.stem}",
    lambda p: f"{p.absolute().parent.name}-{p.stem}-{p.suffix.lstrip('.').lower()}",
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
    overwrite: bool = False


def output_names(stem: str, settings: BatchSettings) -> list[str]:
    return [f"{stem}.{fmt}" for fmt in settings.formats]


def process(job: BatchJob, settings: BatchSettings) -> BatchResult:
    """Load, validate, render and write one body; every failure becomes a result, never an exception."""
    try:
        return _process(job, settings)
    except Exception as err:  # one body's surprise must not stop the others: it is that body's line
        return BatchResult(str(job.source), job.stem, "unwritten", message=f"处理时出错（{type(err).__name__}：{err}）")


def _process(job: BatchJob, settings: BatchSettings) -> BatchResult:
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
        written = write_prepared(settings.outdir, {f"{job.stem}.{fmt}": content for fmt, content in outputs.items()})
    except GenerateReportError as err:
        return replace(result, status="unwritten", message=str(err))
    return replace(result, outputs=tuple(p.name for p in written))


def crashed(job: BatchJob) -> BatchResult:
    message = "处理该文件时工作进程意外退出（文件可能过大或已损坏），已跳过"
    return BatchResult(str(job.source), job.stem, "unwritten", message=message)


def run_batch(jobs: list[BatchJob], settings: BatchSettings, workers: int | None = None) -> Iterator[BatchResult]:
    """Results in input order; `workers` processes (default and at most: every core), 1 = in this process.

    The caller holds the output folder (OutputFolder) and has checked the template set. With several processes,
    the iterator is a PoolRun: after Ctrl-C, its finish() gives the results of the units that were running.
    """
    count = worker_count(workers, len(jobs))
    if count == 1:
        return (process(job, settings) for job in jobs)
    return PoolRun(partial(process, settings=settings), jobs, count, crashed)


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C during a batch: the results of the units finished, and the summary written for them."""

    def __init__(self, results: list[BatchResult], summary: list[Path], total: int) -> None:
        super().__init__()
        self.results, self.summary, self.total = results, summary, total


def batch_into_folder(
    jobs: list[BatchJob],
    settings: BatchSettings,
    workers: int | None = None,
    on_result: Callable[[BatchResult, int, int], None] | None = None,
    on_wait: Callable[[], None] | None = None,
) -> tuple[list[BatchResult], list[Path]]:
    """The whole batch, holding the output folder: nothing is written when an output someone changed would be
    replaced (unless settings.overwrite); a body that fails loses the report an earlier run wrote for it, so the
    folder always matches the summary. Ctrl-C raises BatchInterrupted after writing the summary so far."""
    results: list[BatchResult] = []
    ensure_template_ok(find_template_set(settings.template))  # a broken template: no folder, no file
    with OutputFolder(settings.outdir, settings.overwrite, on_wait) as folder:
        names = [name for job in jobs for name in output_names(job.stem, settings)]
        folder.check([*names, *(f"{SUMMARY_NAME}.{s}" for s in ("csv", "html"))])

        def take(result: BatchResult) -> None:
            results.append(result)
            if result.failed:
                folder.remove_unchanged(output_names(result.stem, settings))
            if on_result is not None:
                on_result(result, len(results), len(jobs))

        runner = run_batch(jobs, settings, workers)
        try:
            for result in runner:
                take(result)
        except KeyboardInterrupt:
            for result in runner.finish() if isinstance(runner, PoolRun) else ():
                take(result)
            summary = folder.write(summary_files(results, len(jobs)), check=False)
            raise BatchInterrupted(results, summary, len(jobs)) from None
        return results, folder.write(summary_files(results, len(jobs)), check=False)


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


SUMMARY_HEADER = ("文件", "发布机关", "年度", "结果", "错误数", "警告数", "已生成", "级别", "代码", "键", "说明")


def summary_csv(results: list[BatchResult]) -> bytes:
    return csv_bytes(SUMMARY_HEADER, [[row[h] for h in SUMMARY_HEADER] for row in summary_rows(results)])


def summary_html(results: list[BatchResult], planned: int | None = None) -> bytes:
    """`planned`: how many inputs the batch had; more than the results when it was interrupted."""
    env = make_environment(FileSystemLoader(str(builtin_templates_dir() / "default")))
    page = env.get_template("summary.html.j2").render(
        results=results,
        rows=summary_rows(results),
        status_text=STATUS_TEXT,
        failed=sum(r.failed for r in results),
        total=len(results),
        planned=len(results) if planned is None else planned,
    )
    return page.encode("utf-8")


def summary_files(results: list[BatchResult], planned: int | None = None) -> dict[str, bytes]:
    ordered = sorted(results, key=lambda r: r.source)  # a crash retried out of order: the summary stays sorted
    return {f"{SUMMARY_NAME}.csv": summary_csv(ordered), f"{SUMMARY_NAME}.html": summary_html(ordered, planned)}


def write_summary(outdir: Path, results: list[BatchResult]) -> list[Path]:
    return write_files(outdir, summary_files(results), overwrite=True)
