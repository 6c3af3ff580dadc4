"""Chinese for click's own text: usage errors, help headings and options, and the mistyped-command hint."""

from __future__ import annotations

import difflib
import gettext
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

# How: every click module does `from gettext import gettext as _` (some also `ngettext`) and looks the name up
# each time it builds a message, so install() rebinds those module globals to a lookup in the tables below.
# Why this and not a gettext catalogue: gettext.translation() needs a compiled .mo file on disk plus a locale or
# LANGUAGE setting, and an in-memory GNUTranslations can only reach click through gettext's private cache or by
# changing the process-wide default domain that other libraries share. Rebinding touches click's modules only and
# behaves the same on click 8.1 to 8.5: an msgid missing from the tables (renamed in some release) falls through to
# the stdlib function, i.e. stays English and never raises; a binding that is no longer the stdlib function (a
# click with its own catalogue) is left alone. Tables are keyed by msgid, so both old and new spellings are listed.
# Some of click's text is built outside gettext ('a', 'b' lists, "Missing argument 'DATA'." joined with an
# f-string, the ":" after headings), so a template may convert its arguments (_Zh) and ZhHelpFormatter writes
# the headings and the usage line.


class _Zh(str):
    """A translated template whose .format() first rewrites some of click's arguments (e.g. "'a', 'b'" -> a、b)."""

    converters: dict[str, Callable[[str], str]]

    def __new__(cls, text: str, **converters: Callable[[str], str]) -> _Zh:
        template = super().__new__(cls, text)
        template.converters = converters
        return template

    def format(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
        for key, convert in self.converters.items():
            if isinstance(kwargs.get(key), str):
                kwargs[key] = convert(kwargs[key])
        return str(self).format(*args, **kwargs)


_QUOTED_LIST = re.compile(r"'[^'\\]*'(?:(?:, | / )'[^'\\]*')*")
_PLAIN_LIST = re.compile(r"[^\s'\",/]+(?:(?:, | / )[^\s'\",/]+)*")


def _names(text: str) -> list[str] | None:
    """Names from "'-o' / '--output'", "'text', 'json'" or "--a, --b" (click 8.1); None for anything else."""
    if _QUOTED_LIST.fullmatch(text):
        return re.findall(r"'([^'\\]*)'", text)
    if _PLAIN_LIST.fullmatch(text):
        return re.split(r", | / ", text)
    return None


def _listing(text: str) -> str:
    names = _names(text)
    return text if names is None else "、".join(names)


def _quoted_listing(text: str) -> str:
    names = _names(text)
    return text if names is None else "、".join(f"“{name}”" for name in names)


def _hint(text: str) -> str:
    """A parameter as click names it in errors: "'-o' / '--output'" -> "-o / --output"."""
    envvar = re.fullmatch(r"(.+) \(env var: (.+)\)", text)
    if envvar:
        return f"{_hint(envvar[1])}（环境变量 {_listing(envvar[2])}）"
    names = _names(text)
    return text if names is None else " / ".join(names)


def _param(text: str) -> str:
    """The parameter in "Invalid value for …": "'-o' / '--output'" -> "选项 -o / --output", "'DATA'" -> "参数 DATA"."""
    hint = _hint(text)
    if hint == text and _names(text) is None:
        return text
    return f"{'选项' if hint.startswith('-') else '参数'} {hint}"


def _kind(text: str) -> str:
    # click.Path names itself _("file") etc. when constructed, often before install() runs, and the same name is
    # the metavar in help (FILE, DIRECTORY beside TEXT); so those msgids stay English and are translated here.
    return {"File": "文件", "Directory": "文件夹", "Path": "路径"}.get(text, text)


def _number(text: str) -> str:
    return {"integer": "整数", "integer range": "整数", "float": "数字", "float range": "数字"}.get(text, text)


def _param_type(text: str) -> str:
    return {"option": "选项", "argument": "参数", "parameter": "参数"}.get(text, text)


# "Missing argument 'DATA'. extra" is joined by click with an f-string after "Missing argument" was translated.
_MISSING = re.compile(r"(缺少\S+?)(?: (.+?))?\.(?: (.*))?", re.DOTALL)


def _error(message: str) -> str:
    """The text after "错误：": fix the Missing… sentence, and drop the space click puts after a sentence."""
    missing = _MISSING.fullmatch(message) if message.startswith("缺少") else None
    if missing:
        what, hint, rest = missing.groups()
        message = f"{what} {_hint(hint)}。{rest or ''}" if hint else f"{what}。{rest or ''}"
    return message.replace("。 ", "。")


_MESSAGES: dict[str, str] = {
    # help pages
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "位置参数",
    "Show this message and exit.": "显示此帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "required": "必填",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "(Deprecated) {text}": "（已弃用）{text}",
    "DeprecationWarning: The command {name!r} is deprecated.": "警告：命令“{name}”已弃用。",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": "警告：命令“{name}”已弃用。{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}": _Zh(
        "警告：{param_type}“{name}”已弃用。{extra_message}", param_type=_param_type
    ),
    # usage errors
    "Error: {message}": _Zh("错误：{message}", message=_error),
    "Try '{command} {option}' for help.": "可运行“{command} {option}”查看帮助。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": _Zh("缺少{param_type}", param_type=_param_type),
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such option: {name}": "没有名为“{name}”的选项。",
    "No such option {name!r}.": "没有名为“{name}”的选项。",
    "No such command {name!r}.": "没有名为“{name}”的命令。",
    "Invalid value for {param_hint}: {message}": _Zh("{param_hint} 的值无效：{message}", param_hint=_param),
    "Invalid value: {message}": "值无效：{message}",
    "Option {name!r} does not take a value.": "选项 {name} 不接受值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name} 需要 {nargs} 个值。",
    "Value must be an iterable.": "值必须是一组值。",
    "Aborted!": "已中止。",
    # parameter types
    "{value!r} is not a valid {number_type}.": _Zh("“{value}” 不是有效的{number_type}。", number_type=_number),
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean.": "“{value}” 不是有效的布尔值。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "“{value}” 不是有效的布尔值。可用的值：{states}",
    "{value!r} is not a valid UUID.": "“{value}” 不是有效的 UUID。",
    "Choose from:\n\t{choices}": "可选值：\n\t{choices}",
    "{name} {filename!r} does not exist.": _Zh("{name}“{filename}”不存在。", name=_kind),
    "{name} {filename!r} is a file.": _Zh("“{filename}”是文件，不是{name}。", name=_kind),
    "{name} {filename!r} is a directory.": _Zh("“{filename}”是文件夹，不是{name}。", name=_kind),
    "{name} {filename!r} is not readable.": _Zh("{name}“{filename}”没有读取权限。", name=_kind),
    "{name} {filename!r} is not writable.": _Zh("{name}“{filename}”没有写入权限。", name=_kind),
    "{name} {filename!r} is not executable.": _Zh("{name}“{filename}”没有执行权限。", name=_kind),
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "unknown error": "未知错误",
    # prompts
    "Repeat for confirmation": "请再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入的值不一致。",
    "Error: invalid input": "错误：输入无效",
    "Error: The value you entered was invalid.": "错误：输入的值无效。",
    "Error: {e.message}": "错误：{e.message}",
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "直接确认，不再询问。",
    "Press any key to continue...": "按任意键继续……",
}

_PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        _Zh("是否应为{possibility}？", possibility=_quoted_listing),
        _Zh("是否应为以下之一：{possibilities}？", possibilities=_quoted_listing),
    ),
    ("Did you mean {possibility}?", "(Possible options: {possibilities})"): (
        _Zh("是否应为{possibility}？", possibility=_quoted_listing),
        _Zh("是否应为以下之一：{possibilities}？", possibilities=_quoted_listing),
    ),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "多余的参数：{args}",
        "多余的参数：{args}",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "选项 {name} 需要一个值。",
        "选项 {name} 需要 {nargs} 个值。",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "需要 {nargs} 个值，但只给了 1 个。",
        "需要 {nargs} 个值，但给了 {len} 个。",
    ),
    (
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ): ("需要 {len_type} 个值，但给了 {len_value} 个。", "需要 {len_type} 个值，但给了 {len_value} 个。"),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        _Zh("“{value}” 不是可选值：{choice}。", choice=_listing),
        _Zh("“{value}” 不是可选值之一：{choices}。", choices=_listing),
    ),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."): (
        _Zh("“{value}” 不符合格式 {format}。", format=_listing),
        _Zh("“{value}” 不符合以下任一格式：{formats}。", formats=_listing),
    ),
}

_stdlib_gettext = gettext.gettext
_stdlib_ngettext = gettext.ngettext


def _gettext(message: str) -> str:
    return _MESSAGES.get(message) or _stdlib_gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    forms = _PLURALS.get((singular, plural))
    if forms is None:
        return _stdlib_ngettext(singular, plural, n)
    return forms[0] if n == 1 else forms[1]


class ZhHelpFormatter(click.HelpFormatter):
    """Headings end in a full-width colon; the usage line reads "用法：prog [选项] 命令 [参数]..."."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)


def install() -> None:
    """Translate click's messages in this process; safe to call more than once."""
    # Modules click imports lazily (progress bars, the editor, shell completion, the Windows console) are not
    # loaded yet and stay English; this tool shows none of their messages.
    for name, module in list(sys.modules.items()):
        if name == "click" or name.startswith("click."):
            namespace = vars(module)  # the module's globals, where its functions look `_` up
            if namespace.get("_") is _stdlib_gettext:
                namespace["_"] = _gettext
            if namespace.get("ngettext") is _stdlib_ngettext:
                namespace["ngettext"] = _ngettext
    # Context.formatter_class is click's documented hook (8.0+) for the help and usage formatter.
    if click.Context.formatter_class is click.HelpFormatter:
        click.Context.formatter_class = ZhHelpFormatter


DATA_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt", ".xls", ".et")


def mistyped_command(word: str, commands: Iterable[str]) -> str | None:
    """The command `word` was probably meant to be, unless it names (or looks like) a data file."""
    if word.startswith("-") or word.lower().endswith(DATA_SUFFIXES) or Path(word).exists():
        return None
    close = difflib.get_close_matches(word, list(commands), n=1)
    return close[0] if close else None
