"""The generate-report command: each subcommand parses options, calls the library, prints, sets the exit code.

Exit codes are a contract (see options.py). `render` lives here; every other command in its own module under
cli/, named in COMMANDS below.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

import generator
from generator.cli.options import (
    data_argument,
    exit_code,
    force_option,
    formats_option,
    load_previous,
    output_folder_option,
    overwrite_option,
    parse_formats,
    previous_option,
    print_findings,
    run,
    strict_option,
    template_option,
    waiting_notice,
)
from generator.cli.zh import VERSION_HELP, ZhGroup, mistyped_command
from generator.exceptions import InvalidDataError
from generator.render.writing.output import write_outputs
from generator.version import PROG, VERSION_MESSAGE

# Each command's module is imported when the command runs or --help lists it, so that a report does not wait for
# the code of the audit, the importers or the batch: name -> (module, attribute).
COMMANDS = {
    "validate": ("generator.cli.commands.validate", "validate_command"),
    "schema": ("generator.cli.schema", "schema_command"),
    "diff": ("generator.cli.commands.diff", "diff_command"),
    "batch": ("generator.cli.commands.batch", "batch_command"),
    "aggregate": ("generator.cli.commands.aggregate", "aggregate_command"),
    "new-template": ("generator.cli.commands.templates", "new_template_command"),
    "check-template": ("generator.cli.commands.templates", "check_template_command"),
    "init": ("generator.cli.commands.workbook", "init_command"),
    "import": ("generator.cli.commands.workbook", "import_command"),
    "audit": ("generator.cli.commands.audit", "audit_command"),
}


class DefaultCommandGroup(ZhGroup):
    """`generate-report DATA …` means `generate-report render DATA …`; commands load when first named."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, attribute = COMMANDS[cmd_name]
            self.add_command(getattr(importlib.import_module(module), attribute))
        return self.commands.get(cmd_name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        names = self.list_commands(ctx)
        if args and args[0] not in names and args[0] not in ("--help", "-h", "--version"):
            if meant := mistyped_command(args[0], names):
                raise click.UsageError(f"没有名为“{args[0]}”的命令，是否应为“{meant}”？", ctx)
            args.insert(0, "render")
        return super().parse_args(ctx, args)


@click.group(cls=DefaultCommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=generator.__version__, prog_name=PROG, message=VERSION_MESSAGE, help=VERSION_HELP)
def cli() -> None:
    """政府信息公开工作年度报告生成工具。

    \b
    generate-report DATA
        校验数据并生成 Word 和 HTML 报告（同 render）
    generate-report validate DATA
        只校验，列出全部错误和警告
    generate-report diff OLD NEW
        与上年对比：数字变化、正文变化、两年衔接核对
    generate-report schema
        列出全部数据键、名称和类型
    generate-report batch 文件夹 -o 输出
        批量生成，并汇总哪个单位未通过哪条规则
    generate-report aggregate 文件… -o 汇总.xlsx
        多个单位逐项相加，生成汇总工作簿
    generate-report new-template 名称
        复制一套模板，改成本地的前言、落款、版式
    generate-report check-template 文件夹
        检查模板：语法、拼错的变量、被 Word 拆开的标签
    generate-report init 新表.xlsx
        新建空白填报工作簿（带自动核对）
    generate-report import 上年报告 -o 表.xlsx
        从已发布的报告（PDF、网页、Word、文字）导入数据
    generate-report audit 文件夹 -o 审查
        审查辖区内已发布的报告，出审查报告、问题清单和通报
    """


@cli.command(short_help="校验数据并生成 Word、网页（和 PDF）报告。")
@data_argument
@output_folder_option("报告写在这里，文件名为 <数据文件名>.docx、.html、.pdf。")
@formats_option
@template_option
@force_option
@overwrite_option
@strict_option
@previous_option
def render(
    data: Path,
    outdir: Path,
    formats: str,
    template: str | None,
    force: bool,
    overwrite: bool,
    strict: bool,
    previous: Path | None,
) -> None:
    """校验 DATA（.xlsx 或 .csv）并生成报告：输出文件夹（-o）中的 <数据文件名>.docx 与 .html（及 .pdf）。"""
    chosen = parse_formats(formats)

    def action() -> int:
        report_data = generator.load(data)
        report = generator.validate(report_data, load_previous(previous))
        print_findings(report)
        code = exit_code(report, strict)
        try:
            if code and report.valid and not force:  # --strict: warnings stop the report as errors do
                raise InvalidDataError(report)
            outputs = generator.render.render(report_data, report, chosen, template, force=force)
        except InvalidDataError:
            click.echo("未生成报告：请先改正以上错误（或用 --force 强制生成）。", err=True)
            return code
        for path in write_outputs(outdir, data.stem, outputs, overwrite, waiting_notice(outdir)):
            click.echo(f"已生成：{path}")
        return code

    run(action)


def main() -> None:
    """The commands, once start.main has set up the console."""
    cli(prog_name=PROG)
