"""click's own messages in Chinese: usage errors (exit 2), help pages, the mistyped-command hint."""

from __future__ import annotations

import re
import string
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from conftest import SAMPLE_CSV

from generator.cli import zh as cli_zh
from generator.cli.main import cli

COMMAND_NAMES = cli.list_commands(click.Context(cli))  # every command, each loaded when named


@pytest.fixture
def zh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """zh("validate", ...) -> click's Result, run in an empty working folder."""
    monkeypatch.chdir(tmp_path)
    return lambda *args: CliRunner().invoke(cli, [str(a) for a in args], prog_name="generate-report")


def error_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    return [line for line in result.output.splitlines() if line.startswith("错误：")][-1]


def test_mistyped_command_is_named_not_taken_for_a_data_file(zh):
    result = zh("valdate", "数据.xlsx")
    assert error_line(result) == "错误：没有名为“valdate”的命令，是否应为“validate”？"
    assert result.output.splitlines()[0] == "用法：generate-report [选项] 命令 [参数]..."


def test_help_pages_join_chinese_lines_without_a_space(zh):
    """A docstring wrapped after "；" or "、" reads on as one sentence: click joins the lines with a space."""
    pages = {name: zh(name, "--help").stdout for name in COMMAND_NAMES}
    assert "最后汇总；此时 --format json" in pages["validate"]
    for name, page in pages.items():
        assert not re.search(r"[\u3001\u3002\uff0c\uff1a\uff1b\uff09] +[\u4e00-\u9fffA-Z]", page), name


def test_main_help_lists_one_command_a_line(zh):
    """The keep-as-is block (\\b) of examples is not joined although its lines end in Chinese."""
    page = zh("--help").stdout
    examples = [line.strip() for line in page.splitlines() if line.startswith("  generate-report ")]
    assert [line.split()[1] for line in examples] == [
        "DATA", "validate", "diff", "schema", "batch", "aggregate",
        "new-template", "check-template", "init", "import", "audit",
    ]  # fmt: skip
    assert all(line.count("generate-report") == 1 for line in examples)
    section = page.split("命令：\n")[1].splitlines()
    entries = [line for line in section if line[2:3] != " "]  # a summary wider than the console goes on below
    assert [line.split()[0] for line in entries] == COMMAND_NAMES
    assert "  validate        只校验，列出全部错误和警告（含工作表、单元格）。" in section


@pytest.mark.parametrize(
    "args",
    [
        (SAMPLE_CSV, "-o", "报告.docx"),
        ("batch", SAMPLE_CSV, "-o", "报告.html"),
        ("audit", SAMPLE_CSV, "-o", "审查.pdf"),
    ],
)
def test_an_output_folder_named_like_a_file_is_a_usage_error(zh, tmp_path, args):
    name = Path(args[-1])
    assert error_line(zh(*args)) == (
        f"错误：选项 -o / --output 的值无效：这里要写输出文件夹（其中的文件名由本工具取定）；"
        f"“{name}”像是文件名，请写文件夹名，如 -o {name.stem}"
    )
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "报告.docx").mkdir()  # a folder that happens to be named so is still a folder
    assert zh(SAMPLE_CSV, "-o", "报告.docx").exit_code == 0
    assert (tmp_path / "报告.docx" / f"{Path(SAMPLE_CSV).stem}.docx").is_file()


@pytest.mark.parametrize("word", ["valdate.csv", "validat.xlsx", "数据"])
def test_a_data_file_name_is_still_a_data_file(zh, word):
    result = zh(word)
    assert result.exit_code == 3
    assert result.output == f"错误：找不到数据文件：{word}\n"


def test_an_existing_file_that_looks_like_a_command_is_still_data(zh, tmp_path):
    (tmp_path / "valdate").write_text("", encoding="utf-8")
    assert zh("valdate").exit_code == 3


def test_a_data_file_first_still_renders(zh, tmp_path):
    result = zh(SAMPLE_CSV, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").glob("[!.]*")) == ["mengzhou-2023.docx", "mengzhou-2023.html"]


def test_output_folder_that_is_a_file(zh, tmp_path):
    (tmp_path / "afile").write_text("", encoding="utf-8")
    result = zh(SAMPLE_CSV, "-o", "afile")
    assert error_line(result) == "错误：选项 -o / --output 的值无效：“afile”是文件，不是文件夹。"


def test_unknown_choice(zh):
    result = zh("schema", "--format", "xml")
    assert error_line(result) == "错误：选项 --format 的值无效：“xml” 不是可选值之一：text、json、csv。"
    usage, hint = result.output.splitlines()[:2]
    assert usage == "用法：generate-report schema [选项]"
    assert re.fullmatch(r"可运行“generate-report schema (--help|-h)”查看帮助。", hint)


def test_missing_argument(zh):
    assert error_line(zh("validate")) == "错误：缺少参数 DATA。"
    assert error_line(zh("diff", SAMPLE_CSV)) == "错误：缺少参数 NEW。"


def test_unknown_option_with_a_suggestion(zh):
    assert error_line(zh("validate", SAMPLE_CSV, "--x")) == "错误：没有名为“--x”的选项。"
    assert error_line(zh("validate", SAMPLE_CSV, "--strct")) == "错误：没有名为“--strct”的选项。是否应为“--strict”？"


def test_option_without_its_value_and_extra_arguments(zh):
    assert error_line(zh("render", SAMPLE_CSV, "-o")) == "错误：选项 -o 需要一个值。"
    assert error_line(zh("render", SAMPLE_CSV, "a", "b")) == "错误：多余的参数：a b"


def test_help_pages_are_chinese(zh):
    result = zh("--help")
    assert result.exit_code == 0
    assert result.output.startswith("用法：generate-report [选项] 命令 [参数]...\n")
    assert "\n选项：\n" in result.output and "\n命令：\n" in result.output
    assert "显示此帮助并退出。" in result.output and "显示版本号并退出。" in result.output
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "Show the version"):
        assert english not in result.output
    render_help = zh("render", "-h").output
    assert "[默认：docx,html]" in render_help and "[default:" not in render_help
    assert zh("--version").output.startswith("generate-report，版本 ")


def test_importing_the_command_line_changes_nothing_in_click():
    """The rebinding of click's gettext is installed by main(), never as a side effect of an import."""
    code = (
        "import gettext, click.core, click.types, generator.cli.main; "
        "print(click.core._ is gettext.gettext and click.types._ is gettext.gettext)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"


def test_unknown_messages_stay_english():
    assert cli_zh._gettext("Something click adds later {x}.") == "Something click adds later {x}."
    assert cli_zh._ngettext("{n} thing", "{n} things", 2) == "{n} things"


def fields(template: str) -> set[str]:
    names = {re.split(r"[.\[]", name)[0] for _, name, _, _ in string.Formatter().parse(template) if name}
    return names | set(re.findall(r"%\((\w+)\)", template))


def test_translations_use_only_the_placeholders_click_passes():
    """A placeholder click does not pass would raise KeyError inside click: every one must come from the msgid."""
    for msgid, text in cli_zh._MESSAGES.items():
        assert fields(text) <= fields(msgid), msgid
    for (singular, plural), (one, other) in cli_zh._PLURALS.items():
        assert fields(one) <= fields(singular) and fields(other) <= fields(plural), singular
