"""What this tool wrote into a folder: each file's name and content hash, so a file someone changed afterwards
(a report edited in Word) is told apart from one the tool may replace.

The record is a hidden file of JSON lines, appended to under a lock of its own, so the processes of one batch
can add to it side by side. A file's new hash is recorded before the file is renamed into place: a run killed
between the two leaves the old and the new content both known, never an output the next run would refuse.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path

from generator.render.writing.lock import LockUnsupported, hide, lock, unlock

RECORD_NAME = ".generate-report-files"
# Temporary files are named so that the next run can recognise (and delete) those a killed run left behind.
TEMP_PREFIX, TEMP_SUFFIX = ".generate-report-", ".tmp"
KEEP_PER_FILE = 2  # the current content and, after a killed run, the one it was about to replace
CHUNK = 1 << 20


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def file_hash(path: Path) -> str | None:
    """The hash of a file's content; None when there is no such file."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while block := handle.read(CHUNK):
                digest.update(block)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    return digest.hexdigest()


def known_hashes(folder: Path) -> dict[str, list[str]]:
    """Every hash recorded for each file name, oldest first; a damaged line is skipped (its file is then unknown)."""
    known: dict[str, list[str]] = {}
    try:
        text = (folder / RECORD_NAME).read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return known
    for line in text.splitlines():
        try:
            digest, name = json.loads(line)
        except (ValueError, TypeError):
            continue
        if isinstance(digest, str) and isinstance(name, str):
            known.setdefault(name, []).append(digest)
    return known


def remember(folder: Path, hashes: Mapping[str, str]) -> None:
    """Add (name -> hash) lines to the folder's record, in one write under the record's own lock."""
    if not hashes:
        return
    path = folder / RECORD_NAME
    lines = "".join(json.dumps([digest, name], ensure_ascii=False) + "\n" for name, digest in hashes.items())
    new = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with contextlib.suppress(LockUnsupported):  # one small append is as good as atomic without locks
            lock(fd)
        os.write(fd, lines.encode("utf-8"))
        unlock(fd)
    finally:
        os.close(fd)
    if new:
        hide(path)


def compact(folder: Path, known: Mapping[str, list[str]], limit: int = 1000) -> None:
    """Rewrite a record that has grown long (a batch run many times) with the last hashes of each file only.

    Called while the folder is locked, so no other run appends meanwhile.
    """
    lines = sum(len(v) for v in known.values())
    if lines <= max(limit, KEEP_PER_FILE * len(known) * 2):
        return
    path = folder / RECORD_NAME
    kept = "".join(
        json.dumps([digest, name], ensure_ascii=False) + "\n"
        for name, digests in known.items()
        for digest in digests[-KEEP_PER_FILE:]
    )
    temp = temp_path(folder)
    try:
        temp.write_text(kept, encoding="utf-8")
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def temp_path(folder: Path) -> Path:
    return folder / f"{TEMP_PREFIX}{secrets.token_hex(6)}{TEMP_SUFFIX}"


def stale_temporaries(folder: Path) -> list[Path]:
    """Temporary files of this tool in the folder (left by a killed run when no other run holds the folder)."""
    return list(folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"))


def unchanged(path: Path, known: Mapping[str, Iterable[str]], name: str = "") -> bool:
    """True when the file is missing or holds content this tool wrote there (`name`: as the record names it, when
    the file is in a sub-folder)."""
    digest = file_hash(path)
    return digest is None or digest in set(known.get(name or path.name, ()))
