"""The generate-report command: each subcommand parses options, calls the library, prints, sets the exit code.

Exit codes are a contract (see clitools.py). Commands of later features live in generator/commands/ and are
registered at the end of this module.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import click

from generator import cli_zh
from generator.clitools import (
    data_argument,
    exit_code,
    force_option,
    formats_option,
    load_previous,
    parse_formats,
    previous_option,
    print_findings,
    run,
    strict_option,
    template_option,
)

cli_zh.install()  # click's own messages (usage errors, help headings) in Chinese; before any option is built


class DefaultCommandGroup(click.Group):
    """`generate-report DATA …` means `generate-report render DATA …`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h", "--version"):
            if meant := cli_zh.mistyped_command(args[0], self.commands):
                raise click.UsageError(f"没有名为“{args[0]}”的命令，是否应为“{meant}”？", ctx)
            args.insert(0, "render")
        return super().parse_args(ctx, args)


@click.group(cls=DefaultCommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="generate-report")
def cli() -> None:
    """政府信息公开工作年度报告生成工具。

    \b
    generate-report DATA             校验数据并生成 Word 和 HTML 报告（同 render）
    generate-report validate DATA    只校验，列出全部错误和警告
    generate-report diff OLD NEW     与上年对比：数字变化、正文变化、两年衔接核对
    generate-report schema           列出全部数据键、名称和类型
    generate-report batch 文件夹 -o 输出   批量生成，并汇总哪个单位未通过哪条规则
    generate-report aggregate 文件… -o 汇总.xlsx   多个单位逐项相加，生成汇总工作簿
    generate-report new-template 名称   复制一套模板，改成本地的前言、落款、版式
    generate-report check-template 文件夹   检查模板：语法、拼错的变量、被 Word 拆开的标签
    generate-report init 新表.xlsx    新建空白填报工作簿（带自动核对）
    generate-report import 上年报告 -o 表.xlsx   从已发布的报告（网页、Word、文本）导入数据
    """


@cli.command()
@data_argument
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="输出文件夹。",
)
@formats_option
@template_option
@force_option
@strict_option
@previous_option
def render(
    data: Path, outdir: Path, formats: str, template: str | None, force: bool, strict: bool, previous: Path | None
) -> None:
    """校验 DATA（.xlsx 或 .csv）并生成报告：输出文件夹（-o）中的 <数据文件名>.docx 与 .html。"""
    from generator import load, validate
    from generator import render as render_reports
    from generator.output import write_outputs

    chosen = parse_formats(formats)

    def action() -> int:
        report_data = load(data)
        report = validate(report_data, load_previous(previous))
        print_findings(report)
        code = exit_code(report, strict)
        if code and not force:
            click.echo("未生成报告：请先改正以上错误（或用 --force 强制生成）。", err=True)
            return code
        for path in write_outputs(outdir, data.stem, render_reports(report_data, report, chosen, template)):
            click.echo(f"已生成：{path}")
        return code

    run(action)


@cli.command(name="validate")
@data_argument
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="输出格式。"
)
@strict_option
@previous_option
def validate_command(data: Path, fmt: str, strict: bool, previous: Path | None) -> None:
    """只校验 DATA，列出每个错误和警告（含工作表、单元格、期望值与实际值）。"""
    from generator import load, validate
    from generator.exceptions import GenerateReportError

    def action() -> int:
        try:
            report = validate(load(data), load_previous(previous))
        except GenerateReportError as err:
            if fmt == "json":  # scripts get JSON on stdout even when the file cannot be read
                click.echo(
                    json.dumps(
                        {"source": str(data), "valid": False, "cannot_run": str(err), "findings": []},
                        ensure_ascii=False,
                    )
                )
            raise
        if fmt == "json":
            click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            print_findings(report)
        return exit_code(report, strict)

    run(action)


def schema_rows() -> list[dict[str, Any]]:
    from generator import schema

    rows: list[dict[str, Any]] = []
    for field in schema.META_FIELDS:
        location = f"{schema.META_SHEET}!C{schema.text_field_row(field.key)}"
        rows.append(
            {"key": field.key, "label": field.label, "kind": "text", "required": field.required, "location": location}
        )
    for fig in schema.figures().values():
        rows.append(
            {"key": fig.key, "label": fig.label, "kind": fig.kind.value, "required": True, "location": fig.location}
        )
    for field in schema.NARRATIVE_FIELDS:
        location = f"{schema.NARRATIVE_SHEET}!C{schema.text_field_row(field.key)}"
        rows.append({"key": field.key, "label": field.label, "kind": "text", "required": False, "location": location})
    return rows


@cli.command(name="schema")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True, help="输出格式。"
)
def schema_command(fmt: str) -> None:
    """列出全部数据键：键、中文名称、类型（count 整数 / wan_yuan 万元 / text 文字）、工作簿位置。"""
    rows = schema_rows()
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(out.getvalue(), nl=False)
    else:
        for row in rows:
            click.echo(f"{row['key']}\t{row['label']}\t{row['kind']}\t{row['location']}")


# --- Commands defined in generator/commands/ (one line each) ---------------------------------
# Each module imports only click and clitools at the top, so start-up stays fast.
from generator.commands.aggregate import aggregate_command  # noqa: E402
from generator.commands.batch import batch_command  # noqa: E402
from generator.commands.diff import diff_command  # noqa: E402
from generator.commands.templates import check_template_command, new_template_command  # noqa: E402
from generator.commands.workbook import import_command, init_command  # noqa: E402

cli.add_command(aggregate_command)
cli.add_command(batch_command)
cli.add_command(diff_command)
cli.add_command(new_template_command)
cli.add_command(check_template_command)
cli.add_command(init_command)
cli.add_command(import_command)


def main() -> None:
    cli(prog_name="generate-report")
