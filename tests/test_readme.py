"""The README says what the tool does: its library example runs, and its quick table and `--help` name exactly the
commands that exist."""

from __future__ import annotations

import re
import shutil

import click
import pytest
from conftest import ROOT, SAMPLE_XLSX

from generator.cli.main import cli

COMMAND_NAMES = cli.list_commands(click.Context(cli))  # every command, each loaded when named

README = (ROOT / "README.md").read_text(encoding="utf-8")


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_the_library_example_runs(tmp_path, monkeypatch, capsys):
    (example,) = python_blocks(README)
    shutil.copy(SAMPLE_XLSX, tmp_path / "data.xlsx")
    (tmp_path / "data_samples").mkdir()
    shutil.copy(ROOT / "data_samples" / "mengzhou-2022.xlsx", tmp_path / "data_samples")
    monkeypatch.chdir(tmp_path)
    names: dict[str, object] = {}
    exec(compile(example, "README.md", "exec"), names)
    assert set(names["outputs"]) == {"docx", "html"}  # type: ignore[arg-type]
    assert names["problems"] == []
    assert names["changes"].changed_count == 50  # type: ignore[attr-defined]
    assert names["workbook"][:2] == b"PK"  # type: ignore[index]
    assert "W-meta meta.issue_date 基本信息 C4" in capsys.readouterr().out


def subcommands_named(text: str) -> set[str]:
    """Commands a text shows as `generate-report <command>`; a data file in the first place means render."""
    named = set()
    for word in re.findall(r"generate-report (\S+)", text):
        word = re.split(r"[`|（(，,]", word)[0]
        named.add(word if word in COMMAND_NAMES else "render" if not word.startswith("-") else "")
    return named - {""}


def test_the_quick_table_names_every_command():
    table = README.split("## 一分钟上手", 1)[1].split("\n## ", 1)[0]
    assert subcommands_named(table) == set(COMMAND_NAMES)


def test_help_lists_every_command(run):
    result = run("--help")
    assert result.exit_code == 0
    intro = result.output.split("选项：", 1)[0]
    listed = result.output.split("命令：", 1)[1]
    assert subcommands_named(intro) == set(COMMAND_NAMES)
    commands = [line.split()[0] for line in listed.splitlines() if re.match(r"^  \S", line)]  # not wrapped lines
    assert set(commands) == set(COMMAND_NAMES)


@pytest.mark.parametrize("command", sorted(COMMAND_NAMES))
def test_each_command_has_a_whole_one_line_summary(run, command):
    listed = run("--help").output.split("命令：", 1)[1]
    line = next(line for line in listed.splitlines() if line.split()[:1] == [command])
    assert not line.rstrip().endswith(("...", "…")), line  # click would cut Chinese text by its width
