"""The whole check of a template set, as check-template prints it and as every render runs it first."""

from __future__ import annotations

from generator.jinja.names import TemplateProblem
from generator.jinja.sets import DOCX_TEMPLATE, HTML_TEMPLATE, TemplateSet
from generator.render.filling.docx import document_environment, render_docx
from generator.render.page.html import render_html
from generator.render.page.sanitize import removed
from generator.render.template_checks.check import check_docx, check_html, check_manifest, probe_context
from generator.render.template_checks.safety import safety_problems
from generator.render.template_checks.word_check import page_problems, uncarried_problems
from generator.render.template_checks.word_safety import MACROS, active_content


def check_template_set(template_set: TemplateSet, advice: bool = True) -> list[TemplateProblem]:
    """Every problem of the set's HTML and Word templates (as found through the loader chain) and its manifest;
    then, unless `advice` is off (the check before a render wants only what blocks), what of the Word template
    will not reach the web page."""
    active = active_content(template_set.file(DOCX_TEMPLATE))
    word = check_docx(template_set.file(DOCX_TEMPLATE))
    if any(p.message.startswith(MACROS) for p in active):  # a renamed .docm: said once, as what it is
        word = [p for p in word if not p.message.startswith("不是有效的 Word")]
    problems = (
        check_html(template_set.file(HTML_TEMPLATE), template_set)
        + word
        + check_manifest(template_set)
        + safety_problems(template_set, probe_context())
        + active
    )
    if not any(p.blocking for p in problems):
        problems += sanitised_away(template_set)
    if not advice or any(p.blocking for p in problems):
        return problems  # the page cannot be made to compare it while the templates are broken
    return problems + uncarried_problems(template_set.file(DOCX_TEMPLATE)) + page_problems(template_set)


def sanitised_away(template_set: TemplateSet) -> list[TemplateProblem]:
    """What the sanitiser removes from a trial page (a blank year): each by the trial page's line. Blocking: a
    page that needs it cleaned is a template to fix, not one to publish silently trimmed."""
    context = probe_context()
    try:
        word = render_docx(template_set.file(DOCX_TEMPLATE), context, document_environment())
        page = render_html(template_set, context, list(word.members), sanitize=False).decode("utf-8")
    except Exception:  # noqa: BLE001 - a template that cannot render is what the other checks report
        return []
    return [
        TemplateProblem(HTML_TEMPLATE, f"试生成网页第 {line} 行", f"{what}不在报告网页允许的范围内，生成时会被删除")
        for line, what in dict.fromkeys(removed(page))
    ]
