"""The HTML report: one standalone page (CSS inlined, no external requests) from a Jinja template."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Template
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import SecurityError

from generator.exceptions import TemplateError
from generator.jinja.environment import make_environment
from generator.jinja.errors import describe_template_error
from generator.jinja.sets import HTML_TEMPLATE, TemplateSet


@lru_cache(maxsize=16)
def _compiled(template_set: TemplateSet, signature: tuple[tuple[str, int], ...]) -> Template:
    """Compiled once per process for as long as the set's files are unchanged (`signature`)."""
    return make_environment(template_set.html_loader()).get_template(HTML_TEMPLATE)


def render_html(template_set: TemplateSet, context: dict[str, Any]) -> bytes:
    try:
        return _compiled(template_set, template_set.signature()).render(context).encode("utf-8")
    except (JinjaTemplateError, SecurityError) as err:
        raise TemplateError(describe_template_error(HTML_TEMPLATE, err)) from err
