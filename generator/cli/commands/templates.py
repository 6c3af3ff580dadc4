"""`new-template` and `check-template`: copying a template set and checking one before use."""

from __future__ import annotations

import json
from pathlib import Path

import click

import generator
from generator.cli.options import (
    EXIT_FINDINGS,
    EXIT_OK,
    overwrite_option,
    run,
    text_or_json_option,
)
from generator.cli.zh import ZhCommand
from generator.jinja.scaffold import GUIDE, name_problem
from generator.jinja.sets import find_template_set, template_set_at
from generator.render.template_checks.check import template_variables
from generator.render.template_checks.set_check import check_template_set


def _template_name(name: str) -> str:
    """A name that cannot become a folder is a usage error (exit 2), like any other mistyped argument."""
    if problem := name_problem(name):
        raise click.BadParameter(problem)
    return name


@click.command(cls=ZhCommand, name="new-template", short_help="复制一套模板，改成本地的前言、落款、版式。")
@click.argument("name", callback=lambda ctx, param, value: _template_name(value))
@click.option("--from", "source", default="default", show_default=True, help="以哪套模板为底稿（名称或文件夹）。")
@click.option(
    "-o",
    "--output",
    "dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="输出文件夹：新模板写在这里（默认 ./templates/NAME）。",
)
@overwrite_option
def new_template_command(name: str, source: str, dest: Path | None, overwrite: bool) -> None:
    """复制一套模板供本地修改，内附中文说明（可用变量、过滤器、在 Word 中编辑的注意事项）。"""

    def action() -> int:
        folder = generator.new_template(name, source, dest, overwrite)
        click.echo(f"已生成模板：{folder}")
        click.echo(f"请阅读 {folder / GUIDE}；修改后运行：generate-report check-template {folder}")
        return EXIT_OK

    run(action)


@click.command(cls=ZhCommand, name="check-template", short_help="检查模板：语法、拼错的变量、被 Word 拆开的标签。")
@click.argument("path", type=click.Path(path_type=Path))
@text_or_json_option()
@click.option("-v", "--variables", "show_variables", is_flag=True, help="同时列出每个模板用到的全部变量。")
@click.option("--strict", is_flag=True, help="“提示”也视为不通过（退出码 1）。")
def check_template_command(path: Path, fmt: str, show_variables: bool, strict: bool) -> None:
    """检查模板集（文件夹）或其中一个模板：语法、未知变量、被 Word 拆分的标签、表格循环写法。有妨碍生成的问题时退出码为 1；
    只有“提示”（不影响生成）时退出码为 0（加 --strict 时为 1）。"""

    def action() -> int:
        folder = path.parent if path.is_file() else path
        template_set = template_set_at(folder) if folder.is_dir() else find_template_set(folder)
        problems = check_template_set(template_set)
        if path.is_file():
            problems = [p for p in problems if p.file == path.name or not p.file.endswith((".docx", ".j2"))]
        variables = template_variables(template_set)
        advice = sum(not p.blocking for p in problems)
        failed = len(problems) > advice or (strict and advice > 0)
        if fmt == "json":
            report = {
                "template": str(template_set.folder),
                "problems": [vars(p) for p in problems],
                "variables": {name: sorted(names) for name, names in variables.items()},
            }
            click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            for problem in problems:
                click.echo(("" if problem.blocking else "提示：") + problem.describe())
            if show_variables:
                for name, names in variables.items():
                    click.echo(f"{name} 用到的变量（{len(names)} 个）：{'、'.join(sorted(names))}")
            verdict = "未通过" if failed else "通过"
            if advice:  # rendering tolerates these, but the next edit in Word may not
                verdict += f"（其中 {advice} 条“提示”不影响生成，建议修正）"
            counts = "，".join(f"{name} 用到 {len(names)} 个变量" for name, names in variables.items())
            click.echo(f"模板检查{verdict}：{template_set.folder}（{len(problems)} 个问题；{counts}）。")
        return EXIT_FINDINGS if failed else EXIT_OK

    run(action)
