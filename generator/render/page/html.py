"""The HTML report: one standalone page (CSS inlined, no external requests).

The page shell (report.html.j2: <head>, metadata, stylesheet, draft banner, skip links) places the body made
from the rendered Word document (`document.body`), so whatever the user changed in Word reaches the page. An
older set whose report.html.j2 writes the whole body itself is used as it is (check-template warns).
"""

from __future__ import annotations

import secrets
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
from generator.render.page.known_blocks import cut_known_tables
from generator.render.page.sanitize import clean_page
from generator.render.page.word_html import word_body_html
from generator.render.page.word_parts import DOCUMENT, WordParts
from generator.render.template_checks.check import html_sources

WORD_BODY = "document.body"
BODY_STAND_IN = "generate-report-body"  # the attribute of the body's stand-in on the page


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
    the allowlist sanitiser (`sanitize` off only for check-template, to name what it would remove), all but the
    body made from Word, which is held out of it and put back (see `with_body`)."""
    body = stand_in = ""
    if word is not None:
        banner = context["validation"].banner
        members = dict(word)
        document, tables = cut_known_tables(members[DOCUMENT])
        parts = WordParts({**members, DOCUMENT: document}, tables)
        body = word_body_html(parts, context["meta"].title, frozenset({banner} if banner else ()))
        stand_in = f'<div data-{BODY_STAND_IN}="{secrets.token_hex(8)}"></div>'  # a token no template can hold
        context = {**context, "document": SimpleNamespace(body=Markup(stand_in))}
    try:
        page = _compiled(template_set, signature or template_set.signature()).render(context)
    except (JinjaTemplateError, SecurityError) as err:
        raise TemplateError(describe_template_error(HTML_TEMPLATE, err)) from err
    return with_body(clean_page(page) if sanitize else page, stand_in, body).encode("utf-8")


def with_body(page: str, stand_in: str, body: str) -> str:
    """The page with the body made from Word in place of its stand-in. That body's markup is the tool's own
    (word_blocks, word_inline, word_tables: a fixed set of elements, every text and attribute escaped, links
    only http(s) and mailto, pictures only data: images), so the sanitiser reads only what the page template
    shapes; a stand-in the template put where no element can be (an attribute, a title) is not found as written
    after the sanitiser, and the body is then left out."""
    return page.replace(stand_in, body, 1) if stand_in else page
