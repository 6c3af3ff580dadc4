"""`generate-report diff OLD NEW`: what changed from last year, and whether the two years connect."""

from __future__ import annotations

from pathlib import Path

import click

import generator
from generator.cli.options import exit_code, output_file_option, overwrite_option, run, strict_option
from generator.cli.zh import ZhCommand
from generator.compare.formats import FORMATS, diff_file_bytes, format_diff, summary_lines
from generator.compare.redline import redline_docx
from generator.render.writing.output import write_file

FORMAT_CHOICES = (*FORMATS, "docx")  # the Word redline needs a file
# "-o 对比.html" without --format means the page, not the terminal's text under a .html name.
SUFFIX_FORMATS = {".html": "html", ".htm": "html", ".csv": "csv", ".json": "json", ".docx": "docx"}


@click.command(cls=ZhCommand, name="diff", short_help="与上年对比：数字变化、正文变化、两年衔接核对。")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMAT_CHOICES),
    default=None,
    help="输出格式（默认：text；给了 -o 时按文件的扩展名，如 对比.html 为 html）。",
)
@output_file_option("对比结果写入这个文件（默认打印到屏幕）。", required=False)
@click.option("--all", "include_unchanged", is_flag=True, help="也列出与上年相同的数字和正文。")
@strict_option
@overwrite_option
def diff_command(
    old: Path, new: Path, fmt: str | None, output: Path | None, include_unchanged: bool, strict: bool, overwrite: bool
) -> None:
    """对比上年 OLD 与本年 NEW（同一机关，.xlsx 或 .csv）：每个数字的变化、正文变化、两年衔接核对。

    --format docx -o 文件.docx：本年的 Word 报告，与上年报告的差别显示为 Word 修订（需另装 python-redlines）。

    衔接核对（上年结转、现行有效件数、异常增减、与上年完全相同）只产生警告。退出码与 validate 相同：
    NEW 本身有错误时为 1（加 --strict 时警告也算）。
    """
    if output is not None and output.suffix.lower() == ".xlsx":
        raise click.BadParameter(
            f"对比结果不写成 Excel 工作簿，请写成 .csv（Excel 可直接打开）：{output}", param_hint="-o"
        )
    implied = SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None
    if fmt is not None and implied is not None and fmt != implied:
        raise click.BadParameter(f"--format {fmt} 与输出文件的扩展名不符：{output}", param_hint="-o")
    fmt = fmt or implied or "text"
    if fmt == "docx" and output is None:
        raise click.UsageError("--format docx 需要用 -o 指定要写入的 Word 文件。")

    def action() -> int:
        old_data, new_data = generator.load(old), generator.load(new)
        result = generator.diff(old_data, new_data, include_unchanged=include_unchanged)
        if output is None:
            click.echo(format_diff(result, fmt), nl=False)
            # JSON and CSV carry the findings as records; the person at the terminal also reads them on stderr.
            for finding in result.findings if fmt in ("json", "csv") else ():
                click.echo(finding.describe(), err=True)
        else:
            content = redline_docx(old_data, new_data) if fmt == "docx" else diff_file_bytes(result, fmt)
            write_file(output, content, overwrite)
            for line in summary_lines(result) + [f.describe() for f in result.findings]:
                click.echo(line)
            click.echo(f"已生成：{output}")
        report = generator.validate(new_data, old_data)
        if report.errors:
            click.echo(f"注意：本年数据 {new.name} 有 {len(report.errors)} 个错误：", err=True)
            for finding in report.errors:
                click.echo(finding.describe(), err=True)
        return exit_code(report, strict)

    run(action)
