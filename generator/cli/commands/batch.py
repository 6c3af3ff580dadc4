"""`batch`: one report per body for many inputs, in parallel, with a validation summary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

import generator
from generator.bulk.batch import STATUS_TEXT, BatchInterrupted, BatchResult
from generator.bulk.pool import available_cores
from generator.cli.options import (
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    Progress,
    about_file,
    force_option,
    formats_option,
    jobs_option,
    output_folder_option,
    overwrite_option,
    parse_formats,
    run,
    template_option,
    waiting_notice,
)
from generator.cli.zh import ZhCommand


@click.command(cls=ZhCommand, name="batch", short_help="批量校验并生成报告，汇总哪个单位未通过哪条规则。")
@click.argument("inputs", nargs=-1, required=True)
@output_folder_option("每个单位的报告与“校验汇总”.csv/.html 写在这里。", required=True)
@jobs_option
@formats_option
@template_option
@force_option
@overwrite_option
def batch_command(
    inputs: tuple[str, ...],
    outdir: Path,
    jobs: int | None,
    formats: str,
    template: str | None,
    force: bool,
    overwrite: bool,
) -> None:
    """批量处理 INPUTS（文件、文件夹或通配符如 "数据/*.xlsx"）：逐个校验并生成报告，汇总哪个单位未通过哪条规则。

    任何一个单位未通过或无法读取时退出码为 1；其他单位照常处理。Excel 临时文件（~$ 开头）、
    以点开头的文件（含 macOS 的 ._ 文件）和隐藏文件不计入。按 Ctrl-C 中断时，已完成单位的汇总照常写出（退出码 130）。
    """
    chosen = parse_formats(formats)
    if jobs is not None and jobs > available_cores():
        click.echo(f"提示：本机只有 {available_cores()} 个 CPU 核，按 -j {available_cores()} 运行。", err=True)

    def action() -> int:
        try:
            results, summary = generator.batch(
                inputs, outdir, chosen, template, force, jobs, _progress(), overwrite, waiting_notice(outdir)
            )
        except BatchInterrupted as stop:
            _report(stop.results, stop.summary)
            click.echo(
                f"已中断：共 {stop.total} 个单位，完成 {len(stop.results)} 个，汇总只列出已完成的单位。", err=True
            )
            return EXIT_INTERRUPTED
        return _report(results, summary)

    run(action)


def _report(results: list[BatchResult], summary: list[Path]) -> int:
    failed = [r for r in results if r.failed]
    for path in summary:
        click.echo(f"已生成：{path}")
    click.echo(f"共 {len(results)} 个单位：{len(results) - len(failed)} 个通过，{len(failed)} 个未通过或无法处理。")
    for result in failed:
        first_error = next((f.message for f in result.findings if f.severity == "error"), "")
        reason = result.message or f"{result.errors} 个错误，如：{first_error}"
        click.echo(f"  {STATUS_TEXT[result.status]}：{about_file(result.source, reason)}")
    return EXIT_FINDINGS if failed else EXIT_OK


def _progress() -> Callable[[BatchResult, int, int], None]:
    progress = Progress()

    def step(result: BatchResult, done: int, total: int) -> None:
        progress.step(done, total, f"{STATUS_TEXT[result.status]} {result.stem}")

    return step
