"""A region's published reports for the audit tests: the import cases (pasted text, pages, Markdown), one of them
printed to PDF by LibreOffice, synthetic bodies over two years (one whose carry-over does not match), a Word
report, this tool's own workbook and CSV, and files that are no report at all."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from synthetic import following_year, published_page, synthetic_values

from generator import render, validate
from generator.format.model import RawValue, assemble
from generator.readers.csv_long import read_values

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "import_cases"
SAMPLES = ROOT / "data_samples"
# Partial imports leave figures out by design; the others are whole, with exactly their planted problems.
LEFT_OUT_CASES = frozenset({"pdf_text_raw", "pdf_unruled"})


@dataclass
class Expected:
    """What the audit must find for one file: its body and year, and its errors as (code, key) pairs."""

    body: str
    year: int
    errors: list[tuple[str, str]] = field(default_factory=list)


def print_pdf(source: Path, folder: Path) -> Path:
    """`source` (.html) printed to PDF by LibreOffice, as an office exports its report."""
    assert shutil.which("soffice"), "LibreOffice (soffice) is required: bash tools/install-test-deps.sh"
    work = folder / f".print-{source.parent.name}"
    work.mkdir(parents=True)
    command = ["soffice", "--headless", f"-env:UserInstallation={(work / 'profile').as_uri()}"]
    command += ["--infilter=HTML (StarWriter)", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work)]
    subprocess.run([*command, str(source)], check=True, capture_output=True, timeout=300)
    return work / f"{source.stem}.pdf"


def carry_mismatch(values: dict[str, str]) -> dict[str, str]:
    """One more application carried over from last year than last year carried forward, one fewer received:
    every single-year rule still holds, W-carry does not."""
    changed = dict(values)
    for row, step in (("carried_over", 1), ("new_received", -1)):
        for column in ("natural_person", "total"):
            key = f"t3.{row}.{column}"
            changed[key] = str(int(changed[key]) + step)
    assert int(changed["t3.new_received.natural_person"]) >= 0
    return changed


def make_region(folder: Path, planted: dict[str, list[tuple[str, str]]], pdf: bool = True) -> dict[str, Expected]:
    """The region's folder; returns each report file's name (relative to `folder`) and what the audit must find."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, Expected] = {}
    for case in sorted(d for d in CASES.iterdir() if d.is_dir() and d.name not in LEFT_OUT_CASES):
        values = read_values(case / "expected.csv")
        report = next((p for p in case.iterdir() if p.name.startswith("report.")), None)
        if report is None:
            if not pdf or not (case / "source.html").exists():
                continue
            report = print_pdf(case / "source.html", folder)
        name = f"各部门/{case.name}{report.suffix}"
        (folder / name).parent.mkdir(exist_ok=True)
        shutil.copy(report, folder / name)
        errors = sorted(set(planted.get(case.name, [])))
        expected[name] = Expected(values["meta.body"], int(values["meta.year"]), errors)

    (folder / "乡镇").mkdir(exist_ok=True)
    for seed, mismatch in ((11, False), (12, True)):
        before = synthetic_values(seed, 2022)
        after = following_year(before, seed + 1000)
        if mismatch:
            after = carry_mismatch(after)
        for values, suffix in ((before, "2022.html"), (after, "2023.html")):
            name = f"乡镇/第{seed}局-{suffix}"
            (folder / name).write_bytes(published_page(values))
            expected[name] = Expected(values["meta.body"], int(values["meta.year"]))
    word = synthetic_values(13, 2023)
    word_data = assemble("word", {key: RawValue(value) for key, value in word.items()})
    (folder / "乡镇" / "第13局.docx").write_bytes(render(word_data, validate(word_data), ["docx"])["docx"])
    expected["乡镇/第13局.docx"] = Expected(word["meta.body"], 2023)

    (folder / "填报").mkdir(exist_ok=True)
    shutil.copy(SAMPLES / "mengzhou-2022.xlsx", folder / "填报" / "mengzhou-2022.xlsx")
    shutil.copy(SAMPLES / "mengzhou-2023.csv", folder / "填报" / "mengzhou-2023.csv")
    for name, year in (("填报/mengzhou-2022.xlsx", 2022), ("填报/mengzhou-2023.csv", 2023)):
        expected[name] = Expected("孟州市人民政府", year)

    (folder / "乡镇" / "~$第13局.docx").write_bytes(b"lock")  # Word's lock file: never read
    (folder / "乡镇" / ".隐藏.html").write_text("hidden", encoding="utf-8")
    (folder / "说明.txt").write_text("这个文件夹里是各单位发布的年度报告。\n", encoding="utf-8")  # no report at all
    compound = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the start of every Office 97-2003 file
    (folder / "乡镇" / "第14局.doc").write_bytes(compound + b"Word 97-2003" + bytes(500))
    (folder / "填报" / "旧表.xls").write_bytes(compound + b"Excel 97-2003" + bytes(500))
    return expected


# The files of the region that are no report the audit can read: 说明.txt, 第14局.doc, 旧表.xls.
UNREADABLE = 3
