"""Rendering the Word report: a docxtpl template filled through the one sandboxed Jinja environment."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateSyntaxError, UndefinedError
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.exceptions import SecurityError

from generator.exceptions import TemplateError


def _undefined(message: str) -> str:
    """Name the missing thing: "'foo' is undefined" -> 变量 foo, "... has no attribute 'bar'" -> 属性 bar."""
    if match := re.search(r"has no attribute '([^']+)'", message):
        return f"属性 {match[1]}"
    match = re.search(r"^'([^']+)' is undefined", message)
    return f"变量 {match[1]}" if match else f"变量（{message}）"


def _near(err: TemplateSyntaxError) -> str:
    """The text of the Word paragraph holding the error (docxtpl puts each paragraph on its own line)."""
    lines = list(getattr(err, "docx_context", None) or ())
    index = (err.lineno or 0) - 1 - max((err.lineno or 0) - 4, 0)
    text = lines[index].strip() if 0 <= index < len(lines) else ""
    return f"，「{text[:60]}」" if text else ""


def render_docx(template_path: Path, context: dict[str, Any], env: Environment) -> bytes:
    """Fill the Word template with `context`; any template problem becomes a one-line TemplateError."""
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate
    from lxml.etree import XMLSyntaxError

    name = Path(template_path).name
    if not Path(template_path).is_file():
        raise TemplateError(f"找不到模板文件：{template_path}")
    try:
        tpl = DocxTemplate(str(template_path))
        tpl.render(context, jinja_env=env, autoescape=True)
        out = BytesIO()
        tpl.save(out)
    except SecurityError as err:
        raise TemplateError(f"模板 {name}：模板试图访问不安全的属性，已拒绝：{err.message}") from err
    except UndefinedError as err:
        raise TemplateError(f"模板 {name}：未定义的{_undefined(err.message or '')}") from err
    except TemplateSyntaxError as err:
        raise TemplateError(f"模板 {name}：语法错误（第 {err.lineno} 行附近{_near(err)}）：{err.message}") from err
    except (JinjaTemplateError, TypeError, ValueError, ArithmeticError) as err:  # e.g. {{ 1/0 }}, {{ meta.body() }}
        raise TemplateError(f"模板 {name}：渲染出错：{err}") from err
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError) as err:
        raise TemplateError(f"模板 {name}：不是有效的 Word（.docx）文件：{err}") from err
    except XMLSyntaxError as err:
        raise TemplateError(f"模板 {name}：渲染结果不是有效的 Word 文档（模板中的标签破坏了文档结构）：{err}") from err
    return out.getvalue()
