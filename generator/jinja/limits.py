"""Limits on what one rendering may cost: time, loop iterations, the size of text and of the output.

Templates come from other offices. A loop nested three deep, a string doubled forty times or a width of a
billion spaces must end in a clear message within seconds, never in a hang or an exhausted machine. The budget
is per rendering (one report), set by `render_budget()`; the sizes apply always.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from jinja2.exceptions import TemplateRuntimeError

SECONDS = 20.0  # one report renders in well under a second
ITERATIONS = 2_000_000  # loop passes over a whole report (a report has a few hundred)
TEXT_LIMIT = 20_000_000  # characters of one value or one output file
ITEMS_LIMIT = 200_000  # items of one list built in a template
NUMBER_LIMIT = 1_000_000  # a width, count or exponent a template may pass to a string method or operator


class RenderLimit(TemplateRuntimeError):
    """A template went beyond what one report may cost; the message says which limit, in Chinese."""


CLOCK_STRIDE = 64  # loop passes between two looks at the clock: time.monotonic() costs more than a pass


@dataclass
class Budget:
    seconds: float
    deadline: float
    iterations: int
    output: int = field(default=0)

    def spend(self, iterations: int = 0, output: int = 0) -> None:
        self.iterations -= iterations
        self.output += output
        self.check()

    def step(self) -> None:
        """One loop pass: counted every time, the clock read every CLOCK_STRIDE passes."""
        self.iterations -= 1
        if self.iterations % CLOCK_STRIDE == 0 or self.iterations < 0:
            self.check()

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise RenderLimit(f"渲染超过 {self.seconds:g} 秒仍未完成，已停止：模板中可能有过大或多层嵌套的循环")
        if self.iterations < 0:
            raise RenderLimit(f"模板中的循环共执行超过 {ITERATIONS:,} 次，已停止：可能有过大或多层嵌套的循环")
        if self.output > TEXT_LIMIT:
            raise RenderLimit(f"生成的内容超过 {TEXT_LIMIT:,} 个字符，已停止：模板中可能有失控的循环或重复")


_budget: ContextVar[Budget | None] = ContextVar("render_budget", default=None)


@contextmanager
def render_budget(seconds: float | None = None) -> Iterator[Budget]:
    """Everything rendered inside shares one budget (one report: its HTML and its Word parts)."""
    limit = SECONDS if seconds is None else seconds
    budget = Budget(limit, time.monotonic() + limit, ITERATIONS)
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


def spend(iterations: int = 0, output: int = 0) -> None:
    """Count against the current budget (none outside a rendering: our own pages and checks)."""
    budget = _budget.get()
    if budget is not None:
        budget.spend(iterations, output)


def check_size(value: object, what: str = "值") -> object:
    """Refuse a text or list too large to be a real report's."""
    if isinstance(value, str | bytes) and len(value) > TEXT_LIMIT:
        raise RenderLimit(f"模板中的{what}超过 {TEXT_LIMIT:,} 个字符，已停止")
    if isinstance(value, list | tuple | dict | set) and len(value) > ITEMS_LIMIT:
        raise RenderLimit(f"模板中的{what}超过 {ITEMS_LIMIT:,} 项，已停止")
    return value


def check_number(value: object, what: str) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > NUMBER_LIMIT:
        raise RenderLimit(f"模板中的{what} {value} 过大（至多 {NUMBER_LIMIT:,}），已停止")


class BoundedIterable:
    """What a template's {% for %} loops over: the same items, each pass counted against the budget."""

    def __init__(self, iterable: Iterable[object]) -> None:
        self.iterable = iterable

    def __iter__(self) -> Iterator[object]:
        budget = _budget.get()
        if budget is None:
            yield from self.iterable
            return
        for item in self.iterable:
            budget.step()
            yield item

    def __len__(self) -> int:
        return len(self.iterable)  # type: ignore[arg-type]  # TypeError when unsized, as Jinja expects
