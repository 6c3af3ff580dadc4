"""Which names a template uses, and which of them a given context does not have (with a "did you mean").

The context is passed in: this module knows Jinja, not what the report templates are given.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from jinja2 import TemplateSyntaxError, nodes

from generator.jinja.environment import make_environment
from generator.jinja.errors import translate, unclosed_opening


@dataclass(frozen=True)
class TemplateProblem:
    """One problem in one template file; `blocking` problems stop rendering, the others are advice."""

    file: str
    where: str
    message: str
    blocking: bool = True

    def describe(self) -> str:
        place = f" {self.where}" if self.where else ""
        return f"模板 {self.file}{place}：{self.message}"


# What every report template is given besides the figures and metadata (checks.quotes), with what each holds:
# listed in the guide `new-template` writes; render.filling.context builds exactly these (tested).
CONTEXT_NAMES: dict[str, str] = {
    "title_lines": "标题分行（按词意回行，GB/T 9704 7.3.3），如 [“孟州市人民政府”, “2023年政府信息公开工作年度报告”]",
    "properties.subject": "Word 文件属性“主题”：标题去掉机关名称，如“2023年政府信息公开工作年度报告”",
    "properties.date": "Word 文件的创建和修改日期：发布日期，未填写时为报告年度次年1月1日",
    "headings.overview": "一级标题“一、总体情况”（headings.t2、t3、t4、problems、other 依次为二至六）",
    "overview": "总体情况五个小节的列表，每项有 heading（小标题）与 paragraphs（段落列表）",
    "tables.t3": "表格布局（网页模板用）：caption、head、body，每格有 tag、text、rowspan、colspan、scope",
    "validation.failed": "数据未通过校验时为真（仅在 --force 时出现）；validation.banner 为提示语",
    "placeholder": "未填写的部分显示的文字【本节未填写】",
    "document.body": "网页模板用：由 Word 模板 report.docx 生成的整篇正文（标题、各部分、三张统计表）",
}


def known_names(context: Mapping[str, Any]) -> list[str]:
    """Every dotted name a context offers, for suggestions ("did you mean")."""
    names: list[str] = []

    def walk(prefix: str, value: Any) -> None:
        names.append(prefix)
        if isinstance(value, SimpleNamespace):
            for attr, child in vars(value).items():
                walk(f"{prefix}.{attr}", child)

    for name, value in context.items():
        walk(name, value)
    return names


def _resolve(name: str, path: list[str], context: Mapping[str, Any]) -> str | None:
    """The first part of name.path that does not exist in the context, or None when all do."""
    value: Any = context[name]
    walked = name
    for part in path:
        walked = f"{walked}.{part}"
        if isinstance(value, SimpleNamespace):
            if not hasattr(value, part):
                return walked
            value = getattr(value, part)
        elif isinstance(value, dict) and value and all(isinstance(k, str) for k in value):
            if part not in value:
                return walked
            value = value[part]
        else:
            return None  # a list, a string or a number: methods and items are checked at render time
    return None


def _chains(node: nodes.Node) -> Iterator[tuple[str, list[str], int]]:
    """(name, attribute path, line) for every variable use, e.g. ("t3", ["granted", "total"], 12)."""
    if isinstance(node, nodes.Getattr | nodes.Getitem):
        parts: list[str] = []
        current: nodes.Node = node
        while isinstance(current, nodes.Getattr | nodes.Getitem):
            if isinstance(current, nodes.Getattr):
                parts.append(current.attr)
            elif isinstance(current.arg, nodes.Const) and isinstance(current.arg.value, str):
                parts.append(current.arg.value)
            else:
                yield from _chains(current.arg)
                parts.clear()  # a computed index: only the part before it can be checked
            current = current.node
        if isinstance(current, nodes.Name):
            yield current.name, parts[::-1], node.lineno
        else:
            yield from _chains(current)
        return
    if isinstance(node, nodes.Name) and node.ctx == "load":
        yield node.name, [], node.lineno
        return
    for child in node.iter_child_nodes():
        yield from _chains(child)


def _declared(tree: nodes.Template) -> set[str]:
    names = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    names |= {m.name for m in tree.find_all(nodes.Macro)}
    return names | {"loop", "caller", "varargs", "kwargs"}


def used_variables(source: str) -> set[str]:
    """Dotted names a Jinja source reads from the context (loop variables and macros left out)."""
    env = make_environment()
    tree = env.parse(source)
    declared = _declared(tree) | set(env.globals)
    return {".".join([name, *path]) for name, path, _ in _chains(tree) if name not in declared}


def check_source(
    source: str,
    file: str,
    context: Mapping[str, Any],
    locate: Callable[[str, int], str] | None = None,
) -> list[TemplateProblem]:
    """Syntax, unknown names and unsafe attributes of one Jinja source; names resolve against `context`.
    `locate(name, line)` names the place of a problem (default: the line)."""
    env = make_environment()
    where = locate or (lambda _name, line: f"第 {line} 行")
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as err:
        # An unclosed block is where it was opened, not at the end Jinja reached looking for its end tag.
        unclosed = (
            unclosed_opening(env, source) if (err.message or "").startswith("Unexpected end of template") else None
        )
        return [TemplateProblem(file, where("", unclosed or err.lineno), f"语法错误：{translate(err.message or '')}")]
    problems = []
    for attr in tree.find_all(nodes.Getattr):
        if attr.attr.startswith("_"):
            message = f"不允许访问属性“{attr.attr}”（模板在沙箱中运行）"
            problems.append(TemplateProblem(file, where(attr.attr, attr.lineno), message))
    declared = _declared(tree) | set(env.globals)
    seen = set()
    for name, path, line in _chains(tree):
        if name in declared:
            continue
        unknown = _resolve(name, path, context) if name in context else name
        if unknown and (unknown, line) not in seen:
            seen.add((unknown, line))
            full = ".".join([name, *path])
            close = difflib.get_close_matches(full, known_names(context), n=1, cutoff=0.8)
            hint = f"，是否应为“{close[0]}”？" if close else "（可用的名称见 generate-report schema 与模板说明）"
            problems.append(TemplateProblem(file, where(full, line), f"未知的变量“{full}”{hint}"))
    return problems
