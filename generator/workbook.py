"""Writing data as the fill-in workbook (.xlsx) or the CSV long format, laid out from the schema.

The workbook itself (tables, protection, validation, live checks, 填写说明) is built in fillin.py: `init`,
`import` and the bundled samples all come from that one writer.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from generator import schema


def write_csv(values: Mapping[str, object]) -> bytes:
    """The long format as UTF-8 with a BOM, so Excel on Chinese Windows opens it correctly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["key", "value"])
    for key in schema.all_keys():
        if key in values:
            writer.writerow([key, "" if values[key] is None else values[key]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_workbook(values: Mapping[str, object]) -> bytes:
    """A workbook that `load` reads back to the same values (figures, metadata, narrative)."""
    from generator.fillin import write_workbook as fill_in_workbook

    return fill_in_workbook(values)


def read_csv_values(path: Path) -> dict[str, str]:
    """The raw key→value text of a long-format CSV (used to derive the sample workbook from its CSV)."""
    from generator.readers.csv_long import read_csv

    return {key: raw.value for key, raw in read_csv(path).items() if isinstance(raw.value, str)}
