"""`audit`: check a region's published reports at once, with the page's own cells as evidence."""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import click

import generator
from generator.audit.fetch import read_url_list
from generator.audit.regions import read_regions
from generator.audit.run import Event
from generator.audit.session import AuditResult, AuditSettings, report_entries
from generator.cli.options import (
    EXIT_CANNOT_RUN,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    Progress,
    jobs_option,
    output_folder_option,
    overwrite_option,
    run,
    text_or_json_option,
)
from generator.cli.zh import ZhCommand
from generator.exceptions import GenerateReportError, InputError

EVENT_TEXT = {
    "passed": "通过",
    "failed": "未通过",
    "unreadable": "无法读取",
    "unfetched": "无法获取",
    "duplicate": "重复",
}


@click.command(
    cls=ZhCommand, name="audit", short_help="审查辖区内已发布的报告：逐份核对、与上年衔接、出审查报告和通报。"
)
@click.argument("sources", nargs=-1)
@output_folder_option(  # no default folder: -o is asked for unless --format json
    "审查报告.html、审查结果.xlsx、审查通报.docx 和审查数据库（审查.sqlite）写在这里；--format json 时可省略。",
    folder=None,
)
@click.option(
    "--urls",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="网址列表文件（每行一个网址，# 开头的行忽略）：逐个下载后审查，同一网站每秒至多一次请求，下载过的不再下载。",
)
@click.option(
    "--db",
    "database",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="审查数据库文件（默认：输出文件夹中的 审查.sqlite）。历年审查用同一个文件，即可核对与上年的衔接。",
)
@jobs_option
@text_or_json_option("json：把每份报告的发布机关、年度、识别出的数字个数和发现的问题输出到屏幕（标准输出）。")
@click.option("--office", default="", help="发文机关（写在审查通报的开头和落款），如 某某县人民政府办公室。")
@click.option(
    "--notice-template",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="通报的 Word 模板（.docx 文件，或含 notice.docx 的文件夹；默认为内置的 templates/notice）。",
)
@click.option(
    "--timeout", type=click.FloatRange(min=1), default=20.0, show_default=True, help="下载每个网址的超时（秒）。"
)
@click.option(
    "--retries", type=click.IntRange(min=0, max=10), default=2, show_default=True, help="下载失败时重试的次数。"
)
@click.option(
    "--review",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="填好核实结论的 审查结果.xlsx（核实结论、核实说明、更正值三列）：先记入审查数据库，"
    "误报不再计入问题，更正值代替原数字重新核对；以后不加此项也会记住。",
)
@click.option(
    "--regions",
    "regions",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="地区对照表（.csv 或 .xlsx，两列：单位名称、地区）：审查报告和审查结果按地区汇总各单位；"
    "未列出的单位按名称开头的地名归入地区（如 某某市某某区人民政府 归入 某某区）。",
)
@overwrite_option
def audit_command(
    sources: tuple[str, ...],
    outdir: Path | None,
    urls: Path | None,
    database: Path | None,
    jobs: int | None,
    fmt: str,
    office: str,
    notice_template: Path | None,
    timeout: float,
    retries: int,
    overwrite: bool,
    review: Path | None,
    regions: Path | None,
) -> None:
    """审查 SOURCES 中已发布的年度报告（文件、文件夹或通配符：PDF、Word、网页、文字，以及本工具的 .xlsx/.csv），
    以及 --urls 列出的网址。

    逐份找出发布机关和年度，按全部规则核对；数据库中有同一单位上一年的报告时，加做两年衔接核对。
    结果写入输出文件夹（-o）：审查报告.html、审查结果.xlsx、审查通报.docx 和审查数据库 审查.sqlite。

    退出码：全部通过为 0；有报告存在错误或无法读取为 1；没有一份报告能够读取为 3。
    """
    if not sources and urls is None:
        raise click.UsageError("请给出要审查的报告（文件或文件夹），或用 --urls 指定网址列表。")
    if outdir is None and fmt != "json":
        raise click.UsageError("请用 -o 指定输出文件夹（审查报告、审查结果和审查通报写在这里）。")
    if regions is not None:
        try:
            read_regions(regions)  # a bad mapping is the user's to fix: one line, exit 2, before anything is read
        except InputError as err:
            click.echo(f"错误：{err}", err=True)
            sys.exit(EXIT_USAGE)

    def action() -> int:
        addresses = read_url_list(urls) if urls is not None else []
        with tempfile.TemporaryDirectory(prefix="generate-report-audit-") as scratch:
            # --format json without -o or --db: the database only lives for this run.
            db = database if database is not None or outdir is not None else Path(scratch) / "审查.sqlite"
            try:
                result = generator.audit(
                    sources,
                    outdir,
                    addresses,
                    db,
                    jobs,
                    office,
                    notice_template,
                    timeout,
                    retries,
                    _progress(),
                    overwrite,
                    review,
                    regions=regions,
                )
            except GenerateReportError as err:
                if fmt == "json":  # scripts get JSON on standard output even when the audit cannot run
                    click.echo(
                        json.dumps(
                            {"reports": [], "regions": [], "duplicates": [], "cannot_run": str(err)}, ensure_ascii=False
                        )
                    )
                raise
            except KeyboardInterrupt:
                kept = db or AuditSettings(outdir=outdir).database_path()
                click.echo(f"\n已中断：已经读完的报告都已存入审查数据库 {kept}，再次运行时不必重读。", err=True)
                return EXIT_INTERRUPTED
            if fmt == "json":
                _print_json(result)
            else:
                _print_summary(result)
        if result.readable == 0:
            click.echo("错误：没有一份报告能够读取（见上面各行的原因）。", err=True)
            return EXIT_CANNOT_RUN
        return EXIT_OK if result.passed else EXIT_FINDINGS

    run(action)


def _print_json(result: AuditResult) -> None:
    """{"reports": [...], "regions": [...], "duplicates": [...]}, the reports streamed one at a time."""
    _print_warnings(result)
    out = sys.stdout
    out.write('{"reports": [')
    for n, entry in enumerate(report_entries(result)):
        out.write(("," if n else "") + "\n  " + json.dumps(entry, ensure_ascii=False))
    duplicates = [{"source": e.source, "message": e.message} for e in result.outcome.duplicates]
    out.write(f'\n], "regions": {json.dumps(result.regions, ensure_ascii=False)}, ')
    out.write(f'"duplicates": {json.dumps(duplicates, ensure_ascii=False)}}}\n')
    out.flush()


def _print_summary(result: AuditResult) -> None:
    for path in result.outputs:
        click.echo(f"已生成：{path}")
    click.echo(f"审查数据库：{'本次未存入（见警告）' if result.scratch else result.database}")
    if result.reviewed:
        click.echo(f"已记入核实结论 {result.reviewed} 条。")
    if result.stale:
        click.echo(
            f"有 {result.stale} 条核实结论针对的报告内容已经变化，不再适用（见审查结果.xlsx“不再适用的核实结论”）。"
        )
    counts = result.totals
    line = (
        f"共审查 {counts['checked']} 份报告：{counts['passed']} 份通过，{counts['failed']} 份未通过，"
        f"{counts['unreadable'] + counts['unopened']} 份无法读取"
    )
    if counts["unfetched"]:
        line += f"，{counts['unfetched']} 个网址无法获取"
    click.echo(line + f"；错误 {counts['errors']} 处，警告 {counts['warnings']} 处。")
    for entry in report_entries(result):
        if entry["status"] == "passed":
            continue
        first = next((f["message"] for f in entry["findings"] if f["severity"] == "error"), "")
        errors = sum(1 for f in entry["findings"] if f["severity"] == "error")
        who = " ".join(str(part) for part in (entry["body"], entry["year"]) if part)
        if entry["message"]:  # it names the file or address itself
            click.echo(f"  {EVENT_TEXT[entry['status']]}：{entry['message']}")
        else:
            click.echo(f"  {EVENT_TEXT[entry['status']]}：{entry['source']}（{who}）：{errors} 个错误，如：{first}")
    _print_warnings(result)


def _print_warnings(result: AuditResult) -> None:
    for warning in result.warnings:
        click.echo(f"警告：{warning}", err=True)


def _progress() -> Callable[[Event, int, int], None]:
    """A bar or a line per report (and always a whole line per report or address that failed)."""
    progress = Progress()

    def step(event: Event, done: int, total: int) -> None:
        if event.status in ("unfetched", "unreadable"):  # the message names the file or address itself
            progress.note(done, total, f"{EVENT_TEXT[event.status]}：{event.message}")
            if event.status == "unfetched":
                return
            if not progress.on_terminal:
                return
        detail = event.message or " ".join(str(part) for part in (event.body, event.year) if part)
        progress.step(done, total, f"{EVENT_TEXT[event.status]} {event.source}{f'：{detail}' if detail else ''}")

    return step
