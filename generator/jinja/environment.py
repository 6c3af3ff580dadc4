"""The one Jinja environment every template runs in: sandboxed, autoescaping, strict about undefined names, and
bounded in time and size (limits.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from itertools import islice
from types import SimpleNamespace
from typing import Any

from jinja2 import BaseLoader, StrictUndefined, nodes
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import Namespace

from generator.format.cells import XML_FORBIDDEN
from generator.format.filters import FILTERS
from generator.jinja.cache import bytecode_cache
from generator.jinja.limits import TEXT_LIMIT, BoundedIterable, RenderLimit, check_number, check_size, spend

CONCAT_BLOCK = 256
DICT_ATTRIBUTES = frozenset(dir(dict))
MISSING = object()
# A width or precision of seven digits or more in a format string ("%999999999s", "{:>999999999}").
HUGE_FORMAT_WIDTH = re.compile(r"%[^a-zA-Z%]*[0-9]{7,}|\{[^{}]*[0-9]{7,}[^{}]*\}")
# String methods and filters whose number argument is a width or a count of characters to make.
WIDTH_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs"})
BOUNDED_FILTERS = frozenset({"center", "indent", "wordwrap", "truncate", "batch", "slice", "format", "replace"})


def _check_format(text: object) -> None:
    if isinstance(text, str) and HUGE_FORMAT_WIDTH.search(text):
        raise RenderLimit(f"模板中的格式“{text[:40]}”宽度过大，已停止")


def _check_growth(size: int, what: str) -> None:
    """Refuse before building a text or list of `size` characters or items."""
    if size > TEXT_LIMIT:
        raise RenderLimit(f"模板中的{what}将超过 {TEXT_LIMIT:,} 个字符，已停止")


def _check_replace(text: object, old: object, new: object) -> None:
    """str.replace can multiply a text's size."""
    if isinstance(text, str) and isinstance(old, str) and isinstance(new, str) and len(new) > len(old):
        count = text.count(old) if old else len(text) + 1
        _check_growth(len(text) + count * (len(new) - len(old)), "替换结果")


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(function)  # keeps Jinja's pass_context / pass_eval_context marks
    def bounded(*args: Any, **kwargs: Any) -> Any:
        spend()
        values = [*args, *kwargs.values()]
        for value in values:
            check_number(value, f"过滤器 {name} 的参数")
            if name == "format":
                _check_format(value)
        texts = [v for v in values if isinstance(v, str)]
        if name == "replace" and len(texts) >= 3:
            _check_replace(*texts[-3:])
        return check_size(function(*args, **kwargs), f"过滤器 {name} 的结果")

    return bounded


class BoundedNamespace(Namespace):
    """`namespace()` whose attributes cannot grow without bound across a loop's passes."""

    def __setitem__(self, name: str, value: Any) -> None:
        super().__setitem__(name, check_size(value, "namespace 中的值"))


class BoundedSandbox(SandboxedEnvironment):
    """The sandbox, plus limits: every loop pass, call and operator counts against the rendering's budget, and
    no operator or method may build a text, list or number beyond what a report could hold."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        """The report's own data (namespaces of figures, metadata and narrative, dicts of table cells) is plain
        data: its names are looked up directly; everything else goes through the sandbox's checks."""
        kind = type(obj)
        if kind is SimpleNamespace:  # only data names are in its __dict__: "__class__" and the like are not
            found = obj.__dict__.get(attribute, MISSING)
            if found is not MISSING:
                return found
        elif kind is dict and attribute in obj and attribute not in DICT_ATTRIBUTES:
            return obj[attribute]  # what Jinja's lookup ends with anyway: a dict has no such attribute
        return super().getattr(obj, attribute)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        spend()
        if operator == "**" and isinstance(right, int) and not isinstance(left, bool) and abs(left) > 1:
            if right > 10_000:
                raise RenderLimit(f"模板中的乘方指数 {right} 过大，已停止")
        elif operator == "*":
            for count, other in ((left, right), (right, left)):
                if isinstance(count, int) and isinstance(other, str | list | tuple):
                    _check_growth(count * len(other), "乘法结果")
        elif operator == "%":
            _check_format(left)
        elif operator == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            _check_growth(len(left) + len(right), "加法结果")
        return check_size(super().call_binop(context, operator, left, right), "运算结果")

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        spend()
        for value in (*args, *kwargs.values()):
            check_size(value, "参数")
        name = getattr(__obj, "__name__", "")
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            if name in WIDTH_METHODS:
                for value in (*args, *kwargs.values()):
                    check_number(value, f"{name} 的宽度")
            elif name in ("format", "format_map"):
                _check_format(owner)
            elif name == "replace" and len(args) >= 2:
                _check_replace(owner, args[0], args[1])
        return check_size(super().call(__context, __obj, *args, **kwargs), "调用结果")

    def concat(self, chunks: Any) -> str:  # type: ignore[override]  # Jinja keeps "".join as a class attribute
        """Every output and every captured block is joined here, counted against the budget a block of pieces
        at a time (a loop that writes has its passes counted too)."""
        parts: list[str] = []
        pieces = iter(chunks)
        while block := list(islice(pieces, CONCAT_BLOCK)):
            parts += block
            spend(output=sum(map(len, block)))
        return "".join(parts)

    def bounded_iter(self, iterable: Any) -> BoundedIterable:
        return BoundedIterable(iterable)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Every {% for %} loops over environment.bounded_iter(…), so each pass is counted."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(nodes.EnvironmentAttribute("bounded_iter"), [loop.iter], [], None, None)
        return tree


def without_forbidden_characters(value: Any) -> Any:
    """Every printed value, before escaping: a character XML forbids never reaches a Word file (nor a page)."""
    if isinstance(value, str) and XML_FORBIDDEN.search(value):
        return type(value)(XML_FORBIDDEN.sub("", value))  # keeps Markup as Markup
    return value


def make_environment(
    loader: BaseLoader | None = None, autoescape: bool = True, xml_safe: bool = False
) -> SandboxedEnvironment:
    """Templates come from other offices and are untrusted: always sandboxed and strict about undefined names.

    Autoescape is on for every document template (HTML, Word XML); it is off only for plain-text output that a
    document escapes afterwards. `xml_safe` (Word files) takes characters XML forbids out of every printed value.
    """
    env = BoundedSandbox(
        loader=loader,
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache(f"autoescape={autoescape},xml_safe={xml_safe}"),
        finalize=without_forbidden_characters if xml_safe else None,
    )
    env.filters.update(FILTERS)
    for name in BOUNDED_FILTERS & set(env.filters):
        env.filters[name] = _bounded_filter(name, env.filters[name])
    env.globals["namespace"] = BoundedNamespace
    env.globals.pop("lipsum", None)  # paragraphs of filler on demand: nothing a report needs
    return env
