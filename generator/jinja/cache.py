"""Compiled templates kept between runs: compiling a Word template's Jinja costs more than filling it in.

Jinja's own bytecode cache, in the user's cache folder, keyed by the template's source, Jinja's and Python's
versions and this environment's settings (its loop bounds change the code). No folder to write in: no cache,
and templates are compiled as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import jinja2
from jinja2 import Environment, FileSystemBytecodeCache, Template
from jinja2.bccache import Bucket

# Bumped whenever environment.py (BoundedSandbox._parse) or a Word part's preparation (render.filling.word_tags) changes
# the code Jinja generates.
# 2: finalize strips characters XML forbids; 3: Word tags read as typed; 4: no line break added before paragraphs
CODE_VERSION = "bounded-loops-4"


def cache_folder() -> Path | None:
    """The platform's per-user cache folder for this tool, created if need be; None when it cannot be."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "generate-report" / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


class QuietBytecodeCache(FileSystemBytecodeCache):
    """A cache that never stops a report: a damaged entry is compiled afresh, a failed write is skipped."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a truncated or foreign file (pickle and marshal errors of every kind)
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):  # a full or read-only disk: compiled again next time
            super().dump_bytecode(bucket)


@cache
def bytecode_cache(settings: str) -> FileSystemBytecodeCache | None:
    """One cache per environment setup (`settings` names what changes the generated code, e.g. autoescape)."""
    folder = None if os.environ.get("GENERATE_REPORT_NO_CACHE") else cache_folder()
    if folder is None:
        return None
    salt = hashlib.sha256(f"{CODE_VERSION}|{jinja2.__version__}|{sys.version}|{settings}".encode()).hexdigest()[:16]
    return QuietBytecodeCache(str(folder), f"{salt}_%s.cache")


def compile_string(env: Environment, original: str, prepare: Callable[[str], str], name: str) -> Template:
    """env.from_string(prepare(original)), through the environment's bytecode cache when it has one: the cache
    is keyed by `original`, so a hit skips the preparation too (docxtpl's clean-up of a Word part's XML)."""
    store = env.bytecode_cache
    if store is None:
        return env.from_string(prepare(original))
    bucket = store.get_bucket(env, name, None, original)
    if bucket.code is None:
        bucket.code = env.compile(prepare(original), name)
        store.set_bucket(bucket)
    return env.template_class.from_code(env, bucket.code, env.make_globals(None), None)
