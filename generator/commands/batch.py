"""`batch`: one report per body for many inputs, in parallel, with a validation summary."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.clitools import EXIT_FINDINGS, EXIT_OK, force_option, formats_option, parse_formats, run, template_option


@click.command(name="batch", short_help="批量校验并生成报告，汇总哪个单位未通过哪条规则。")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="输出文件夹：每个单位的报告与“校验汇总”.csv/.html。",
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="并行进程数（默认：全部 CPU 核）。")
@formats_option
@template_option
@force_option
def batch_command(
    inputs: tuple[str, ...], outdir: Path, jobs: int | None, formats: str, template: str | None, force: bool
) -> None:
    """批量处理 INPUTS（文件、文件夹或通配符如 "数据/*.xlsx"）：逐个校验并生成报告，汇总哪个单位未通过哪条规则。

    任何一个单位未通过或无法读取时退出码为 1；其他单位照常处理。
    """
    from generator.batch import STATUS_TEXT, BatchSettings, expand_inputs, plan_jobs, run_batch, write_summary

    chosen = parse_formats(formats)

    def action() -> int:
        job_list = plan_jobs(expand_inputs(inputs))
        settings = BatchSettings(outdir, tuple(chosen), template, force)
        results = []
        progress = _progress(len(job_list))
        for result in run_batch(job_list, settings, jobs):
            results.append(result)
            progress(len(results), f"{STATUS_TEXT[result.status]} {result.stem}")
        failed = [r for r in results if r.failed]
        for path in write_summary(outdir, results):
            click.echo(f"已生成：{path}")
        click.echo(f"共 {len(results)} 个单位：{len(results) - len(failed)} 个通过，{len(failed)} 个未通过或无法处理。")
        for result in failed:
            reason = (
                result.message
                or f"{result.errors} 个错误，如：{next(f[3] for f in result.findings if f[0] == 'error')}"
            )
            click.echo(f"  {STATUS_TEXT[result.status]}：{result.source}：{reason}")
        return EXIT_FINDINGS if failed else EXIT_OK

    run(action)


def _progress(total: int):  # type: ignore[no-untyped-def]
    """A tqdm bar on a terminal; plain lines in a pipe or log file."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=total, unit="份", file=sys.stderr)

        def update(done: int, text: str) -> None:
            bar.update(1)
            if done == total:
                bar.close()

        return update

    def line(done: int, text: str) -> None:
        click.echo(f"[{done}/{total}] {text}", err=True)

    return line
