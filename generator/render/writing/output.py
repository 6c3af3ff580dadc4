"""Writing outputs safely: one run per folder at a time, a report's files replaced together or not at all, and
never a file replaced that someone changed after this tool wrote it (unless asked: --overwrite).

Each file is written to a temporary file in the target folder first, then renamed into place. A run killed
part-way leaves temporary files behind; the next run into that folder removes them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from types import TracebackType

from generator.exceptions import OutputError, os_reason
from generator.render.writing.lock import FolderLock
from generator.render.writing.record import (
    compact,
    known_hashes,
    remember,
    stale_temporaries,
    temp_path,
    unchanged,
)


@cache
def _umask() -> int:
    """The process's umask, read once: reading it means setting it, twice a file for a batch's every output."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def changed_message(paths: list[Path]) -> str:
    """One line naming the first file the user changed, how many there are, and how to replace them anyway; for a
    Word report edited by hand, which of its siblings (web page, PDF) still hold the old text, and where to change it."""
    more = f" 等 {len(paths)} 个文件" if len(paths) > 1 else ""
    stale = [
        sibling
        for path in paths
        if path.suffix.lower() == ".docx"
        for sibling in (path.with_suffix(".html"), path.with_suffix(".pdf"))
        if sibling.exists() and sibling not in paths
    ]
    old_text = (
        f"{'、'.join(str(p) for p in stale)} 仍是修改前的内容，Word 中的修改不会带到其中："
        "请同样改在数据的“正文”（或模板）中，再加 --overwrite 重新生成。"
        if stale
        else ""
    )
    return (
        f"{paths[0]}{more} 在本工具上次生成之后被修改过（或不是本工具生成的），为免丢失修改，未写入任何文件："
        f"确需用新结果替换，请加 --overwrite。{old_text}"
    )


# A file's content: its bytes, or its pieces in order (a page too large to hold whole, written as it is made).
Content = bytes | Iterable[bytes]


def _write_temp(folder: Path, content: Content) -> tuple[Path, str]:
    """The content in a new temporary file of the folder: (its path, the content's hash)."""
    temp = temp_path(folder)
    digest = hashlib.sha256()  # as record.content_hash, piece by piece
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666 & ~_umask())
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in [content] if isinstance(content, bytes) else content:
                digest.update(piece)
                handle.write(piece)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp, digest.hexdigest()


def _keep_copy(target: Path, folder: Path) -> Path | None:
    """A second name for the file about to be replaced, to put it back if a later file of the group fails."""
    if not target.is_file():
        return None
    copy = temp_path(folder)
    try:
        os.link(target, copy)
    except OSError:  # no hard links here (FAT, some shares): a copy does
        copy.write_bytes(target.read_bytes())
    return copy


def _replace_together(folder: Path, temps: Mapping[str, Path]) -> None:
    """Rename every temporary file over its target; when one fails, every target already replaced is restored."""
    done: list[tuple[Path, Path | None]] = []
    copies: list[Path] = []
    last = len(temps) - 1
    try:
        for index, (name, temp) in enumerate(temps.items()):
            target = folder / name
            # The last file is never put back: when its rename fails it was not replaced; nothing fails after it.
            copy = _keep_copy(target, folder) if index < last else None
            if copy is not None:
                copies.append(copy)
            os.replace(temp, target)
            done.append((target, copy))
    except BaseException:
        for target, copy in reversed(done):
            try:
                if copy is not None:
                    os.replace(copy, target)
                else:
                    target.unlink(missing_ok=True)
            except OSError:
                continue  # put back what can be; the error that stopped the run is the one to report
        raise
    finally:
        for copy in copies:
            copy.unlink(missing_ok=True)


def _write_group(folder: Path, files: Mapping[str, Content]) -> dict[str, str]:
    """Each file written, all renamed into place together; returns each name's content hash."""
    temps: dict[str, Path] = {}
    hashes: dict[str, str] = {}
    try:
        for name, content in files.items():
            temps[name], hashes[name] = _write_temp(folder, content)
        remember(folder, hashes)
        _replace_together(folder, temps)
    except OSError as err:
        where = folder / next(iter(files)) if len(files) == 1 else folder
        hint = "（文件是否正在 Word、WPS 或浏览器中打开？）" if isinstance(err, PermissionError) else ""
        raise OutputError(f"无法写入 {where}：{os_reason(err)}{hint}") from err
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
    return hashes


class OutputFolder:
    """A folder this tool writes into, held for the length of a run: a second run waits until this one ends.

    On entry, temporary files a killed run left are removed and the record of written files is read.
    """

    def __init__(self, folder: Path, overwrite: bool = False, on_wait: Callable[[], None] | None = None) -> None:
        self.folder = Path(folder)
        self.overwrite = overwrite
        self.on_wait = on_wait
        self._lock: FolderLock | None = None
        self.known: dict[str, list[str]] = {}

    def __enter__(self) -> OutputFolder:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._lock = FolderLock(self.folder, self.on_wait).__enter__()
        except OSError as err:
            raise OutputError(f"无法写入文件夹 {self.folder}：{os_reason(err)}") from err
        try:
            for stale in stale_temporaries(self.folder):
                stale.unlink(missing_ok=True)
            self.known = known_hashes(self.folder)
            compact(self.folder, self.known)
        except OSError as err:
            self.__exit__(None, None, None)
            raise OutputError(f"无法写入文件夹 {self.folder}：{os_reason(err)}") from err
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._lock is not None:
            self._lock.__exit__(kind, error, trace)
            self._lock = None

    def changed(self, names: Iterable[str]) -> list[Path]:
        """The files among `names` that exist with content this tool did not write there."""
        return [self.folder / n for n in names if not unchanged(self.folder / n, self.known, n)]

    def check(self, names: Iterable[str]) -> None:
        """OutputError naming the changed files, unless --overwrite was given."""
        changed = self.changed(names)
        if changed and not self.overwrite:
            raise OutputError(changed_message(changed))

    def write(self, files: Mapping[str, Content], check: bool = True) -> list[Path]:
        """Write `files` (name -> bytes, or pieces of bytes) together, after checking that none replaces a changed
        file (unless the caller checked them already, before a long run)."""
        if check:
            self.check(files)
        for name, digest in _write_group(self.folder, files).items():
            self.known.setdefault(name, []).append(digest)
        return [self.folder / name for name in files]

    def remove_unchanged(self, names: Iterable[str]) -> None:
        """Delete earlier outputs this tool wrote that nobody changed (a body that now fails keeps no stale report)."""
        for name in names:
            path = self.folder / name
            with contextlib.suppress(OSError):  # a file open in Word cannot go: it stays, the run goes on
                if path.is_file() and unchanged(path, self.known, name):
                    path.unlink()


def write_prepared(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write into a folder some other process of this run holds and has checked (the workers of a batch)."""
    _write_group(folder, files)
    return [folder / name for name in files]


def write_files(
    folder: Path, files: Mapping[str, bytes], overwrite: bool = False, on_wait: Callable[[], None] | None = None
) -> list[Path]:
    """Write `files` (name -> bytes) into `folder` together or not at all; a file changed since this tool wrote
    it is replaced only with `overwrite`."""
    with OutputFolder(folder, overwrite, on_wait) as output:
        return output.write(files)


def write_outputs(
    outdir: Path,
    stem: str,
    outputs: Mapping[str, bytes],
    overwrite: bool = False,
    on_wait: Callable[[], None] | None = None,
) -> list[Path]:
    """A report's files (suffix -> bytes, e.g. "docx", "html"), as <stem>.<suffix>, together or not at all."""
    files = {f"{stem}.{suffix}": content for suffix, content in outputs.items()}
    return write_files(outdir, files, overwrite, on_wait)


def write_file(path: Path, content: bytes, overwrite: bool = False) -> Path:
    """One file, with the same safeguards."""
    return write_files(path.parent, {path.name: content}, overwrite)[0]
