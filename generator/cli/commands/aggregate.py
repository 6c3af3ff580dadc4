"""`aggregate`: many bodies summed into one workbook for a consolidated (全市) report."""

from __future__ import annotations

from pathlib import Path

import click

import generator
from generator.bulk.batch import expand_inputs
from generator.cli.options import (
    EXIT_FINDINGS,
    EXIT_OK,
    about_file,
    check_suffix,
    output_file_option,
    overwrite_option,
    print_findings,
    run,
)
from generator.cli.zh import ZhCommand

DEFAULT_BODY = "汇总"


@click.command(cls=ZhCommand, name="aggregate", short_help="多个单位逐项相加，生成汇总工作簿并校验。")
@click.argument("inputs", nargs=-1, required=True)
@output_file_option("汇总工作簿（.xlsx），可直接用 generate-report 生成报告。")
@click.option("--body", default=DEFAULT_BODY, show_default=True, help="汇总报告的发布机关，如“焦作市人民政府”。")
@click.option("--year", type=int, default=None, help="报告年度（默认取各单位一致的年度）。")
@overwrite_option
def aggregate_command(inputs: tuple[str, ...], output: Path, body: str, year: int | None, overwrite: bool) -> None:
    """把多个单位的数据逐项相加，写成一个汇总工作簿（含“分单位明细”表），并校验汇总结果。

    未通过校验、无法读取、同一机关同一年度数字却不同的文件不计入汇总，逐个列出，退出码为 1；
    年度不是 --year 指定年度的、与前面文件完全相同的、以前生成的汇总工作簿也不计入，但不影响退出码。
    """
    check_suffix(output, (".xlsx",), "-o")

    def action() -> int:
        included, excluded, report = generator.aggregate(
            expand_inputs(inputs, as_given=True), output, body, year, overwrite
        )
        click.echo(f"已生成：{output}（汇总 {len(included)} 个单位）")
        for source, reason, _ in excluded:
            click.echo(f"未计入：{about_file(source, reason)}")
        if body == DEFAULT_BODY:
            click.echo(
                f"提示：未用 --body 指定发布机关，汇总报告暂以“{DEFAULT_BODY}”为发布机关，可在“基本信息”中修改。"
            )
        print_findings(report)
        return EXIT_FINDINGS if any(problem for *_, problem in excluded) or not report.valid else EXIT_OK

    run(action)
