"""Rendering a validated year as Word and HTML reports through one strict, sandboxed Jinja environment."""

from __future__ import annotations

from collections.abc import Iterable

from generator.exceptions import GenerateReportError
from generator.findings import ValidationReport
from generator.model import ReportData
from generator.templates import DOCX_TEMPLATE, HTML_TEMPLATE, find_template_set

FORMATS = ("docx", "html")


def render(
    data: ReportData, report: ValidationReport, formats: Iterable[str] = FORMATS, template: str | None = None
) -> dict[str, bytes]:
    """Every requested format as finished bytes; nothing is written here, so a failure leaves no trace."""
    from generator.render.context import build_context

    template_set = find_template_set(template)
    context = build_context(data, report)
    outputs: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "html":
            from generator.render.html import render_html

            outputs["html"] = render_html(template_set.file(HTML_TEMPLATE), context)
        elif fmt == "docx":
            from generator.render.docx import render_docx
            from generator.render.environment import make_environment

            outputs["docx"] = render_docx(template_set.file(DOCX_TEMPLATE), context, make_environment())
        else:
            raise GenerateReportError(f"不支持的输出格式“{fmt}”（可选：{'、'.join(FORMATS)}）。")
    return outputs
