"""One Chinese line for any error Jinja raises in a template: which template, where, what went wrong."""

from __future__ import annotations

import re

from jinja2 import TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError


def _undefined(message: str) -> str:
    """Name the missing thing: "'foo' is undefined" -> 变量 foo, "... has no attribute 'bar'" -> 属性 bar."""
    if match := re.search(r"has no attribute '([^']+)'", message):
        return f"属性 {match[1]}"
    match = re.search(r"^'([^']+)' is undefined", message)
    return f"变量 {match[1]}" if match else f"变量（{message}）"


def near(source: str, lineno: int | None) -> str:
    """The text around an error line with markup taken off (a Word paragraph starts a line of its source)."""
    lines = source.splitlines()
    index = (lineno or 0) - 1
    text = re.sub(r"<[^>]+>", "", lines[index]).strip() if 0 <= index < len(lines) else ""
    return f"，「{text[:60]}」" if text else ""


def describe_template_error(name: str, err: Exception, source: str = "") -> str:
    """`source` (the compiled text) lets a syntax error quote the paragraph it is in."""
    if isinstance(err, SecurityError):
        return f"模板 {name}：试图访问不安全的属性，已拒绝：{err}"
    if isinstance(err, UndefinedError):
        return f"模板 {name}：未定义的{_undefined(err.message or '')}"
    if isinstance(err, TemplateSyntaxError):
        where = f"第 {err.lineno} 行附近{near(source, err.lineno)}" if source else f"第 {err.lineno} 行"
        return f"模板 {name}：语法错误（{where}）：{err.message}"
    return f"模板 {name}：渲染出错：{err}"
