"""`generate-report schema`: every key of the data contract with its label, kind and place in the workbook."""

from __future__ import annotations

import json
from typing import Any

import click

from generator.cli.zh import ZhCommand
from generator.format import schema
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


@click.command(cls=ZhCommand, name="schema", short_help="列出全部数据键、中文名称、类型和工作簿位置。")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True, help="输出格式。"
)
def schema_command(fmt: str) -> None:
    """列出全部数据键：键、中文名称、类型（count 整数 / wan_yuan 万元 / text 文字）、工作簿位置。"""
    rows = schema_rows()
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "csv":  # for scripts: no BOM, one line per key
        text = csv_bytes(list(rows[0]), [list(r.values()) for r in rows], bom=False, line_end="\n")
        click.echo(text.decode("utf-8"), nl=False)
    else:
        for row in rows:
            click.echo(f"{row['key']}\t{row['label']}\t{row['kind']}\t{row['location']}")
