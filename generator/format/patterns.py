"""Regular expressions compiled on first use, for the few that cost at start-up: a class of Chinese characters
([\u4e00-\u9fff]) takes 1–3 ms to compile, which every command would otherwise pay at import."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache


def when_used(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A function giving the compiled pattern, compiled by its first call."""
    return cache(lambda: re.compile(pattern, flags))
