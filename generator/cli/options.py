"""What every command shares: exit codes, the "cannot run" handler, common arguments and options.

Exit codes are a contract: 0 valid, 1 error findings (or warnings under --strict), 2 usage, 3 cannot run.
Each option is defined once here and has one meaning wherever it appears: --force renders despite errors,
--overwrite replaces an existing file, -o names a folder for commands that write several files and a file for
those that write one.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from generator.checks.findings import ValidationReport
from generator.exceptions import GenerateReportError, InputError, os_reason
from generator.format.model import ReportData
from generator.readers import load
from generator.render import FORMATS

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_CANNOT_RUN = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it (128 + SIGINT)


def fail(message: str) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(EXIT_CANNOT_RUN)


def interrupted() -> None:
    """Ctrl-C: one line and exit 130; files are written whole or not at all, so nothing is left half-done."""
    click.echo("已中断（Ctrl-C）。", err=True)
    sys.exit(EXIT_INTERRUPTED)


def waiting_notice(folder: Path) -> Callable[[], None]:
    """What a run says when another one is writing into the same folder and it has to wait."""
    return lambda: click.echo(f"文件夹 {folder} 正由另一个 generate-report 写入，等它完成后继续……", err=True)


def run(action: Callable[[], int]) -> None:
    """Library errors meaning "cannot run" become one Chinese line and exit 3; never a traceback."""
    try:
        code = action()
    except GenerateReportError as err:
        fail(str(err))
    except BrokenPipeError:  # `generate-report validate x | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_FINDINGS)
    except KeyboardInterrupt:
        interrupted()
    except OSError as err:  # a file or folder the operating system refused, in its own words made Chinese
        if not err.filename:
            raise  # printing the results failed (a full disk): the command group says so
        fail(f"{err.filename}：{os_reason(err)}")
    except Exception as err:  # last resort: office staff must never see a traceback
        if os.environ.get("GENERATE_REPORT_DEBUG"):
            raise
        fail(
            f"程序内部错误（{type(err).__name__}: {err}）。请把此行和数据文件发给维护人员；设置 GENERATE_REPORT_DEBUG=1 可显示详细信息。"
        )
    sys.exit(code)


def about_file(source: str | Path, message: str) -> str:
    """ "path：message" for one file among many, its name not said twice when the message starts with it."""
    return f"{source}：{message.removeprefix(f'{Path(source).name}：')}"


def exit_code(report: ValidationReport, strict: bool) -> int:
    return EXIT_FINDINGS if report.errors or (strict and report.warnings) else EXIT_OK


def print_findings(report: ValidationReport) -> None:
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
overwrite_option = click.option(
    "--overwrite",
    is_flag=True,
    help="替换已存在的文件，即使它不是本工具生成的或生成后被修改过（如在 Word 中改过的报告）；不加时这样的文件保持不变，退出码 3。",
)
# init and import spelled "replace the file" --force before --overwrite existed; the old spelling still works.
old_force_option = click.option("--force", "old_force", is_flag=True, hidden=True)


def overwrite_wanted(overwrite: bool, old_force: bool) -> bool:
    if old_force:
        click.echo("提示：--force 在此命令中已改名为 --overwrite（覆盖已有文件），旧写法仍可使用。", err=True)
    return overwrite or old_force


# Names of the files these commands write: "-o 报告.docx" would make a folder of that name holding 数据.docx.
FILE_SUFFIXES = (".docx", ".html", ".htm", ".pdf", ".xlsx", ".csv", ".json")


def folder_not_file(_ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path | None:
    """The -o of a command that writes several files names a folder; a name like a file's is a usage error."""
    if value is not None and value.suffix.lower() in FILE_SUFFIXES and not value.is_dir():
        raise click.BadParameter(
            f"这里要写输出文件夹（其中的文件名由本工具取定）；“{value}”像是文件名，请写文件夹名，如 -o {value.stem or '输出'}"
        )
    return value


def output_folder_option(
    help_text: str, required: bool = False, folder: Path | None = Path(".")
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """-o for commands that write several files: a folder (`folder` when not given; None: the command decides)."""
    # click 8.3+ takes an explicit default=None as a value: a required option must have no default at all.
    default: dict[str, Any] = {} if required else {"default": folder, "show_default": folder is not None}
    return click.option(
        "-o",
        "--output",
        "outdir",
        type=click.Path(file_okay=False, path_type=Path),
        required=required,
        callback=folder_not_file,
        help=f"输出文件夹：{help_text}",
        **default,
    )


def output_file_option(help_text: str, required: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """-o for commands that write one file: a file."""
    return click.option(
        "-o",
        "--output",
        "output",
        type=click.Path(dir_okay=False, path_type=Path),
        required=required,
        help=f"输出文件：{help_text}",
    )


def text_or_json_option(help_text: str = "输出格式。") -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """--format text|json: text for people, JSON on standard output for scripts."""
    return click.option(
        "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help=help_text
    )


jobs_option = click.option(
    "-j", "--jobs", type=click.IntRange(min=1), default=None, help="并行进程数（默认且至多为本机 CPU 核数）。"
)


class Progress:
    """Progress through many units: a tqdm bar on a terminal, one line per unit in a pipe or a log file; a
    `note` (a unit that failed) is always printed whole."""

    def __init__(self) -> None:
        self.on_terminal = sys.stderr.isatty()
        self.bar: Any = None

    def step(self, done: int, total: int, text: str) -> None:
        if not self.on_terminal:
            click.echo(f"[{done}/{total}] {text}", err=True)
            return
        if self.bar is None or self.bar.total != total:
            from tqdm import tqdm

            if self.bar is not None:
                self.bar.close()
            self.bar = tqdm(total=total, unit="份", file=sys.stderr)
        self.bar.update(1)
        if done == total:
            self.bar.close()

    def note(self, done: int, total: int, text: str) -> None:
        if self.on_terminal:
            from tqdm import tqdm

            tqdm.write(text, file=sys.stderr)
        else:
            click.echo(f"[{done}/{total}] {text}", err=True)


def check_suffix(path: Path, suffixes: tuple[str, ...], param: str) -> None:
    """An output file whose name says another format than the one written is a usage error (exit 2)."""
    if path.suffix.lower() not in suffixes:
        raise click.BadParameter(f"输出文件应以 {' 或 '.join(suffixes)} 结尾：{path}", param_hint=param)


def parse_formats(formats: str) -> list[str]:
    """ "docx,html" -> ["docx", "html"]; an unknown or empty list is a usage error (exit 2)."""
    chosen = [f.strip().lower() for f in re.split(r"[,，、;；\s]+", formats) if f.strip()]  # 全角逗号、顿号 also
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(
            f"不支持的格式 {','.join(unknown) or '（空）'}；可选：{','.join(FORMATS)}", param_hint="--format"
        )
    return chosen


def load_previous(path: Path | None) -> ReportData | None:
    """Last year's data for --previous; its errors say it is the previous year's file."""
    if path is None:
        return None
    try:
        return load(path)
    except InputError as err:
        raise InputError(f"上年数据（--previous）：{err}") from err
