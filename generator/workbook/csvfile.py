"""CSV files as this tool writes them: UTF-8 with a BOM (Excel on Chinese Windows opens them right), CRLF line
ends, and no cell that Excel would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

from generator.format import schema
from generator.format.cells import guard_formula


def csv_bytes(
    header: Sequence[str], rows: Iterable[Sequence[object]], bom: bool = True, line_end: str = "\r\n"
) -> bytes:
    """A whole CSV file; `bom=False` and `line_end="\n"` for output meant for a terminal or a script."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=line_end)
    writer.writerow([guard_formula(h) for h in header])
    writer.writerows([guard_formula(cell) for cell in row] for row in rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def long_csv(values: Mapping[str, object]) -> bytes:
    """The long format (header key,value, keys in schema order) that `load` reads back to the same values."""
    rows = ([key, "" if values[key] is None else values[key]] for key in schema.all_keys() if key in values)
    return csv_bytes(["key", "value"], rows)
