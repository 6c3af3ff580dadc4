"""Which files an audit reads: report files given as files, folders (searched recursively) or glob patterns."""

from __future__ import annotations

import glob
from collections.abc import Iterable, Sequence
from pathlib import Path

from generator.audit.record import FILE_TYPES
from generator.exceptions import InputError


def skipped(path: Path) -> bool:
    """Files no one means as a report: Office lock files (~$…), macOS resource forks (._…), hidden files."""
    return path.name.startswith(("~$", "."))


def _inside(path: Path, folders: Sequence[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved.is_relative_to(folder) for folder in folders)


def find_reports(inputs: Iterable[str], exclude: Sequence[Path] = ()) -> list[Path]:
    """Files as given; folders searched for every type the audit reads (PDF, Word, web pages, text, this tool's
    .xlsx/.csv); glob patterns expanded. Hidden files and folders, lock files and anything inside `exclude` (the
    audit's own output folder) are left out of folders and patterns."""
    excluded = [folder.resolve() for folder in exclude]
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in FILE_TYPES
                and p.is_file()
                and not skipped(p)
                and not any(part.startswith(".") for part in p.relative_to(path).parent.parts)
                and not _inside(p, excluded)
            )
        elif any(ch in item for ch in "*?["):
            matches = sorted(Path(p) for p in glob.glob(item, recursive=True))
            if not matches:
                raise InputError(f"没有文件与“{item}”匹配。")
            found += [p for p in matches if p.is_file() and not skipped(p) and not _inside(p, excluded)]
        else:
            found.append(path)  # a missing file is reported with the others that cannot be read
    return list({p.resolve(): p for p in found}.values())
