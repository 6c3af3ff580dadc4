"""Template sets: a folder with report.docx, report.html.j2, style.css and manifest.toml.

A user's set may hold only the files it changes: every file is looked up in the set's folder first, then in
the shipped `default` set (a loader chain). Sets are found by folder path, by name in ./templates/, or by the
name of a shipped set.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.exceptions import TemplateError

HTML_TEMPLATE = "report.html.j2"
DOCX_TEMPLATE = "report.docx"
STYLE_SHEET = "style.css"
MANIFEST = "manifest.toml"
BASE_SET = "default"


def builtin_templates_dir() -> Path:
    """The wheel carries templates/ as generator/templates; a source checkout keeps it at the top level."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "templates"


def shipped_sets() -> list[str]:
    return sorted(p.name for p in builtin_templates_dir().iterdir() if (p / MANIFEST).is_file())


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    return dict(_parse_manifest(path, path.stat().st_mtime_ns))


@lru_cache(maxsize=64)
def _parse_manifest(path: Path, mtime_ns: int) -> dict[str, Any]:
    """Parsed once per process while the file is unchanged: a batch renders many reports with one set."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise TemplateError(f"模板清单 {path}：格式错误：{err}") from err


@dataclass(frozen=True)
class TemplateSet:
    """A set's own folder followed by the folders it falls back to (the shipped default last)."""

    folders: tuple[Path, ...]
    manifest: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def folder(self) -> Path:
        return self.folders[0]

    @property
    def name(self) -> str:
        return str(self.manifest.get("name") or self.folder.name)

    @property
    def display_name(self) -> str:
        return str(self.manifest.get("display_name") or self.name)

    @property
    def standard_paragraphs(self) -> dict[str, str]:
        """Narrative used when the data gives none for a field: text that may quote figures by key."""
        return dict(self.manifest.get("standard_paragraphs", {}))

    def file(self, name: str) -> Path:
        for folder in self.folders:
            if (folder / name).is_file():
                return folder / name
        raise TemplateError(f"模板集“{self.name}”（{self.folder}）及其后备模板中都没有文件 {name}。")

    def signature(self) -> tuple[tuple[str, int], ...]:
        """Every file of the set's folders with its modification time: compiled templates are reused until it changes."""
        return tuple(
            (str(path), path.stat().st_mtime_ns)
            for folder in self.folders
            for path in sorted(folder.iterdir())
            if path.is_file()
        )

    def html_loader(self) -> Any:
        """The set's folders in order; the shipped default is also reachable as "default/…" for {% extends %}."""
        from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

        base = builtin_templates_dir() / BASE_SET
        return ChoiceLoader(
            [
                FileSystemLoader([str(f) for f in self.folders]),
                PrefixLoader({BASE_SET: FileSystemLoader(str(base))}),
            ]
        )


def load_template_set(folder: Path) -> TemplateSet:
    own = _read_manifest(folder)
    base_folder = builtin_templates_dir() / BASE_SET
    if folder.resolve() == base_folder.resolve():
        return TemplateSet((folder,), {"name": BASE_SET, **own})
    base = _read_manifest(base_folder)
    # The shipped manifest's entries apply unless the set overrides them; standard paragraphs one by one.
    paragraphs = {**base.get("standard_paragraphs", {}), **own.get("standard_paragraphs", {})}
    manifest = {**base, "name": folder.name, "display_name": folder.name, **own, "standard_paragraphs": paragraphs}
    return TemplateSet((folder, base_folder), manifest)


def set_for_body_kind(body_kind: object) -> str:
    """The shipped set whose manifest is for this kind of body (a department gets `department`), else default."""
    for name in shipped_sets():
        if name != BASE_SET and _read_manifest(builtin_templates_dir() / name).get("body_kind") == body_kind:
            return name
    return BASE_SET


def find_template_set(name: str | Path | None = None) -> TemplateSet:
    """By folder path, by name under ./templates/, or by the name of a shipped set; `default` when none is given."""
    name = str(name or BASE_SET)
    for candidate in (Path(name), Path("templates") / name, builtin_templates_dir() / name):
        if candidate.is_dir():
            return load_template_set(candidate)
    available = "、".join(shipped_sets())
    raise TemplateError(f"找不到模板集“{name}”：既不是文件夹，也不是内置模板名（内置：{available}）。")
