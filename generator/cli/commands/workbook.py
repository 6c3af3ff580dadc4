"""`generate-report init` (a blank fill-in workbook) and `generate-report import` (last year's published report)."""

from __future__ import annotations

import json
from pathlib import Path

import click

import generator
from generator.cli.options import (
    EXIT_FINDINGS,
    check_suffix,
    exit_code,
    fail,
    old_force_option,
    output_file_option,
    overwrite_option,
    overwrite_wanted,
    run,
    strict_option,
    text_or_json_option,
)
from generator.cli.zh import ZhCommand
from generator.format import schema
from generator.format.cells import parse_body_kind
from generator.render.writing.output import write_file
from generator.workbook.csvfile import long_csv
from generator.workbook.writer import inferred_kind, write_workbook

WORKBOOK_SUFFIXES = (".xlsx",)
IMPORT_SUFFIXES = (".xlsx", ".csv")


def _check_target(path: Path, suffixes: tuple[str, ...], param: str, overwrite: bool) -> None:
    check_suffix(path, suffixes, param)
    if path.exists() and not overwrite:
        fail(f"{path} 已存在；为免覆盖已填写的数据，未写入。请换一个文件名，或加 --overwrite 覆盖。")


def _body_kind(typed: str | None) -> str | None:
    """--kind as the 机关类型 cell reads it: 政府, 部门, government, department, or a kind of office such as 局."""
    if typed is None:
        return None
    kind = parse_body_kind(typed)
    if kind is None:
        raise click.BadParameter(f"“{typed}”不是机关类型；请写 政府 或 部门（也可写 government / department）。")
    return kind


@click.command(
    cls=ZhCommand, name="init", short_help="新建空白填报工作簿（.xlsx）：统计表、自动核对、基本信息、正文、填写说明。"
)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--year", type=click.IntRange(2000, 2100), default=None, help="报告年度，如 2024（预填到“基本信息”）。")
@click.option(
    "--body", default=None, help="发布机关，如 孟州市人民政府（预填到“基本信息”；不写 --kind 时按名称推定机关类型）。"
)
@click.option(
    "--kind",
    default=None,
    callback=lambda ctx, param, value: _body_kind(value),
    help="机关类型：政府 / 部门（或 government / department；“局”“委”“办”等也按部门）。不写时按 --body 的名称推定"
    "（…局、…委、…办、…中心为部门，…人民政府为政府），推定不出时留空。",
)
@overwrite_option
@old_force_option
def init_command(
    out: Path, year: int | None, body: str | None, kind: str | None, overwrite: bool, old_force: bool
) -> None:
    """新建空白填报工作簿 OUT（一个 .xlsx 文件）：表二、表三、表四（与正式报告相同的合并表头、自动核对）、基本信息、正文、填写说明。"""
    _check_target(out, WORKBOOK_SUFFIXES, "OUT", overwrite_wanted(overwrite, old_force))

    def action() -> int:
        # Any existing file was refused above unless --overwrite was given.
        write_file(out, generator.new_workbook(year, body, kind), overwrite=True)
        click.echo(f"已生成：{out}")
        if guessed := inferred_kind(body, kind):
            click.echo(f"机关类型：按名称推定为{guessed}（不对时在“{schema.META_SHEET}”中改选，或加 --kind）。")
        click.echo(f"在黄色格子中填写后运行：generate-report validate {out}")
        return 0

    run(action)


@click.command(
    cls=ZhCommand,
    name="import",
    short_help="导入已发布的报告（PDF、网页、Word、文字），写成工作簿、CSV 或 JSON。",
)
@click.argument("report", type=click.Path(dir_okay=False, path_type=Path))
@output_file_option("写入的工作簿（.xlsx）或长格式 CSV（.csv）；--format json 时可省略。", required=False)
@text_or_json_option(
    "text：逐项列出结果并写出 -o 文件；json：把每个数字的原文、含义和出处（页、表、行、列）及校验结果输出到屏幕"
    "（标准输出），给了 -o 时同时写出文件。"
)
@strict_option
@overwrite_option
@old_force_option
def import_command(report: Path, output: Path | None, fmt: str, strict: bool, overwrite: bool, old_force: bool) -> None:
    """导入已发布的年度报告 REPORT（网页复制或从 PDF 提取的文字 .txt / .md、网页 .html、Word .docx、文字版 PDF），
    写成可继续填写的工作簿。

    找不到的数字逐项列出，空白格仍为空白（不会当成 0），“/”“—”“不适用”等照原样保留；数字与列对不上的行整行不导入并注明。
    导入结果随即校验，退出码与 validate 相同；有未能可靠读取的数字（需要对照原报告补填）时退出码也为 1。
    """
    if output is None and fmt != "json":
        raise click.UsageError("请用 -o 指定写入的工作簿（.xlsx）或 CSV（.csv）；只看结果可用 --format json。")
    if output is not None:
        _check_target(output, IMPORT_SUFFIXES, "-o", overwrite_wanted(overwrite, old_force))

    def action() -> int:
        result = generator.import_report(report)
        findings = generator.validate(result.to_data())
        if output is not None:
            values = result.output_values()
            content = long_csv(values) if output.suffix.lower() == ".csv" else write_workbook(values)
            write_file(output, content, overwrite=True)  # an existing file was refused above unless --overwrite
        if fmt == "json":
            payload = result.to_dict()
            payload = {
                "figures": payload.pop("figures"),
                "unplaced": payload.pop("unplaced"),
                "findings": [finding.to_dict() for finding in findings.findings],
                "valid": findings.valid,
                **payload,
            }
            click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
            return EXIT_FINDINGS if result.unread() else exit_code(findings, strict)
        click.echo(
            f"{report.name}：导入 {result.figure_count()}/{len(schema.figures())} 个数字，"
            f"{result.paragraph_count()} 段正文。"
        )
        for line in result.unplaced_lines():
            click.echo(f"未找到：{line}")
        for note in result.notes:
            click.echo(f"注意：{note}")
        for finding in findings.findings:
            click.echo(finding.describe())
        click.echo(findings.summary())
        click.echo(f"已生成：{output}")
        return EXIT_FINDINGS if result.unread() else exit_code(findings, strict)

    run(action)
