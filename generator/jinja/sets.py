"""Template sets: a folder with report.docx, report.html.j2, style.css and manifest.toml.

A user's set may hold only the files it changes: every file is looked up in the set's folder first, then in
the shipped `default` set (a loader chain). Sets are found by the name of a shipped set, by folder path, or by
name in ./templates/. A set reads only its own files: a link to anywhere outside it is refused.
"""

from __future__ import annotations

import html
import os
import re
import tomllib
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, TemplateNotFound
from jinja2.loaders import split_template_path

from generator.exceptions import TemplateError, os_reason

HTML_TEMPLATE = "report.html.j2"
DOCX_TEMPLATE = "report.docx"
STYLE_SHEET = "style.css"
MANIFEST = "manifest.toml"
BASE_SET = "default"
# A set's files with their modification times: what is compiled or checked from a set is kept until it changes.
Signature = tuple[tuple[str, int], ...]


@cache
def builtin_templates_dir() -> Path:
    """The wheel carries templates/ as generator/templates; a source checkout keeps it at the top level."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "templates"
    return packaged if packaged.is_dir() else package.parent / "templates"


def shipped_sets() -> list[str]:
    """The sets installed with the tool (they do not change while it runs)."""
    return list(_shipped_sets())


@cache
def _shipped_sets() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in builtin_templates_dir().iterdir() if (p / MANIFEST).is_file()))


def _read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    if not inside(folder, path):
        raise TemplateError(outside_message(folder, path))
    return dict(_parse_manifest(path, path.stat().st_mtime_ns))


# The manifest entries a set may have, with the type each must be.
MANIFEST_TYPES: dict[str, type] = {
    "name": str,
    "display_name": str,
    "description": str,
    "body_kind": str,
    "standard_paragraphs": dict,
}
TYPE_WORDS: dict[type, str] = {str: "文字（用英文引号括起）", dict: '表（[standard_paragraphs] 下每行 键 = "文字"）'}


@lru_cache(maxsize=64)
def _parse_manifest(path: Path, mtime_ns: int) -> dict[str, Any]:
    """Parsed once per process while the file is unchanged: a batch renders many reports with one set."""
    text = read_template_text(path)
    try:
        manifest = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise TemplateError(f"模板清单 {path}：格式错误：{err}") from err
    for key, kind in MANIFEST_TYPES.items():
        if key in manifest and not isinstance(manifest[key], kind):
            raise TemplateError(f"模板清单 {path}：“{key}”应为{TYPE_WORDS[kind]}，实际为 {manifest[key]!r}。")
    for key, text in manifest.get("standard_paragraphs", {}).items():
        if not isinstance(text, str):
            raise TemplateError(
                f"模板清单 {path}：[standard_paragraphs] 中的“{key}”应为{TYPE_WORDS[str]}，实际为 {text!r}。"
            )
    return manifest


def read_template_text(path: Path) -> str:
    """A template file's text: UTF-8, a BOM (Windows Notepad adds one) dropped; any other encoding refused."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise TemplateError(f"无法读取模板文件 {path}：{os_reason(err)}") from err
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise TemplateError(f"模板文件不是 UTF-8 编码，请另存为 UTF-8：{path}") from err


class OutsideTemplateSet(TemplateNotFound):
    """A file of a set that is a link to somewhere outside the set: never read."""


def inside(folder: Path, path: Path) -> bool:
    """True when `path` (after following any links) lies within `folder`."""
    # os.path on strings: asked several times a report, pathlib's resolve() costs three times as much.
    real_folder, real_path = _real(folder), _real(path)
    if real_folder is None or real_path is None:
        return False
    return real_path == real_folder or real_path.startswith(os.path.join(real_folder, ""))


def _real(path: Path) -> str | None:
    """The path with every link followed; None for a link loop."""
    try:
        return os.path.realpath(path, strict=True)
    except FileNotFoundError:
        return os.path.realpath(path)  # a path that does not exist (yet) is where it says
    except (OSError, ValueError):  # a link loop, a name the system refuses
        return None


def outside_message(folder: Path, path: Path) -> str:
    return f"{path} 是指向模板集以外的链接（{os.path.realpath(path)}），已拒绝：模板集只能使用自己文件夹中的文件"


class SetLoader(FileSystemLoader):
    """A set's folders, where a file that is a link to outside its folder is never read, and files are UTF-8."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)
        for folder in self.searchpath:
            path = Path(folder, *pieces)
            if path.is_file():
                break
        else:
            raise TemplateNotFound(template)
        if not inside(Path(folder), path):
            raise OutsideTemplateSet(template, outside_message(Path(folder), path))
        text = read_template_text(path)
        mtime = path.stat().st_mtime_ns
        return text, str(path), lambda: path.is_file() and path.stat().st_mtime_ns == mtime


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
                if not inside(folder, folder / name):
                    raise TemplateError(outside_message(folder, folder / name))
                return folder / name
        raise TemplateError(f"模板集“{self.name}”（{self.folder}）及其后备模板中都没有文件 {name}。")

    def signature(self) -> Signature:
        """Every file of the set's folders with its modification time: compiled templates are reused until it changes."""
        found = []
        for folder in self.folders:
            with os.scandir(folder) as entries:  # one listing, each file's type and time from it: once per report
                found += [(e.path, e.stat().st_mtime_ns) for e in sorted(entries, key=lambda e: e.name) if e.is_file()]
        return tuple(found)

    def fixed_paragraphs(self) -> tuple[str, ...]:
        """The Word template's paragraphs of fixed text that quote values ("…统计期限为{{ meta.period }}。"): the
        words a report of this set prints whatever its data, as written in report.docx (read, not rendered)."""
        return _fixed_paragraphs(self.file(DOCX_TEMPLATE))

    def boilerplate(self) -> tuple[str, ...]:
        """Every text this set prints by itself: the Word template's fixed paragraphs and the standard paragraphs."""
        return self.fixed_paragraphs() + tuple(str(text) for text in self.standard_paragraphs.values())

    def html_loader(self) -> BaseLoader:
        """The set's folders in order; the shipped default is also reachable as "default/…" for {% extends %}."""
        base = builtin_templates_dir() / BASE_SET
        return ChoiceLoader(
            [
                SetLoader([str(f) for f in self.folders]),
                PrefixLoader({BASE_SET: FileSystemLoader(str(base))}),
            ]
        )


WORD_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.DOTALL)
WORD_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")


def _fixed_paragraphs(path: Path) -> tuple[str, ...]:
    try:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read("word/document.xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError, OSError, UnicodeDecodeError):
        return ()  # the template check reports a broken Word file
    texts = (html.unescape("".join(WORD_TEXT.findall(p))) for p in WORD_PARAGRAPH.findall(xml))
    return tuple(t for t in texts if "{{" in t and "{%" not in t and QUOTES_AND_SPACES.sub("", t))


QUOTES_AND_SPACES = re.compile(r"\{\{[^}]*\}\}|\s")


@cache
def shipped_boilerplate() -> tuple[str, ...]:
    """What the shipped sets print by themselves (a report generated by this tool carries it)."""
    return tuple(text for name in shipped_sets() for text in find_template_set(name).boilerplate())


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
    return _shipped_body_kinds().get(str(body_kind), BASE_SET)


@cache
def _shipped_body_kinds() -> dict[str, str]:
    """Each body kind a shipped set is for, with that set (read once: shipped sets do not change while it runs)."""
    kinds: dict[str, str] = {}
    for name in shipped_sets():
        kind = _read_manifest(builtin_templates_dir() / name).get("body_kind")
        if name != BASE_SET and kind is not None:
            kinds.setdefault(str(kind), name)
    return kinds


SET_FILES = (DOCX_TEMPLATE, HTML_TEMPLATE, STYLE_SHEET, MANIFEST)


@cache
def shipped_set(name: str) -> TemplateSet:
    return load_template_set(builtin_templates_dir() / name)


def template_set_at(folder: Path) -> TemplateSet:
    """The set in a folder someone named; a folder with none of a set's files (/, /etc) is not a set."""
    if not any((folder / f).is_file() for f in SET_FILES):
        raise TemplateError(f"文件夹 {folder} 不是模板集：其中没有 {'、'.join(SET_FILES)} 中的任何一个文件。")
    return load_template_set(folder)


def find_template_set(name: str | Path | None = None) -> TemplateSet:
    """The shipped set of that name (`default` when none is given): a folder that happens to be called `default`
    in the working folder never takes its place. Any other name is a folder: as given, else under ./templates/.
    """
    name = str(name or BASE_SET)
    if name in shipped_sets():
        return shipped_set(name)
    for candidate in (Path(name), Path("templates") / name):
        if candidate.is_dir():
            return template_set_at(candidate)
    available = "、".join(shipped_sets())
    raise TemplateError(f"找不到模板集“{name}”：既不是文件夹，也不是内置模板名（内置：{available}）。")
