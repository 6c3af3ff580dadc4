"""The HTML report: one standalone page (CSS inlined, no external requests).

The page shell (report.html.j2: <head>, metadata, stylesheet, draft banner, skip links) places the body made
from the rendered Word document (`document.body`), so whatever the user changed in Word reaches the page. An
older set whose report.html.j2 writes the whole body itself is used as it is (check-template warns).
"""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from jinja2 import Template
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import SecurityError
from markupsafe import Markup

from generator.exceptions import TemplateError
from generator.jinja.environment import make_environment
from generator.jinja.errors import describe_template_error
from generator.jinja.names import used_variables
from generator.jinja.sets import HTML_TEMPLATE, Signature, TemplateSet
from generator.render.page.known_tables import STAND_IN, cut_known_tables
from generator.render.page.sanitize import clean_page
from generator.render.page.word_html import word_body_html
from generator.render.page.word_parts import DOCUMENT, WordParts
from generator.render.template_checks.check import html_sources

WORD_BODY = "document.body"


@lru_cache(maxsize=16)
def _compiled(template_set: TemplateSet, signature: Signature) -> Template:
    """Compiled once per process for as long as the set's files are unchanged (`signature`)."""
    return make_environment(template_set.html_loader()).get_template(HTML_TEMPLATE)


@lru_cache(maxsize=16)
def _uses_word_body(template_set: TemplateSet, signature: Signature) -> bool:
    sources, _ = html_sources(template_set.file(HTML_TEMPLATE), template_set)
    found = set()
    for source in sources.values():
        try:
            found |= used_variables(source)
        except JinjaTemplateError:
            continue  # the template check reports it
    return WORD_BODY in found


def uses_word_body(template_set: TemplateSet, signature: Signature | None = None) -> bool:
    """Whether the set's page is made from its Word template (every set made since the page shell exists).
    `signature`: the set's files as render() read them once for the whole report."""
    return _uses_word_body(template_set, signature or template_set.signature())


def render_html(
    template_set: TemplateSet,
    context: dict[str, Any],
    word: list[tuple[str, bytes]] | None = None,
    signature: Signature | None = None,
    sanitize: bool = True,
) -> bytes:
    """The page; `word` is the rendered Word report's members, from which the body is made. The page goes through
    the allowlist sanitiser (`sanitize` off only for check-template, to name what it would remove)."""
    tables: dict[str, tuple[str, str]] = {}
    if word is not None:
        banner = context["validation"].banner
        members = dict(word)
        document, tables = cut_known_tables(members[DOCUMENT])
        parts = WordParts({**members, DOCUMENT: document}, held(tables))
        body = word_body_html(parts, context["meta"].title, frozenset({banner} if banner else ()))
        context = {**context, "document": SimpleNamespace(body=Markup(body))}
    try:
        page = _compiled(template_set, signature or template_set.signature()).render(context)
    except (JinjaTemplateError, SecurityError) as err:
        raise TemplateError(describe_template_error(HTML_TEMPLATE, err)) from err
    return put_back(clean_page(page) if sanitize else page, tables).encode("utf-8")


def held(tables: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """Each official table as an empty stand-in the sanitiser keeps as it is. The tables' markup is the tool's own
    (word_tables.official_table_html: a fixed skeleton and escaped cell texts), so it is put back after the
    sanitiser has read what the template could shape: nine tenths of the page it need not read again."""
    return {name: (_stand_in(name), key) for name, (_, key) in tables.items()}


def put_back(page: str, tables: dict[str, tuple[str, str]]) -> str:
    for name, (html, _) in tables.items():
        page = page.replace(_stand_in(name), html, 1)
    return page


def _stand_in(name: str) -> str:
    return f'<div data-{STAND_IN}="{name}"></div>'  # name: a random token per report, never a template's text
