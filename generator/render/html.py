"""The HTML report: one standalone page (CSS inlined, no external requests) from a Jinja template."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Template, TemplateSyntaxError, UndefinedError
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import SecurityError

from generator.exceptions import TemplateError
from generator.render.environment import make_environment
from generator.templates import HTML_TEMPLATE, TemplateSet


def describe_template_error(name: str, err: Exception) -> str:
    """One Chinese line naming the template and what went wrong in it."""
    if isinstance(err, TemplateSyntaxError):
        return f"模板 {name} 第 {err.lineno} 行：语法错误：{err.message}"
    if isinstance(err, UndefinedError):
        return f"模板 {name}：使用了未定义的变量（{err.message}）"
    if isinstance(err, SecurityError):
        return f"模板 {name}：试图访问不安全的属性，已拒绝（{err}）"
    return f"模板 {name}：渲染失败（{err}）"


@lru_cache(maxsize=16)
def _compiled(template_set: TemplateSet, signature: tuple[tuple[str, int], ...]) -> Template:
    """Compiled once per process for as long as the set's files are unchanged (`signature`)."""
    return make_environment(template_set.html_loader()).get_template(HTML_TEMPLATE)


def render_html(template_set: TemplateSet, context: dict[str, Any]) -> bytes:
    try:
        return _compiled(template_set, template_set.signature()).render(context).encode("utf-8")
    except (JinjaTemplateError, SecurityError) as err:
        raise TemplateError(describe_template_error(HTML_TEMPLATE, err)) from err
