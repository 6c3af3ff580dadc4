"""`generate-report init` (a blank fill-in workbook) and `generate-report import` (last year's published report)."""

from __future__ import annotations

from pathlib import Path

import click

from generator.clitools import exit_code, fail, run, strict_option

WORKBOOK_SUFFIXES = (".xlsx",)
IMPORT_SUFFIXES = (".xlsx", ".csv")

force_option = click.option("--force", is_flag=True, help="目标文件已存在时覆盖它。")


def _check_target(path: Path, suffixes: tuple[str, ...], param: str, force: bool) -> None:
    if path.suffix.lower() not in suffixes:
        raise click.BadParameter(f"输出文件应以 {' 或 '.join(suffixes)} 结尾：{path}", param_hint=param)
    if path.exists() and not force:
        fail(f"{path} 已存在；为免覆盖已填写的数据，未写入。请换一个文件名，或加 --force 覆盖。")


@click.command(name="init", short_help="新建空白填报工作簿（.xlsx）：统计表、自动核对、基本信息、正文、填写说明。")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=click.IntRange(2000, 2100), default=None, help="报告年度，如 2024（预填到“基本信息”）。")
@click.option("--body", default=None, help="发布机关，如 孟州市人民政府（预填到“基本信息”）。")
@click.option(
    "--kind",
    type=click.Choice(["government", "department", "政府", "部门"]),
    default=None,
    help="机关类型：政府 / 部门（或 government / department）。",
)
@force_option
def init_command(out: Path, year: int | None, body: str | None, kind: str | None, force: bool) -> None:
    """新建空白填报工作簿 OUT（.xlsx）：表二、表三、表四（与正式报告相同的合并表头、自动核对）、基本信息、正文、填写说明。"""
    from generator.fillin import new_workbook
    from generator.output import write_atomically

    _check_target(out, WORKBOOK_SUFFIXES, "OUT", force)

    def action() -> int:
        write_atomically(out, new_workbook(year, body, kind))  # 政府/部门 pass through KIND_WORDS unchanged
        click.echo(f"已生成：{out}")
        click.echo(f"在黄色格子中填写后运行：generate-report validate {out}")
        return 0

    run(action)


@click.command(name="import", short_help="导入已发布的年度报告（.txt / .html / .docx），写成工作簿或 CSV。")
@click.argument("report", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="写入的工作簿（.xlsx）或长格式 CSV（.csv）。",
)
@strict_option
@force_option
def import_command(report: Path, output: Path, strict: bool, force: bool) -> None:
    """导入已发布的年度报告 REPORT（网页复制的文字 .txt、网页 .html 或 Word .docx），写成可继续填写的工作簿。

    找不到的数字逐项列出，空白格仍为空白（不会当成 0）；导入结果随即校验。退出码与 validate 相同。
    """
    from generator import schema, validate
    from generator.importers import import_report
    from generator.output import write_atomically
    from generator.workbook import write_csv, write_workbook

    _check_target(output, IMPORT_SUFFIXES, "-o", force)

    def action() -> int:
        result = import_report(report)
        values = result.output_values()
        write_atomically(output, write_csv(values) if output.suffix.lower() == ".csv" else write_workbook(values))
        click.echo(
            f"{report.name}：导入 {result.figure_count()}/{len(schema.figures())} 个数字，"
            f"{result.paragraph_count()} 段正文。"
        )
        for line in result.unplaced_lines():
            click.echo(f"未找到：{line}")
        for note in result.notes:
            click.echo(f"注意：{note}")
        findings = validate(result.to_data())
        for finding in findings.findings:
            click.echo(finding.describe())
        click.echo(findings.summary())
        click.echo(f"已生成：{output}")
        return exit_code(findings, strict)

    run(action)
