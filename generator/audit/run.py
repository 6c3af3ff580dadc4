"""One audit: fetch the web addresses, read every report in worker processes, keep each in the database as it
comes (never every report in memory), then compare each body's report with its previous year's.

One report that cannot be fetched or read never stops the others: it becomes a line of the outputs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import NamedTuple, TypeVar

from generator.audit.fetch import Fetcher
from generator.audit.record import ReportRecord, file_hash, file_type, read_record
from generator.audit.store import Store
from generator.bulk.pool import PoolRun, worker_count
from generator.checks.findings import Finding
from generator.checks.rules import validate
from generator.exceptions import GenerateReportError, InputError, os_reason
from generator.format.model import Number

COMMIT_EVERY = 100  # reports per transaction: fast, and Ctrl-C loses at most these
COMMIT_SECONDS = 1.0  # ... and at most this long a transaction, so another audit on the database is not held up
COMPARE_BATCH = 256  # reports compared by the workers between two writes of their findings
Task = TypeVar("Task")
Done = TypeVar("Done")


class Source(NamedTuple):
    """A file to audit: where it is, what the user gave (a path or a web address), what messages call it."""

    path: Path
    source: str
    name: str


@dataclass(frozen=True)
class Unit:
    """One report file to read: `source` is what the user gave (a path, or the web address it was fetched
    from) and `name` what messages call it."""

    path: Path
    source: str
    name: str
    content_hash: str


@dataclass(frozen=True)
class Examined:
    """What reading one report gave: its record and single-year findings, or why it could not be read."""

    unit: Unit
    kind: str
    record: ReportRecord | None = None
    findings: tuple[Finding, ...] = ()
    problem: str = ""
    values: dict[str, Number] = field(default_factory=dict)  # each figure that parsed


@dataclass(frozen=True)
class Event:
    """One step of the audit for the progress display: a report read (or found unchanged), or a failure."""

    source: str
    status: str  # passed, failed, unreadable, unfetched, duplicate
    body: str = ""
    year: int | None = None
    message: str = ""


Progress = Callable[[Event, int, int], None]


@dataclass
class Outcome:
    """What a run did: its number in the database, and the sources that left no report there."""

    run: int
    failures: list[Event] = field(default_factory=list)  # unfetched addresses and files that could not be opened
    duplicates: list[Event] = field(default_factory=list)  # the same content as another source of this run


def examine(unit: Unit) -> Examined:
    """Read one report and run every single-year rule; any failure becomes the result, never an exception."""
    kind = file_type(unit.path)
    try:
        if not kind:
            raise InputError(f"{unit.name}：无法识别的文件类型“{unit.path.suffix}”。")
        record = read_record(unit.path, unit.name)
        data = record.to_data()
        return Examined(unit, kind, record, validate(data).findings, values=dict(data.figures))
    except GenerateReportError as err:
        problem = str(err)
    except Exception as err:  # one report's surprise is that report's line, never the end of the audit
        problem = f"{unit.name}：读取时出错（{type(err).__name__}：{err}）"
    if unit.name != unit.path.name:  # readers name the file; the audit names its path as given, or its address
        problem = problem.replace(unit.path.name, unit.name, 1)
    return Examined(unit, kind, problem=problem)


def crashed_reading(unit: Unit) -> Examined:
    """A report whose reading killed its worker (a damaged or huge file): that report's line, the rest go on."""
    return Examined(
        unit, file_type(unit.path), problem=f"{unit.name}：读取时程序意外退出（文件可能已损坏或过大），已跳过。"
    )


def each(
    function: Callable[[Task], Done],
    tasks: Sequence[Task],
    jobs: int | None,
    crashed: Callable[[Task], Done],
    keep: Callable[[Done], None],
) -> None:
    """`keep(function(task))` for every task, in order, in `jobs` worker processes (at most every core; one runs
    them in this process). After Ctrl-C the results of the tasks running then are kept too."""
    count = worker_count(jobs, len(tasks))
    if count == 1:
        for task in tasks:
            keep(function(task))
        return
    runner = PoolRun(function, tasks, count, crashed)
    try:
        for done in runner:
            keep(done)
    except KeyboardInterrupt:
        for done in runner.finish():
            keep(done)
        raise


def fetch_units(fetcher: Fetcher, urls: Sequence[str], outcome: Outcome, progress: Progress) -> list[Source]:
    """Each address's cached file, named by its address; the ones that fail are outcome failures."""
    fetched = []
    for n, result in enumerate(fetcher.fetch_all(urls), 1):
        if result.path is None:
            event = Event(result.url, "unfetched", message=result.problem)
            outcome.failures.append(event)
            progress(event, n, len(urls))
        else:
            fetched.append(Source(result.path, result.url, result.url))
    return fetched


def file_sources(paths: Sequence[Path]) -> list[Source]:
    return [Source(path, str(path), str(path)) for path in paths]


def read_into(
    store: Store, files: Sequence[Source], run: int, outcome: Outcome, progress: Progress, jobs: int | None
) -> None:
    """Every file into the database: new content read in workers, content already there only marked as seen."""
    pending: list[Unit] = []
    claimed: dict[str, str] = {}  # content hash -> the source of this run that holds it
    done, total = 0, len(files)

    def step(event: Event) -> None:
        nonlocal done
        done += 1
        progress(event, done, total)

    for path, source, name in files:
        try:
            content_hash = file_hash(path.read_bytes())
        except OSError as err:
            event = Event(source, "unreadable", message=f"{name}：{_unopened(err)}")
            outcome.failures.append(event)
            step(event)
            continue
        if content_hash in claimed:
            event = Event(source, "duplicate", message=f"与 {claimed[content_hash]} 内容相同，只审查一次。")
            outcome.duplicates.append(event)
            step(event)
            continue
        claimed[content_hash] = source
        known = store.known(content_hash)
        if known is None:
            pending.append(Unit(path, source, name, content_hash))
            continue
        store.see(known, source, run)
        report = store.report(known)
        step(Event(source, report.status, report.body, report.year, report.message))

    def keep(examined: Examined) -> None:
        unit = examined.unit
        try:
            with store.whole():  # a report is stored with its findings, or not at all
                if examined.record is None:
                    report_id = store.add_unreadable(
                        unit.content_hash, unit.source, unit.name, examined.kind, examined.problem, run
                    )
                else:
                    report_id = store.add(
                        unit.content_hash, unit.source, examined.kind, examined.record, run, examined.values
                    )
                    store.set_findings(report_id, examined.findings)
        except sqlite3.IntegrityError:  # another audit on this database stored the same content meanwhile
            report_id = store.known(unit.content_hash) or 0
            store.see(report_id, unit.source, run)
        report = store.report(report_id)
        step(Event(unit.source, report.status, report.body, report.year, report.message))
        if done % COMMIT_EVERY == 0 or store.open_for() > COMMIT_SECONDS:
            store.commit()

    each(examine, pending, jobs, crashed_reading, keep)
    store.commit()


def _unopened(err: OSError) -> str:
    if isinstance(err, IsADirectoryError):
        return "这是一个文件夹，不是文件。"
    return f"无法打开（{os_reason(err)}）。"


def compare_years(store: Store, run: int, jobs: int | None) -> None:
    """Every report of the run against its body's previous year, wherever the database knows that year: the
    single-year rules and the continuity rules in one `validate`, replacing the report's findings.

    Workers read both reports from the database (read-only, while this process writes nothing), a batch at a
    time; this process then stores the batch's findings.
    """
    tasks = []
    for report in list(store.reports(run)):
        if report.status == "unreadable":
            continue
        previous = store.previous_of(report)
        if previous != report.previous_id:  # not yet compared with that report (or no longer has one)
            tasks.append(Comparison(store.path, report.id, previous))
    store.commit()

    def keep(done: Compared) -> None:
        if done.findings is not None:
            store.set_findings(done.report_id, done.findings, done.across, done.previous)

    for start in range(0, len(tasks), COMPARE_BATCH):
        batch = tasks[start : start + COMPARE_BATCH]
        here = worker_count(jobs, len(batch)) == 1  # in this process, through its own connection
        each(partial(compare, store=store) if here else compare, batch, jobs, crashed_comparing, keep)
        store.commit()


class Comparison(NamedTuple):
    database: Path
    report_id: int
    previous: int | None


@dataclass(frozen=True)
class Compared:
    report_id: int
    previous: int | None
    findings: tuple[Finding, ...] | None  # None: the comparison killed its worker; the report keeps its findings
    across: frozenset[Finding] = frozenset()  # those only comparing with last year gives


def crashed_comparing(task: Comparison) -> Compared:
    return Compared(task.report_id, task.previous, None)


@cache
def _reader(database: Path) -> Store:
    """One read-only connection per worker process."""
    return Store(database, "", readonly=True)


def compare(task: Comparison, store: Store | None = None) -> Compared:
    """Both years rebuilt from the database and validated together (in a worker, through its own connection)."""
    store = store or _reader(task.database)
    data = checked_record(store, task.report_id).to_data()
    single = validate(data).findings
    if task.previous is None:
        return Compared(task.report_id, None, single, frozenset())
    full = validate(data, checked_record(store, task.previous).to_data()).findings
    return Compared(task.report_id, task.previous, full, frozenset(full) - frozenset(single))


def checked_record(store: Store, report_id: int) -> ReportRecord:
    """The report as the rules check it: as read, with the figures reviewers corrected."""
    return store.record(report_id).corrected(store.corrections(report_id))
