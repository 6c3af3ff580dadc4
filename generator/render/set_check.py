"""The whole check of a template set, as check-template prints it and as every render runs it first."""

from __future__ import annotations

from generator.jinja.names import TemplateProblem
from generator.jinja.sets import DOCX_TEMPLATE, HTML_TEMPLATE, TemplateSet
from generator.render.check import check_docx, check_html, check_manifest, probe_context
from generator.render.safety import safety_problems
from generator.render.word_check import page_problems, uncarried_problems
from generator.render.word_safety import MACROS, active_content


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
    if not advice or any(p.blocking for p in problems):
        return problems  # the page cannot be made to compare it while the templates are broken
    return problems + uncarried_problems(template_set.file(DOCX_TEMPLATE)) + page_problems(template_set)
