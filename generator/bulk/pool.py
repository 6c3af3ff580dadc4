"""Running many independent units in worker processes: Ctrl-C lets the running units finish and keeps their
results, a unit that kills its worker is reported alone, and workers never outlive the run that started them."""

from __future__ import annotations

import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

# multiprocessing and concurrent.futures.process are imported when a pool starts, not when the command does:
# a single report (or --help) never needs them.

Unit = TypeVar("Unit")
Result = TypeVar("Result")
CHUNK_LIMIT = 16  # units per task: small enough that Ctrl-C waits for little, large enough to keep workers busy


def available_cores() -> int:
    """The cores this process may use (a container or `taskset` may allow fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def worker_count(requested: int | None, units: int) -> int:
    """-j as asked, but never more than the cores available or the units to do."""
    return max(1, min(requested or available_cores(), available_cores(), units))


def _worker_start() -> None:
    """In each worker: Ctrl-C is the parent's to handle (it lets running units finish), and the worker ends as
    soon as its parent does, however the parent ended."""
    import multiprocessing

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:

        def end_with_parent() -> None:
            parent.join()
            os._exit(1)

        threading.Thread(target=end_with_parent, daemon=True).start()


def _run_chunk(function: Callable[[Unit], Result], chunk: Sequence[Unit]) -> list[Result]:
    return [function(unit) for unit in chunk]


def _pool(workers: int) -> ProcessPoolExecutor:
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, initializer=_worker_start)


def _broken() -> type[Exception]:
    from concurrent.futures.process import BrokenProcessPool

    return BrokenProcessPool


class PoolRun(Generic[Unit, Result]):
    """`function(unit)` for every unit in `workers` processes; iterate for the results in input order.

    The state lives in the object, not in a generator frame, so a KeyboardInterrupt wherever it lands leaves it
    whole: `finish()` then yields what is done or still running (its files are written) and drops the rest.
    A unit that kills its worker (a crash, the system's out-of-memory killer) makes the units not yet finished
    run again one at a time, so that only the one at fault is reported, as `crashed(unit)`.
    """

    def __init__(
        self,
        function: Callable[[Unit], Result],
        units: Sequence[Unit],
        workers: int,
        crashed: Callable[[Unit], Result],
    ) -> None:
        self.function, self.crashed = function, crashed
        size = max(1, min(CHUNK_LIMIT, len(units) // (workers * 4)))
        self.pool = _pool(workers)
        self.pending: deque[tuple[list[Unit], Future[list[Result]]]] = deque(
            (chunk, self.pool.submit(_run_chunk, function, chunk))
            for chunk in (list(units[i : i + size]) for i in range(0, len(units), size))
        )
        self.ready: deque[Result] = deque()

    def __iter__(self) -> Iterator[Result]:
        return self

    def __next__(self) -> Result:
        while not self.ready:
            if not self.pending:
                self.pool.shutdown(wait=True)
                raise StopIteration
            chunk, future = self.pending[0]
            try:
                results = future.result()
            except _broken():
                results = self._after_crash()
            else:
                self.pending.popleft()
            self.ready.extend(results)
        return self.ready.popleft()

    def _after_crash(self) -> list[Result]:
        """Run the next unfinished unit alone in a fresh one-worker pool; the rest follow the same way."""
        units = [unit for chunk, _ in self.pending for unit in chunk]
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.pool = _pool(1)
        self.pending = deque(([unit], self.pool.submit(_run_chunk, self.function, [unit])) for unit in units[1:])
        single = _pool(1)
        try:
            return single.submit(_run_chunk, self.function, [units[0]]).result()
        except _broken():
            return [self.crashed(units[0])]
        finally:
            single.shutdown(wait=False)

    def finish(self) -> Iterator[Result]:
        """After Ctrl-C: the results not yet taken, then those of the units running now; nothing new starts."""
        while self.ready:
            yield self.ready.popleft()
        for _, future in self.pending:
            future.cancel()
        for _, future in self.pending:
            if not future.cancelled():
                try:
                    yield from future.result()
                except _broken():
                    continue
        self.pending.clear()
        self.pool.shutdown(wait=True, cancel_futures=True)
