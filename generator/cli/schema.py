"""`generate-report schema`: every key of the data contract with its label, kind and place in the workbook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from generator.cli.options import EXIT_OK, output_file_option, overwrite_option, run
from generator.cli.zh import ZhCommand
from generator.format import schema
from generator.render.writing.output import write_file
from generator.workbook.csvfile import csv_bytes


def schema_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for field in schema.META_FIELDS:
        location = schema.text_field_location(field.key)
        rows.append(
            {"key": field.key, "label": field.label, "kind": "text", "required": field.required, "location": location}
        )
    for fig in schema.figures().values():
        rows.append(
            {"key": fig.key, "label": fig.label, "kind": fig.kind.value, "required": True, "location": fig.location}
        )
    for field in schema.NARRATIVE_FIELDS:
        location = schema.text_field_location(field.key)
        rows.append({"key": field.key, "label": field.label, "kind": "text", "required": False, "location": location})
    return rows


CSV_HEADER = ("键", "名称", "类型", "必填", "工作簿位置")
SUFFIX_FORMATS = {".csv": "csv", ".json": "json"}


def kind_label(kind: str) -> str:
    return "文字" if kind == "text" else schema.Kind(kind).label


def schema_csv(rows: list[dict[str, Any]], bom: bool) -> bytes:
    """For Excel and people: Chinese headings and kinds, 是/否 for required; scripts read --format json."""
    cells = [
        [r["key"], r["label"], kind_label(r["kind"]), "是" if r["required"] else "否", r["location"]] for r in rows
    ]
    return csv_bytes(CSV_HEADER, cells, bom=bom, line_end="\n")


def schema_text(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return schema_csv(rows, bom=False).decode("utf-8")
    return "".join(f"{row['key']}\t{row['label']}\t{row['kind']}\t{row['location']}\n" for row in rows)


@click.command(cls=ZhCommand, name="schema", short_help="列出全部数据键、中文名称、类型和工作簿位置。")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default=None,
    help="输出格式（默认 text；给了 -o 时按文件的扩展名，.csv 为 csv，.json 为 json）。",
)
@output_file_option("列表写入这个文件（默认打印到屏幕）；.csv 文件可直接用 Excel 打开。", required=False)
@overwrite_option
def schema_command(fmt: str | None, output: Path | None, overwrite: bool) -> None:
    """列出全部数据键：键、中文名称、类型（count 整数 / wan_yuan 万元 / text 文字）、工作簿位置。

    --format csv 的表头为中文（键、名称、类型、必填、工作簿位置）；给程序用的请选 --format json。
    """
    implied = SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None
    if fmt is not None and implied is not None and fmt != implied:
        raise click.BadParameter(f"--format {fmt} 与输出文件的扩展名不符：{output}", param_hint="-o")
    chosen = fmt or implied or "text"

    def action() -> int:
        rows = schema_rows()
        if output is None:
            click.echo(schema_text(rows, chosen), nl=False)
            return EXIT_OK
        content = schema_csv(rows, bom=True) if chosen == "csv" else schema_text(rows, chosen).encode("utf-8")
        click.echo(f"已生成：{write_file(output, content, overwrite)}")
        return EXIT_OK

    run(action)
