"""Writing reports atomically: every output is rendered first, then each lands by rename or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from generator.exceptions import OutputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: Path, content: bytes) -> None:
    """Write to a temporary file in the same folder, then rename over the target (never half a file)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise OutputError(f"无法写入文件夹 {path.parent}：{err.strerror or err}") from err
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is meant to be shared
        os.replace(temp, path)
    except OSError as err:
        Path(temp).unlink(missing_ok=True)
        raise OutputError(f"无法写入 {path}：{err.strerror or err}（文件是否正在 Word 或浏览器中打开？）") from err


def write_outputs(outdir: Path, stem: str, outputs: Mapping[str, bytes]) -> list[Path]:
    """`outputs` maps a suffix ("docx", "html") to the finished bytes."""
    written = []
    for suffix, content in outputs.items():
        path = outdir / f"{stem}.{suffix}"
        write_atomically(path, content)
        written.append(path)
    return written
