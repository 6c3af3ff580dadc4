"""Chinese for click's own text: usage errors, help headings and options, and the mistyped-command hint."""

from __future__ import annotations

import difflib
import errno
import gettext
import io
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from generator.cli.wrap import display_width, wrap_text
from generator.format.patterns import when_used

# click's own text in Chinese, through its extension points first: a Context whose formatter writes Chinese
# headings and usage lines (ZhContext), commands whose help option and section headings are Chinese (ZhCommand,
# ZhGroup), and usage errors rebuilt in Chinese from their attributes when ZhGroup.main() catches them.
# What remains is text click builds inside its types and parser ("'x' is not one of 'a', 'b'.", "Option '-o'
# requires an argument.", "[default: …]"); for that alone every click module's module-level `_`/`ngettext`
# (from gettext) is rebound to a lookup in the tables below, installed from ZhGroup.main(), never at import.
# Why not a gettext catalogue: gettext.translation() needs a compiled .mo file on disk plus a locale setting,
# and reaching click through gettext's process-wide default domain would change other libraries too. A msgid
# missing from the tables (renamed in some click release) stays English and never raises.


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
    "Positional arguments": "位置参数",
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


HELP_TEXT = "显示此帮助并退出。"
VERSION_HELP = "显示版本号并退出。"


# A docstring line that ends in Chinese continues without a space: click joins a paragraph's lines with one.
CHINESE_LINE_END = when_used(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\n(?=\S)")
PARAGRAPH_BREAK = re.compile(r"(\n\s*\n)")


def join_chinese_lines(text: str) -> str:
    """Join the lines of each paragraph that end in Chinese, except in click's keep-as-is blocks (a first line
    of "\\b"), whose lines are meant to stay one per line."""
    parts = PARAGRAPH_BREAK.split(text)
    return "".join(
        part if i % 2 or part.lstrip(" ").startswith("\b") else CHINESE_LINE_END().sub("", part)
        for i, part in enumerate(parts)
    )


class ZhHelpFormatter(click.HelpFormatter):
    """Headings end in a full-width colon; the usage line reads "用法：prog [选项] 命令 [参数]..."; text is
    wrapped by the columns a Chinese character takes (cli/wrap.py), as click wraps English by its letters."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(wrap_text(join_chinese_lines(text), self.width, indent, indent) + "\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        """click's definition list (options, commands), its second column wrapped by display width."""
        rows = list(rows)
        first_col = min(max((display_width(first) for first, _ in rows), default=0), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap_text(second, max(self.width - first_col - 2, 10)).splitlines() or [""]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)


class ZhContext(click.Context):
    formatter_class = ZhHelpFormatter


def _options_section(command: click.Command, ctx: click.Context, formatter: click.HelpFormatter) -> None:
    # Arguments are named on the usage line; click 8.5.1 gives each one a help record, which would list a bare
    # "DATA..." among the options.
    records = [
        record
        for param in command.get_params(ctx)
        if not isinstance(param, click.Argument) and (record := param.get_help_record(ctx))
    ]
    if records:
        with formatter.section("选项"):
            formatter.write_dl(records)


class ZhHelp(click.Command):
    """Chinese help pages: the 选项 heading and the help option's own text, for commands and the group."""

    context_class = ZhContext

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _options_section(self, ctx, formatter)


class ZhCommand(ZhHelp):
    """A command whose help page and messages are Chinese."""


def _param_name(param: click.Parameter | None) -> str:
    if param is None:
        return ""
    if isinstance(param, click.Option):
        return f"选项 {' / '.join(param.opts)}"
    return f"参数 {param.human_readable_name}"


def usage_message(error: click.UsageError) -> str:
    """The Chinese text of a usage error, built from its attributes where click exposes them."""
    if isinstance(error, click.exceptions.NoSuchOption):
        close = "".join(f"是否应为“{p}”？" for p in (error.possibilities or [])[:1])
        return f"没有名为“{error.option_name}”的选项。{close}"
    if isinstance(error, click.MissingParameter):
        return f"缺少{_param_name(error.param) or '参数'}。"
    if isinstance(error, click.BadParameter):
        hint = _param(str(error.param_hint)) if error.param_hint else _param_name(error.param)
        return f"{hint} 的值无效：{error.message}" if hint else f"值无效：{error.message}"
    return _error(error.format_message())


def show_usage_error(error: click.UsageError) -> None:
    """As click shows it (usage, where to get help, the error), in Chinese, on standard error."""
    ctx = error.ctx
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = f"可运行“{ctx.command_path} {ctx.help_option_names[0]}”查看帮助。\n"
        click.echo(f"{ctx.get_usage()}\n{hint}", err=True, color=ctx.color)
    click.echo(f"错误：{usage_message(error)}", err=True)


class ZhGroup(ZhHelp, click.Group):
    """The command group: Chinese help, full one-line command summaries, click's errors in Chinese."""

    command_class = ZhCommand

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _options_section(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command with its whole one-line summary: click would cut Chinese text by its width in letters."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("命令"):
                formatter.write_dl(rows)

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:  # type: ignore[override]
        install()
        run_click: Any = super().main  # typed by click as overloads on standalone_mode
        if not standalone_mode:
            return run_click(*args, standalone_mode=False, **kwargs)
        if sys.stdout is None:  # started with stdout closed (`>&-`): writing to it fails like any other output
            sys.stdout = ClosedOutput()
        if sys.stderr is None or not _writable(2):  # started with `2>&-`: the work is done, messages go nowhere
            sys.stderr = discarded_stderr()
        try:
            try:
                code = run_click(*args, standalone_mode=False, **kwargs)
            finally:
                sys.stdout.flush()  # a full disk shows here, not as an error Python prints at exit
        except click.UsageError as err:
            show_usage_error(err)
            sys.exit(err.exit_code)
        except click.ClickException as err:
            click.echo(f"错误：{err.format_message()}", err=True)
            sys.exit(err.exit_code)
        except click.Abort as err:
            if isinstance(err.__cause__, KeyboardInterrupt):
                click.echo("已中断（Ctrl-C）。", err=True)
                sys.exit(130)
            click.echo("已中止。", err=True)
            sys.exit(1)
        except EOFError:
            click.echo("已中止。", err=True)
            sys.exit(1)
        except OSError as err:  # stdout itself failed: a full disk, a closed stream
            output_failed(err)
        sys.exit(code if isinstance(code, int) else 0)


def _writable(fd: int) -> bool:
    """Whether descriptor `fd` is open for writing. A closed one may have been taken by a file opened before
    Python started (a launcher script that bash reads on descriptor 2), which only reads."""
    try:
        import fcntl
    except ImportError:  # Windows: a closed stream shows as None
        return True
    try:
        return fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR)
    except OSError:
        return False


def discarded_stderr() -> io.TextIOBase:
    """A standard error that swallows what is written, on descriptor 2 itself: left closed, the next file this
    process (or a LibreOffice it starts) opens would get descriptor 2, and messages would be written into it."""
    spare = os.open(os.devnull, os.O_WRONLY)
    if spare != 2:
        os.dup2(spare, 2)
        os.close(spare)
    return open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115 - standard error, open for the process


class ClosedOutput(io.TextIOBase):
    """Standard output when the process was started without one: every write fails as a closed stream does."""

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def writable(self) -> bool:
        return True


def output_failed(err: OSError) -> None:
    """Results that cannot be printed (`> /dev/full`, `>&-`): one line on stderr, exit 3, no traceback."""
    reason = {errno.ENOSPC: "磁盘空间已满", errno.EBADF: "标准输出已关闭"}.get(err.errno or 0, str(err.strerror or err))
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left for Python to flush at exit
    except (OSError, ValueError, io.UnsupportedOperation):
        sys.stdout = ClosedOutput()
    if sys.stderr is not None:
        try:
            sys.stderr.write(f"错误：无法输出结果：{reason}。\n")
            sys.stderr.flush()
        except OSError:
            pass
    sys.exit(3)


def install() -> None:
    """Translate what remains of click's messages in this process; safe to call more than once."""
    # Modules click imports lazily (progress bars, the editor, shell completion, the Windows console) are not
    # loaded yet and stay English; this tool shows none of their messages.
    for name, module in list(sys.modules.items()):
        if name == "click" or name.startswith("click."):
            namespace = vars(module)  # the module's globals, where its functions look `_` up
            if namespace.get("_") is _stdlib_gettext:
                namespace["_"] = _gettext
            if namespace.get("ngettext") is _stdlib_ngettext:
                namespace["ngettext"] = _ngettext


DATA_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt", ".xls", ".et")


def mistyped_command(word: str, commands: Iterable[str]) -> str | None:
    """The command `word` was probably meant to be, unless it names (or looks like) a data file."""
    if word.startswith("-") or word.lower().endswith(DATA_SUFFIXES) or Path(word).exists():
        return None
    close = difflib.get_close_matches(word, list(commands), n=1)
    return close[0] if close else None
