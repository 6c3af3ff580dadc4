"""Rendering a validated year as Word and HTML reports through one strict, sandboxed Jinja environment."""

from __future__ import annotations

from collections.abc import Iterable

from generator.exceptions import GenerateReportError, TemplateError
from generator.findings import ValidationReport
from generator.model import ReportData
from generator.templates import DOCX_TEMPLATE, TemplateSet, find_template_set

FORMATS = ("docx", "html")


def ensure_template_ok(template_set: TemplateSet) -> None:
    """The check of `check-template`, before every render: a broken template writes nothing."""
    from generator.render.check import check_template_set

    blocking = [p.describe() for p in check_template_set(template_set) if p.blocking]
    if blocking:
        raise TemplateError("\n".join(blocking))


def render(
    data: ReportData,
    report: ValidationReport,
    formats: Iterable[str] = FORMATS,
    template: str | TemplateSet | None = None,
) -> dict[str, bytes]:
    """Every requested format as finished bytes; nothing is written here, so a failure leaves no trace."""
    from generator.render.context import build_context

    formats = list(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise GenerateReportError(f"不支持的输出格式“{'、'.join(unknown)}”（可选：{'、'.join(FORMATS)}）。")
    template_set = template if isinstance(template, TemplateSet) else find_template_set(template)
    ensure_template_ok(template_set)
    context = build_context(data, report, template_set.standard_paragraphs)
    outputs: dict[str, bytes] = {}
    if "html" in formats:
        from generator.render.html import render_html

        outputs["html"] = render_html(template_set, context)
    if "docx" in formats:
        from generator.render.docx import render_docx
        from generator.render.environment import make_environment

        outputs["docx"] = render_docx(template_set.file(DOCX_TEMPLATE), context, make_environment())
    return {fmt: outputs[fmt] for fmt in formats}
