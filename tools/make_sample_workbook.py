"""Rebuild data_samples/*.xlsx from the CSV of the same name (the CSV is the sample's source)."""

from __future__ import annotations

import sys
from pathlib import Path

from generator.readers.csv_long import read_values
from generator.workbook.writer import write_workbook


def main(paths: list[str]) -> None:
    for name in paths:
        csv_path = Path(name)
        xlsx_path = csv_path.with_suffix(".xlsx")
        xlsx_path.write_bytes(write_workbook(read_values(csv_path)))
        print(f"{csv_path} -> {xlsx_path}")


if __name__ == "__main__":
    main(sys.argv[1:] or [str(p) for p in Path("data_samples").glob("*.csv")])
