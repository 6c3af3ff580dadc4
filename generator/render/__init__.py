"""Rendering a validated year as Word, HTML and PDF reports through one strict, sandboxed Jinja environment."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from jinja2 import TemplateError as JinjaTemplateError

from generator.checks.findings import ValidationReport
from generator.exceptions import GenerateReportError, InvalidDataError, TemplateError
from generator.format.model import ReportData
from generator.jinja.errors import describe_template_error, running_template
from generator.jinja.limits import render_budget
from generator.jinja.sets import (
    DOCX_TEMPLATE,
    HTML_TEMPLATE,
    Signature,
    TemplateSet,
    builtin_templates_dir,
    find_template_set,
    load_template_set,
    set_for_body_kind,
)
from generator.render.filling.context import build_context
from generator.render.filling.docx import document_environment, render_docx
from generator.render.page.html import render_html, uses_word_body
from generator.render.template_checks.set_check import check_template_set
from generator.render.typography.pdf import docx_to_pdf

FORMATS = ("docx", "html", "pdf")
DEFAULT_FORMATS = ("docx", "html")  # pdf needs LibreOffice: only on request


def ensure_template_ok(template_set: TemplateSet, signature: Signature | None = None) -> None:
    """The check of `check-template`, before every render: a broken template writes nothing. The shipped sets
    are checked by the project's own tests, not again before each report. `signature`: the set's files, when the
    caller has listed them already."""
    if _is_shipped(template_set.folders):
        return
    blocking = _blocking_problems(template_set.folders, signature or template_set.signature())
    if blocking:
        raise TemplateError("\n".join(blocking))


@lru_cache(maxsize=16)
def _is_shipped(folders: tuple[Path, ...]) -> bool:
    return all(folder.resolve().parent == builtin_templates_dir() for folder in folders)


@lru_cache(maxsize=16)
def _blocking_problems(folders: tuple[Path, ...], signature: Signature) -> tuple[str, ...]:
    """Checked once per process for as long as the set's files are unchanged (`signature`)."""
    return tuple(p.describe() for p in check_template_set(load_template_set(folders[0]), advice=False) if p.blocking)


Produced = TypeVar("Produced")


def bounded(name: str, produce: Callable[[], Produced]) -> Produced:
    """A template's output, or one Chinese line naming it: whatever the template does with the data (a division
    by a figure that is 0, a loop beyond the budget) stops this report, never the program or a batch."""
    try:
        return produce()
    except GenerateReportError:
        raise
    except RecursionError as err:
        raise TemplateError(f"模板 {running_template(err, name)}：宏或循环递归过深，已停止") from err
    except (JinjaTemplateError, ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as err:
        raise TemplateError(describe_template_error(running_template(err, name), err)) from err


def choose_template(data: ReportData, template: str | TemplateSet | None) -> TemplateSet:
    """The named set; with no choice made, the shipped set for this kind of body (政府 / 部门)."""
    if isinstance(template, TemplateSet):
        return template
    return find_template_set(template or set_for_body_kind(data.meta.get("body_kind")))


def render(
    data: ReportData,
    report: ValidationReport,
    formats: Iterable[str] = DEFAULT_FORMATS,
    template: str | TemplateSet | None = None,
    force: bool = False,
) -> dict[str, bytes]:
    """Every requested format as finished bytes; nothing is written here, so a failure leaves no trace.

    Data that fails validation is never rendered unless `force` is set (the report then says so on its first
    line): InvalidDataError carries the report.
    """
    formats = list(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise GenerateReportError(f"不支持的输出格式“{'、'.join(unknown)}”（可选：{'、'.join(FORMATS)}）。")
    if not report.valid and not force:
        raise InvalidDataError(report)
    template_set = choose_template(data, template)
    signature = template_set.signature()  # the set's files, listed once for the check and the page
    ensure_template_ok(template_set, signature)
    context = build_context(data, report, template_set.standard_paragraphs)
    outputs: dict[str, bytes] = {}
    page_from_word = "html" in formats and uses_word_body(template_set, signature)
    with render_budget():  # one report's templates share one budget of time, loop passes and output
        word = None
        if "docx" in formats or "pdf" in formats or page_from_word:  # the PDF and the page come from Word
            docx_template = template_set.file(DOCX_TEMPLATE)
            word = bounded(DOCX_TEMPLATE, lambda: render_docx(docx_template, context, document_environment()))
            outputs["docx"] = word.zip()
        if "html" in formats:
            page_word = word.members if word is not None and page_from_word else None
            outputs["html"] = bounded(HTML_TEMPLATE, lambda: render_html(template_set, context, page_word, signature))
    if "pdf" in formats:
        outputs["pdf"] = docx_to_pdf(outputs["docx"])
    return {fmt: outputs[fmt] for fmt in formats}
