"""The generate-report command's first step: the console set up, and `--version` answered before any command's
code loads (scripts and installers ask it; it took 157 ms of imports, it now takes the interpreter's start)."""

from __future__ import annotations

import io
import sys

from generator.version import PROG, VERSION_MESSAGE, __version__


def console_safe() -> None:
    """Messages never stop a run on the console's encoding (a GBK pipe and a • or 𠮷 in the narrative): a stream
    that can carry Chinese keeps its encoding and writes "?" for what it lacks; one that cannot becomes UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):  # closed at start-up, or replaced by an embedding program
            continue
        try:
            "政府信息公开".encode(stream.encoding)
            stream.reconfigure(errors="replace")
        except (LookupError, UnicodeEncodeError):
            stream.reconfigure(encoding="utf-8", errors="replace")
        except (ValueError, io.UnsupportedOperation):  # a stream already written to cannot change its encoding
            continue


def main() -> None:
    console_safe()
    if sys.argv[1:] == ["--version"]:
        print(VERSION_MESSAGE % {"prog": PROG, "version": __version__})
        return
    from generator.cli.main import main as commands

    commands()
