"""`generate-report diff OLD NEW`: what changed from last year, and whether the two years connect."""

from __future__ import annotations

from pathlib import Path

import click

from generator.clitools import exit_code, run, strict_option

FORMAT_CHOICES = ("text", "html", "csv", "json", "docx")  # generator.compare.FORMATS + the Word redline


@click.command(name="diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(FORMAT_CHOICES), default="text", show_default=True, help="输出格式。"
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="写入文件（默认打印）。"
)
@click.option("--all", "include_unchanged", is_flag=True, help="也列出与上年相同的数字和正文。")
@strict_option
def diff_command(old: Path, new: Path, fmt: str, output: Path | None, include_unchanged: bool, strict: bool) -> None:
    """对比上年 OLD 与本年 NEW（同一机关，.xlsx 或 .csv）：每个数字的变化、正文变化、两年衔接核对。

    --format docx -o 文件.docx：本年的 Word 报告，与上年报告的差别显示为 Word 修订（需另装 python-redlines）。

    衔接核对（上年结转、现行有效件数、异常增减、与上年完全相同）只产生警告。退出码与 validate 相同：
    NEW 本身有错误时为 1（加 --strict 时警告也算）。
    """
    if fmt == "docx" and output is None:
        raise click.UsageError("--format docx 需要用 -o 指定要写入的 Word 文件。")
    from generator import load, validate
    from generator.compare import diff, diff_file_bytes, format_diff, redline_docx, summary_lines
    from generator.output import write_atomically

    def action() -> int:
        old_data, new_data = load(old), load(new)
        result = diff(old_data, new_data, include_unchanged=include_unchanged)
        if output is None:
            click.echo(format_diff(result, fmt), nl=False)
            # Text and HTML carry the findings; JSON and CSV stay machine-readable, so they go to stderr.
            for finding in result.findings if fmt in ("json", "csv") else ():
                click.echo(finding.describe(), err=True)
        else:
            content = redline_docx(old_data, new_data) if fmt == "docx" else diff_file_bytes(result, fmt)
            write_atomically(output, content)
            for line in summary_lines(result) + [f.describe() for f in result.findings]:
                click.echo(line)
            click.echo(f"已生成：{output}")
        report = validate(new_data, old_data)
        if report.errors:
            click.echo(f"注意：本年数据 {new.name} 有 {len(report.errors)} 个错误：", err=True)
            for finding in report.errors:
                click.echo(finding.describe(), err=True)
        return exit_code(report, strict)

    run(action)
