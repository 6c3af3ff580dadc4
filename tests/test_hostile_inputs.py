"""Data files and published pages that are damaged, disguised, enormous or hostile: each ends in one Chinese line
(exit 3) or is read safely, within seconds, and never yields a file no program can open."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE_XLSX, soffice_convert
from docx import Document
from office_files import encrypted_workbook, part, rewritten
from textdump import docx_lines

from generator import load, validate
from generator.format import schema
from generator.readers.sheet_xml import SheetBook
from generator.workbook.csvfile import long_csv
from generator.workbook.writer import write_workbook

GOOD = SAMPLE_XLSX.read_bytes()


def one_line_exit_3(result) -> str:
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith("错误：") and result.stderr.count("\n") == 1, result.stderr
    assert "内部错误" not in result.stderr and "Traceback" not in result.stderr
    return result.stderr


@pytest.fixture(scope="module")
def saved_by_libreoffice(tmp_path_factory) -> dict[str, bytes]:
    """The sample saved by LibreOffice as .xls and as .xlsx (with a shared-string table, as Excel writes)."""
    folder = tmp_path_factory.mktemp("lo")
    source = folder / "sample.xlsx"
    source.write_bytes(GOOD)
    xls = soffice_convert(source, "xls", folder / "xls")
    xlsx = soffice_convert(source, "xlsx", folder / "xlsx")
    return {"xls": xls.read_bytes(), "xlsx": xlsx.read_bytes()}


def test_a_real_xls_renamed_xlsx_is_named_as_such(run, tmp_path, saved_by_libreoffice):
    (tmp_path / "填报.xlsx").write_bytes(saved_by_libreoffice["xls"])
    message = one_line_exit_3(run("validate", "填报.xlsx"))
    assert "这是 Excel 97-2003 格式（.xls）的文件，只是扩展名为 .xlsx" in message


def test_an_encrypted_workbook_is_said_so(run, tmp_path):
    (tmp_path / "加密.xlsx").write_bytes(encrypted_workbook())
    assert "工作簿设置了打开密码（已加密）" in one_line_exit_3(run("validate", "加密.xlsx"))


def _with_sheet3(text: bytes) -> bytes:
    return rewritten(GOOD, {"xl/worksheets/sheet3.xml": text})


BROKEN = {
    "sheet XML cut off": lambda: _with_sheet3(part(GOOD, "xl/worksheets/sheet3.xml")[:4000]),
    "sheet XML not XML": lambda: _with_sheet3(b"<worksheet><sheetData><row><c r='A1'>"),
    "workbook part missing": lambda: rewritten(GOOD, {"xl/workbook.xml": None}),
    "sheet part missing": lambda: rewritten(GOOD, {"xl/worksheets/sheet3.xml": None}),
    "styles not XML": lambda: rewritten(GOOD, {"xl/styles.xml": b"\x00\x01 not xml"}),
    "a Word document renamed": lambda: _word_document(),
    "not a zip": lambda: b"PK\x03\x04 but nothing after",
    "empty file": lambda: b"",
}


def _word_document() -> bytes:
    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_damaged_workbook_is_one_plain_line(run, tmp_path, case):
    (tmp_path / "坏.xlsx").write_bytes(BROKEN[case]())
    one_line_exit_3(run("validate", "坏.xlsx"))
    one_line_exit_3(run("坏.xlsx", "-o", "out"))
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.docx"))


def test_a_style_index_out_of_range_does_not_stop_reading(tmp_path):
    """Only values are read (in openpyxl's streaming mode): a style that does not exist changes none of them."""
    sheet = part(GOOD, "xl/worksheets/sheet3.xml")
    assert b' s="' in sheet
    (tmp_path / "style.xlsx").write_bytes(_with_sheet3(sheet.replace(b' s="', b' s="9999', 5)))
    assert load(tmp_path / "style.xlsx").figures == load(SAMPLE_XLSX).figures


def test_a_bad_shared_string_index_is_one_plain_line(run, tmp_path, saved_by_libreoffice):
    workbook = saved_by_libreoffice["xlsx"]
    names = zipfile.ZipFile(io.BytesIO(workbook)).namelist()
    assert "xl/sharedStrings.xml" in names  # as Excel and LibreOffice write workbooks
    sheet = SheetBook(zipfile.ZipFile(io.BytesIO(workbook))).parts["表三"]
    damaged = part(workbook, sheet).replace(b't="s"><v>', b't="s"><v>9999', 1)
    (tmp_path / "坏.xlsx").write_bytes(rewritten(workbook, {sheet: damaged}))
    assert "工作簿内容已损坏" in one_line_exit_3(run("validate", "坏.xlsx"))


def _zip_bomb(path: Path, member: str, size: int) -> None:
    """A workbook whose one part inflates to `size` bytes of zeros (a few hundred kilobytes on disk)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in zipfile.ZipFile(io.BytesIO(GOOD)).infolist():
            if info.filename != member:
                archive.writestr(info, part(GOOD, info.filename))
        with archive.open(member, "w", force_zip64=True) as stream:
            block = b"\0" * (1 << 22)
            for _ in range(size // len(block)):
                stream.write(block)


def test_a_zip_bomb_is_refused_within_seconds(run, tmp_path):
    _zip_bomb(tmp_path / "炸弹.xlsx", "xl/worksheets/sheet3.xml", 1 << 30)  # one gigabyte
    assert (tmp_path / "炸弹.xlsx").stat().st_size < 5_000_000
    start = time.monotonic()
    message = one_line_exit_3(run("validate", "炸弹.xlsx"))
    assert time.monotonic() - start < 5
    assert "解压后有 1,024 MB，过大" in message


def test_a_sheet_of_too_many_cells_is_refused_before_parsing(run, tmp_path):
    rows = b"".join(
        b'<row r="%d">' % r
        + b"".join(b'<c r="%s%d"><v>1</v></c>' % (c, r) for c in (b"A", b"B", b"C", b"D", b"E"))
        + b"</row>"
        for r in range(1, 120_001)
    )
    sheet = part(GOOD, "xl/worksheets/sheet3.xml")
    head = sheet[: sheet.index(b"<sheetData>") + len(b"<sheetData>")]
    (tmp_path / "大.xlsx").write_bytes(_with_sheet3(head + rows + b"</sheetData></worksheet>"))
    start = time.monotonic()
    message = one_line_exit_3(run("validate", "大.xlsx"))
    assert time.monotonic() - start < 10
    assert "工作表「表三」有 500,000 个以上的单元格、100,000 行以上" in message


def test_a_huge_extra_sheet_is_never_read(tmp_path, sample_values):
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(write_workbook(sample_values)))
    extra = workbook.create_sheet("人员名单")
    for r in range(1, 50_001):
        extra.append([r, "某某", "科员"])
    workbook.save(tmp_path / "带名单.xlsx")
    start = time.monotonic()
    assert validate(load(tmp_path / "带名单.xlsx")).valid
    assert time.monotonic() - start < 5


def test_a_row_inserted_into_a_table_is_reported_once(run, tmp_path, sample_values):
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(write_workbook(sample_values)))
    workbook["表三"].protection.sheet = False  # what staff do first
    workbook["表三"].insert_rows(12)
    workbook.save(tmp_path / "插行.xlsx")
    message = one_line_exit_3(run("validate", "插行.xlsx"))
    assert "表三的行列与标准格式不一致（第 12 行多出一行）" in message


def test_a_sheet_name_with_a_trailing_space_is_read_with_a_hint(run, tmp_path, sample_values):
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(write_workbook(sample_values)))
    workbook["正文"].title = "正文 "
    workbook.save(tmp_path / "空格.xlsx")
    result = run("validate", "空格.xlsx")
    assert result.exit_code == 0, result.output
    assert "工作表名称「正文 」与标准名称「正文」只差空格或全角半角，已按「正文」读取" in result.stdout
    assert load(tmp_path / "空格.xlsx").narrative == load(SAMPLE_XLSX).narrative


def test_a_very_long_narrative_cell_in_a_csv_is_read(tmp_path, sample_values):
    sample_values["narrative.problems"] = "政策解读形式单一。" * 200_000  # 1.8 million characters in one field
    (tmp_path / "长.csv").write_bytes(long_csv(sample_values))
    assert len(load(tmp_path / "长.csv").narrative["narrative.problems"][0]) == 1_800_000


def test_a_csv_far_larger_than_any_year_is_refused(run, tmp_path):
    (tmp_path / "大.csv").write_bytes(b"key,value\n" + b"meta.body," + b"x" * (40 << 20) + b"\n")
    assert "不像是一个单位一年的数据" in one_line_exit_3(run("validate", "大.csv"))


@pytest.mark.parametrize("where", ["csv", "xlsx"])
def test_1e309_in_the_fee_cell_is_an_error_not_infinity(tmp_path, sample_values, where):
    if where == "csv":
        sample_values["t2.art20_8.admin_fees.amount_wan_yuan"] = "1E309"
        (tmp_path / "d.csv").write_bytes(long_csv(sample_values))
        path = tmp_path / "d.csv"
    else:
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(write_workbook(sample_values)))
        fee = schema.figures()["t2.art20_8.admin_fees.amount_wan_yuan"]
        workbook[fee.sheet][fee.cell] = float("inf")  # what Excel's 1E309 reads as
        workbook.save(tmp_path / "d.xlsx")
        path = tmp_path / "d.xlsx"
    report = validate(load(path))
    assert ("E-cell", "t2.art20_8.admin_fees.amount_wan_yuan") in report.flatten()
    assert "Infinity" not in str(report.to_dict()) and "inf" not in str(load(path).figures.values())


def test_control_characters_in_the_body_name_never_break_the_word_file(run, tmp_path, sample_values):
    sample_values["meta.body"] = "孟州市\x07人民\x0b政府\x00"
    sample_values["narrative.problems"] = "存在的\x1f主要问题：\x08政策解读形式单一。"
    (tmp_path / "控制.csv").write_bytes(long_csv(sample_values))
    result = run("控制.csv", "-o", "out")
    assert result.exit_code == 0, result.output
    assert "「发布机关」中有不可见的控制字符（\\x07\\x0b\\x00），已删去" in result.stdout
    docx = tmp_path / "out" / "控制.docx"
    lines = docx_lines(docx.read_bytes())  # python-docx opens it
    assert any("孟州市人民政府" in line for line in lines)
    converted = soffice_convert(docx, "txt", tmp_path / "lo")  # and LibreOffice does
    assert "孟州市人民政府" in converted.read_text(encoding="utf-8", errors="replace")


def test_an_imported_page_carrying_template_marks_is_never_run(run, tmp_path):
    seed = Path(__file__).parent / "fixtures" / "mengzhou-2023-pasted.txt"
    text = seed.read_text(encoding="utf-8")
    loops = "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}"
    text = text.replace(
        "存在的主要问题及改进情况\n",
        f"存在的主要问题及改进情况\n{loops}{{{{ meta.__class__ }}}}{{{{ t3.new_received.total }}}}\n",
        1,
    )
    (tmp_path / "page.txt").write_text(text, encoding="utf-8")
    start = time.monotonic()
    imported = run("import", "page.txt", "-o", "y.csv")
    assert imported.exit_code in (0, 1), imported.output
    assert "已改为全角括号" in imported.stdout
    problems = load(tmp_path / "y.csv").narrative["narrative.problems"]
    assert "｛% for a in range(100000) %｝" in problems[0] and "｛｛ t3.new_received.total ｝｝" in problems[0]
    rendered = run("y.csv", "-o", "out", "--force")
    assert time.monotonic() - start < 30
    assert rendered.exit_code in (0, 1)
    page = (tmp_path / "out" / "y.html").read_text(encoding="utf-8")
    assert "｛｛ t3.new_received.total ｝｝" in page  # printed as written, not filled in


def test_a_huge_or_deeply_nested_page_finishes_or_refuses_within_seconds(run, tmp_path):
    seed = (Path(__file__).parent / "fixtures" / "mengzhou-2023-pasted.txt").read_text(encoding="utf-8")
    body = "".join(f"<p>{line}</p>" for line in seed.splitlines())
    (tmp_path / "deep.html").write_text("<div>" * 200_000 + body + "</div>" * 200_000, encoding="utf-8")
    (tmp_path / "huge.html").write_bytes(b"<p>" + b"x" * (12 << 20) + b"</p>")
    start = time.monotonic()
    deep = run("import", "deep.html", "-o", "deep.csv")
    assert deep.exit_code in (0, 1) and "内部错误" not in deep.output, deep.output
    assert time.monotonic() - start < 15
    start = time.monotonic()
    assert "远大于一份年度报告" in one_line_exit_3(run("import", "huge.html", "-o", "huge.csv"))
    assert time.monotonic() - start < 5


def test_a_zip_bomb_as_a_report_to_import_is_refused(run, tmp_path):
    with (
        zipfile.ZipFile(tmp_path / "炸弹.docx", "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/document.xml", "w", force_zip64=True) as stream,
    ):
        for _ in range(64):
            stream.write(b"\0" * (1 << 22))
    assert "过大" in one_line_exit_3(run("import", "炸弹.docx", "-o", "x.csv"))


def test_a_full_disk_and_a_closed_stream_are_plain_lines(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for redirect in ("> /dev/full", ">&-"):
        result = subprocess.run(
            f"{sys.executable} -m generator schema {redirect}", shell=True, capture_output=True, text=True, env=env
        )
        assert result.returncode == 3, result.stderr
        assert result.stderr.startswith("错误：无法输出结果：") and "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["表三 ", "&#x8868;三"])
def test_a_sheet_read_under_a_spaced_or_escaped_name_is_size_checked_too(run, tmp_path, name):
    """表三 renamed "表三 " (or written as a character reference) is still read as 表三, so it is checked as 表三:
    a 60 MB sheet zipped to a few kilobytes is refused, not inflated."""
    sheet = part(GOOD, "xl/worksheets/sheet3.xml")
    head = sheet[: sheet.index(b"<sheetData>") + len(b"<sheetData>")]
    huge = head + b'<row r="1">' + b"<a/>" * 15_000_000 + b"</row></sheetData></worksheet>"
    book = part(GOOD, "xl/workbook.xml").replace('name="表三"'.encode(), f'name="{name}"'.encode())
    (tmp_path / "改名.xlsx").write_bytes(rewritten(GOOD, {"xl/worksheets/sheet3.xml": huge, "xl/workbook.xml": book}))
    start = time.monotonic()
    message = one_line_exit_3(run("validate", "改名.xlsx"))
    assert time.monotonic() - start < 10
    assert "解压后有 57 MB，过大" in message


def test_a_sheet_of_too_many_elements_is_refused_before_parsing(run, tmp_path):
    """Within the size limit, a row holding a million empty elements would be held whole while it is parsed."""
    sheet = part(GOOD, "xl/worksheets/sheet3.xml")
    head = sheet[: sheet.index(b"<sheetData>") + len(b"<sheetData>")]
    (tmp_path / "元素.xlsx").write_bytes(
        _with_sheet3(head + b'<row r="1">' + b"<a/>" * 2_000_000 + b"</row></sheetData></worksheet>")
    )
    message = one_line_exit_3(run("validate", "元素.xlsx"))
    assert "工作表「表三」有 500,000 个以上的单元格、100,000 行以上或 1,500,000 个以上的 XML 元素" in message


def test_a_style_table_of_too_many_elements_is_refused(run, tmp_path):
    styles = part(GOOD, "xl/styles.xml").replace(b"<fonts", b"<extra>" + b"<a/>" * 2_000_000 + b"</extra><fonts", 1)
    (tmp_path / "样式.xlsx").write_bytes(rewritten(GOOD, {"xl/styles.xml": styles}))
    assert "xl/styles.xml 有 1,500,000 个以上的 XML 元素" in one_line_exit_3(run("validate", "样式.xlsx"))


def test_a_sheet_declaring_its_own_entities_is_refused(run, tmp_path):
    """Entities are never expanded; a value holding one would silently lose its text, so the file is refused."""
    sheet = part(GOOD, "xl/worksheets/sheet3.xml")
    declared = b'<!DOCTYPE worksheet [<!ENTITY n "1">]>' + sheet.replace(b"<v>146</v>", b"<v>1&n;6</v>", 1)
    (tmp_path / "实体.xlsx").write_bytes(_with_sheet3(declared))
    assert "工作簿内容已损坏" in one_line_exit_3(run("validate", "实体.xlsx"))


def test_a_figure_of_thousands_of_digits_is_a_finding_not_a_crash(tmp_path, sample_values):
    sample_values["t3.new_received.natural_person"] = "9" * 5000
    path = tmp_path / "长.csv"
    path.write_bytes(long_csv(sample_values))
    report = validate(load(path))
    finding = next(f for f in report.errors if f.key == "t3.new_received.natural_person")
    assert "不是数字" in finding.message and len(finding.message) < 200
