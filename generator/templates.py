"""Finding template sets: the shipped ones (inside the installed package or the source tree's templates/)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.exceptions import TemplateError

HTML_TEMPLATE = "report.html.j2"
DOCX_TEMPLATE = "report.docx"


def builtin_templates_dir() -> Path:
    """The wheel carries templates/ as generator/templates; a source checkout keeps it at the top level."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "templates"


@dataclass(frozen=True)
class TemplateSet:
    """A folder holding report.html.j2 (+ style.css) and report.docx."""

    folder: Path

    @property
    def name(self) -> str:
        return self.folder.name

    def file(self, name: str) -> Path:
        path = self.folder / name
        if not path.is_file():
            raise TemplateError(f"模板集“{self.name}”（{self.folder}）中缺少文件 {name}。")
        return path


def find_template_set(name: str | None = None) -> TemplateSet:
    """By folder path, or by the name of a shipped set; `default` when none is given."""
    name = name or "default"
    candidate = Path(name)
    if candidate.is_dir():
        return TemplateSet(candidate)
    shipped = builtin_templates_dir() / name
    if shipped.is_dir():
        return TemplateSet(shipped)
    raise TemplateError(f"找不到模板集“{name}”：既不是文件夹，也不是内置模板名。")
