"""The one Jinja environment every template runs in: sandboxed, autoescaping, strict about undefined names."""

from __future__ import annotations

from jinja2 import BaseLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from generator.format.filters import FILTERS


def make_environment(loader: BaseLoader | None = None, autoescape: bool = True) -> SandboxedEnvironment:
    """Templates come from other offices and are untrusted: always sandboxed and strict about undefined names.

    Autoescape is on for every document template (HTML, Word XML); it is off only for plain-text output that a
    document escapes afterwards.
    """
    env = SandboxedEnvironment(
        loader=loader,
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env
