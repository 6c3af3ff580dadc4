"""What every command shares: exit codes, the "cannot run" handler, common arguments and options.

Exit codes are a contract: 0 valid, 1 error findings (or warnings under --strict), 2 usage, 3 cannot run.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_CANNOT_RUN = 0, 1, 2, 3


def fail(message: str) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(EXIT_CANNOT_RUN)


def run(action: Callable[[], int]) -> None:
    """Library errors meaning "cannot run" become one Chinese line and exit 3; never a traceback."""
    from generator.exceptions import GenerateReportError

    try:
        code = action()
    except GenerateReportError as err:
        fail(str(err))
    except BrokenPipeError:  # `generate-report validate x | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_FINDINGS)
    except Exception as err:  # last resort: office staff must never see a traceback
        if os.environ.get("GENERATE_REPORT_DEBUG"):
            raise
        fail(
            f"程序内部错误（{type(err).__name__}: {err}）。请把此行和数据文件发给维护人员；设置 GENERATE_REPORT_DEBUG=1 可显示详细信息。"
        )
    sys.exit(code)


def exit_code(report: Any, strict: bool) -> int:
    return EXIT_FINDINGS if report.errors or (strict and report.warnings) else EXIT_OK


def print_findings(report: Any) -> None:
    for finding in report.findings:
        click.echo(finding.describe())
    click.echo(report.summary())


data_argument = click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
strict_option = click.option("--strict", is_flag=True, help="警告也视为不通过（退出码 1）。")
previous_option = click.option(
    "--previous",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="上年数据文件（.xlsx 或 .csv）：加做两年衔接核对（上年结转、现行有效件数等），只产生警告。",
)
# The rendering options shared by `render` and `batch`.
formats_option = click.option(
    "--format",
    "formats",
    default="docx,html",
    show_default=True,
    help="输出格式，逗号分隔：docx,html,pdf（pdf 由 LibreOffice 从 Word 报告转换）。",
)
template_option = click.option(
    "--template", default=None, help="模板集名称或文件夹（默认按机关类型：政府用 default，部门用 department）。"
)
force_option = click.option("--force", is_flag=True, help="数据有错误也生成报告（报告首行标明未通过校验）。")


def parse_formats(formats: str) -> list[str]:
    """ "docx,html" -> ["docx", "html"]; an unknown or empty list is a usage error (exit 2)."""
    from generator.render import FORMATS

    chosen = [f.strip().lower() for f in re.split(r"[,，、;；\s]+", formats) if f.strip()]  # 全角逗号、顿号 also
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(
            f"不支持的格式 {','.join(unknown) or '（空）'}；可选：{','.join(FORMATS)}", param_hint="--format"
        )
    return chosen


def load_previous(path: Path | None) -> Any:
    """Last year's data for --previous; its errors say it is the previous year's file."""
    from generator import load
    from generator.exceptions import InputError

    if path is None:
        return None
    try:
        return load(path)
    except InputError as err:
        raise InputError(f"上年数据（--previous）：{err}") from err
