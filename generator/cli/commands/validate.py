"""`validate`: check one data file — or many, a folder of them or a pattern, in one process."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

import generator
from generator.bulk.batch import expand_inputs
from generator.checks.findings import ValidationReport
from generator.cli.options import (
    EXIT_FINDINGS,
    EXIT_OK,
    about_file,
    exit_code,
    load_previous,
    previous_option,
    print_findings,
    run,
    strict_option,
    text_or_json_option,
)
from generator.cli.zh import ZhCommand
from generator.exceptions import GenerateReportError


def _cannot_run(source: str, err: GenerateReportError) -> dict[str, object]:
    return {"source": source, "valid": False, "cannot_run": str(err), "findings": []}


@click.command(cls=ZhCommand, name="validate", short_help="只校验，列出全部错误和警告（含工作表、单元格）。")
@click.argument("data", nargs=-1, required=True)
@text_or_json_option(
    "json：校验结果输出到屏幕（标准输出）；多个文件时另有各文件的结果列表 files 与通过、未通过的个数。"
)
@strict_option
@previous_option
def validate_command(data: tuple[str, ...], fmt: str, strict: bool, previous: Path | None) -> None:
    """只校验 DATA，列出每个错误和警告（含工作表、单元格、期望值与实际值）。

    DATA 可以是多个文件、文件夹或通配符（如 "各单位/*.xlsx"）：在一个进程中逐个校验，最后汇总；
    此时 --format json 输出 {"files": [每个文件的结果…]}，读不了的文件也在其中，退出码为 1。
    """
    single = len(data) == 1 and not Path(data[0]).is_dir() and not any(ch in data[0] for ch in "*?[")
    if not single and previous is not None:
        raise click.UsageError("--previous 只能与一个数据文件一起使用。")
    run((lambda: _one(Path(data[0]), fmt, strict, previous)) if single else (lambda: _many(data, fmt, strict)))


def _one(data: Path, fmt: str, strict: bool, previous: Path | None) -> int:
    try:
        report = generator.validate(generator.load(data), load_previous(previous))
    except GenerateReportError as err:
        if fmt == "json":  # scripts get JSON on stdout even when the file cannot be read
            click.echo(json.dumps(_cannot_run(str(data), err), ensure_ascii=False))
        raise
    if fmt == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_findings(report)
    return exit_code(report, strict)


def _many(inputs: tuple[str, ...], fmt: str, strict: bool) -> int:
    """Every file in turn; a file that cannot be read is one entry among the others, never the end of the run."""
    entries: list[dict[str, object]] = []
    counts = {"valid": 0, "invalid": 0, "unreadable": 0}
    worst = EXIT_OK
    for path in expand_inputs(inputs, as_given=True):
        try:
            report: ValidationReport = generator.validate(generator.load(path))
        except GenerateReportError as err:
            counts["unreadable"] += 1
            worst = EXIT_FINDINGS
            entries.append(_cannot_run(str(path), err))
            if fmt == "text":
                click.echo(f"[无法读取] {about_file(path, str(err))}")
            continue
        counts["valid" if report.valid else "invalid"] += 1
        worst = max(worst, exit_code(report, strict))
        entries.append(report.to_dict())
        if fmt == "text":  # the summary names the path: units often send files of the same name
            print_findings(dataclasses.replace(report, source=str(path)))
    total = len(entries)
    if fmt == "json":
        summary = {"file_count": total, **{f"{k}_count": v for k, v in counts.items()}, "valid": worst == EXIT_OK}
        click.echo(json.dumps({**summary, "files": entries}, ensure_ascii=False, indent=2))
    else:
        click.echo(
            f"共 {total} 个文件：{counts['valid']} 个通过，{counts['invalid']} 个未通过，{counts['unreadable']} 个无法读取。"
        )
    return worst
