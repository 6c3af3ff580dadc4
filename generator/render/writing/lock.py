"""Operating-system file locks: one writer per output folder, fcntl on Linux and macOS, msvcrt on Windows.

A lock belongs to an open file and ends with the process that holds it, so a killed run never leaves a folder
locked. Where the file system offers no locks (some network shares), writing goes ahead unlocked rather than
not at all: `FolderLock.locked` says which.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

try:  # Linux, macOS
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
try:
    import msvcrt
except ImportError:
    msvcrt = None  # type: ignore[assignment]

LOCK_NAME = ".generate-report.lock"
POLL_SECONDS = 0.2


class LockUnsupported(OSError):
    """The file system (or platform) offers no lock on this file."""


def try_lock(fd: int) -> bool:
    """Take the exclusive lock on an open file without waiting: False when another process holds it."""
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        elif msvcrt is not None:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            raise LockUnsupported("no file locks on this platform")
    except BlockingIOError:
        return False
    except PermissionError:  # msvcrt says "locked" this way
        if msvcrt is None:
            raise
        return False
    except OSError as err:
        if isinstance(err, LockUnsupported):
            raise
        raise LockUnsupported(str(err)) from err
    return True


def lock(fd: int) -> None:
    """Take the exclusive lock, waiting as long as another process holds it."""
    while not try_lock(fd):
        time.sleep(POLL_SECONDS)


def unlock(fd: int) -> None:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
        elif msvcrt is not None:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
    except OSError:
        pass  # closing the file releases it anyway


def hide(path: Path) -> None:
    """Windows shows dot files: mark this tool's own files hidden there, as their names make them elsewhere."""
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.kernel32.SetFileAttributesW(str(path), 0x2)  # type: ignore[attr-defined]


class FolderLock:
    """Held while a run writes into `folder`; a second run waits (calling `on_wait` once) until the first ends."""

    def __init__(self, folder: Path, on_wait: Callable[[], None] | None = None) -> None:
        self.path = folder / LOCK_NAME
        self.on_wait = on_wait
        self.fd: int | None = None
        self.locked = False

    def __enter__(self) -> FolderLock:
        new = not self.path.exists()
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        if new:
            hide(self.path)
        try:
            if not try_lock(self.fd):
                if self.on_wait is not None:
                    self.on_wait()
                lock(self.fd)
            self.locked = True
        except LockUnsupported:
            self.locked = False
        except BaseException:
            os.close(self.fd)
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.fd is not None:
            if self.locked:
                unlock(self.fd)
            os.close(self.fd)
            self.fd = None
