"""`aggregate`: many bodies summed into one workbook for a consolidated (全市) report."""

from __future__ import annotations

from pathlib import Path

import click

from generator.clitools import EXIT_FINDINGS, EXIT_OK, print_findings, run


@click.command(name="aggregate", short_help="多个单位逐项相加，生成汇总工作簿并校验。")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="汇总工作簿（.xlsx），可直接用 generate-report 生成报告。",
)
@click.option("--body", default="汇总", show_default=True, help="汇总报告的发布机关，如“焦作市人民政府”。")
@click.option("--year", type=int, default=None, help="报告年度（默认取各单位一致的年度）。")
def aggregate_command(inputs: tuple[str, ...], out: Path, body: str, year: int | None) -> None:
    """把多个单位的数据逐项相加，写成一个汇总工作簿（含“分单位明细”表），并校验汇总结果。

    未通过校验或无法读取的单位不计入汇总，并逐个列出；此时退出码为 1。
    """
    from generator.aggregate import aggregate_files
    from generator.batch import expand_inputs

    def action() -> int:
        included, excluded, report = aggregate_files(expand_inputs(inputs), out, body, year)
        click.echo(f"已生成：{out}（汇总 {len(included)} 个单位）")
        for source, reason in excluded:
            click.echo(f"未计入：{source}：{reason}")
        print_findings(report)
        return EXIT_FINDINGS if excluded or not report.valid else EXIT_OK

    run(action)
