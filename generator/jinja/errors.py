"""One Chinese line for any error Jinja raises in a template: which template, where, what went wrong — in Chinese,
Jinja's and Python's own wording translated ("Encountered unknown tag '未完'." -> 未知的标签「未完」)."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError

# Jinja names the tokens it expected by description; a template author knows them by their marks.
TOKENS = {
    "end of print statement": "}}",
    "end of statement block": "%}",
    "end of template": "模板结尾",
    "name": "名称",
    "begin of print statement": "{{",
    "begin of statement block": "{%",
}


def _token(text: str) -> str:
    return TOKENS.get(text, text)


def _needs_closing(message: str) -> str:
    match = re.search(r"The innermost block that needs to be closed is '([^']+)'", message)
    return f"（「{match[1]}」块还没有用 {{% end{match[1]} %}} 结束）" if match else ""


# (pattern of Jinja's or Python's message, Chinese); groups are quoted as they were found.
WORDING: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), chinese)
    for pattern, chinese in (
        (r"^Encountered unknown tag '([^']+)'\.(.*)", "未知的标签「{0}」{closing}"),
        (r"^Unexpected end of template\.(.*)", "模板意外结束{closing}"),
        (r"^unexpected end of template, expected '([^']+)'\.?", "模板意外结束：缺少「{t0}」"),
        (r"^expected token '([^']+)', got '([^']+)'", "此处应为「{t0}」，实际为「{t1}」"),
        (r"^Expected an expression, got '([^']+)'", "此处缺少表达式（遇到了「{t0}」）"),
        (r"^unexpected '([^']+)', expected '([^']+)'", "意外的「{t0}」，此处应为「{t1}」"),
        (r"^unexpected '([^']+)'", "意外的「{t0}」"),
        (r"^unexpected char '(.+)' at \d+", "无法识别的字符「{0}」"),
        (r"^Missing end of comment tag", "注释缺少结尾的「#}}」"),
        (r"^tag name expected", "{{% %}} 中缺少标签名"),
        (r"^No filter named '([^']+)'\.?", "没有名为「{0}」的过滤器"),
        (r"^No test named '([^']+)'\.?", "没有名为「{0}」的测试"),
        (r"^block '([^']+)' defined twice", "块「{0}」定义了两次"),
        (r"^access to attribute '([^']+)' of '([^']+)' object is unsafe\.?", "不允许访问属性「{0}」"),
        (r"^(.+) is not safely callable", "不允许调用 {0}"),
        (r"^integer division or modulo by zero|^division by zero|.*divi.* by zero", "除数为 0"),
        (r"^'([^']+)' object is not iterable", "「{0}」类型的值不能用于循环"),
        (r"^'([^']+)' object is not callable", "「{0}」类型的值不能调用"),
        (r"^can only concatenate str \(not \"([^\"]+)\"\) to str", "文字不能与「{0}」类型的值相加"),
        (r"^unsupported operand type\(s\) for (\S+): '([^']+)' and '([^']+)'", "「{1}」与「{2}」不能做 {0} 运算"),
        (r"^(\w+)\(\) takes .* but (\d+) were given", "{0} 的参数个数不对"),
        (r"^maximum recursion depth exceeded.*", "宏或循环递归过深"),
    )
)


# Tags that open a block closed by end<tag>; `set` does too when it assigns nothing ({% set x %}…{% endset %}).
BLOCK_OPENERS = frozenset({"if", "for", "block", "macro", "call", "filter", "with", "autoescape", "trans", "set"})


def unclosed_opening(env: Environment, source: str) -> int | None:
    """The line where the innermost block still open at the end of `source` was opened: Jinja reports an
    unclosed {% if %} at the template's last line, which says nothing about where it is."""
    try:
        tokens = [(line, kind, value) for line, kind, value in env.lex(source) if kind != "whitespace"]
    except TemplateSyntaxError:
        return None
    opened: list[tuple[str, int]] = []
    for i, (line, kind, value) in enumerate(tokens[:-1]):
        if kind != "block_begin" or tokens[i + 1][1] != "name":
            continue
        word = tokens[i + 1][2]
        statement = []
        for token in tokens[i + 2 :]:
            if token[1] == "block_end":
                break
            statement.append(token)
        if word == "set" and any(kind == "operator" and value == "=" for _, kind, value in statement):
            continue
        if word in BLOCK_OPENERS:
            opened.append((word, line))
        elif word.startswith("end") and opened and opened[-1][0] == word[3:]:
            opened.pop()
    return opened[-1][1] if opened else None


def translate(message: str) -> str:
    """A message of Jinja or Python in Chinese; one not in the table is kept as it is."""
    message = message.strip()
    for pattern, chinese in WORDING:
        match = pattern.match(message)
        if match:
            groups = match.groups()
            tokens = {f"t{i}": _token(g) for i, g in enumerate(groups)}
            return chinese.format(*groups, closing=_needs_closing(message), **tokens)
    return message


def _undefined(message: str) -> str:
    """Name the missing thing: "'foo' is undefined" -> 变量 foo, "... has no attribute 'bar'" -> 属性 bar."""
    if match := re.search(r"has no attribute '([^']+)'", message):
        return f"属性 {match[1]}"
    if match := re.search(r"has no element (.+)$", message):
        return f"元素 {match[1]}"
    match = re.search(r"^'([^']+)' is undefined", message)
    return f"变量 {match[1]}" if match else f"变量（{message}）"


def near(source: str, lineno: int | None) -> str:
    """The text around an error line with markup taken off (a Word paragraph starts a line of its source)."""
    lines = source.splitlines()
    index = (lineno or 0) - 1
    text = re.sub(r"<[^>]+>", "", lines[index]).strip() if 0 <= index < len(lines) else ""
    return f"，「{text[:60]}」" if text else ""


TEMPLATE_SUFFIXES = (".j2", ".html", ".htm", ".css")


def running_template(err: BaseException, default: str) -> str:
    """The template file whose code was running when `err` was raised (Jinja names compiled code after its file:
    a loop in an included style.css is style.css's), else `default`."""
    found = default
    trace = err.__traceback__
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith(TEMPLATE_SUFFIXES):
            found = Path(filename).name
        trace = trace.tb_next
    return found


def describe_template_error(name: str, err: Exception, source: str = "") -> str:
    """`source` (the compiled text) lets a syntax error quote the paragraph it is in."""
    if isinstance(err, SecurityError):
        return f"模板 {name}：试图访问不安全的属性，已拒绝：{translate(str(err))}"
    if isinstance(err, UndefinedError):
        return f"模板 {name}：未定义的{_undefined(err.message or '')}"
    if isinstance(err, TemplateSyntaxError):
        where = f"第 {err.lineno} 行附近{near(source, err.lineno)}" if source else f"第 {err.lineno} 行"
        return f"模板 {name}：语法错误（{where}）：{translate(err.message or '')}"
    return f"模板 {name}：渲染出错：{translate(str(err))}"
