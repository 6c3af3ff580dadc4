"""The workbook reader (readers/sheet_xml.py) against openpyxl's read-only mode, cell by cell: workbooks written by
openpyxl, re-saved by LibreOffice, and written by hand with what other programs write (inline and rich strings,
cells and rows without addresses, errors, ISO dates, shared and array formulas, the 1904 calendar)."""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, soffice_convert
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from generator.readers.sheet_xml import SHARED_FORMULA_FOLLOWER, WHOLE_PART, SheetBook


def openpyxl_cells(path: Path) -> dict[str, dict[tuple[int, int], object]]:
    with warnings.catch_warnings():  # "no default style" of the hand-written workbooks
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    found: dict[str, dict[tuple[int, int], object]] = {}
    for sheet in workbook.worksheets:
        cells = found.setdefault(sheet.title, {})
        for row in sheet.iter_rows():
            for cell in row:
                if getattr(cell, "value", None) not in (None, ""):
                    cells[(cell.row, cell.column)] = cell.value
    workbook.close()
    return found


def our_cells(path: Path) -> dict[str, dict[tuple[int, int], object]]:
    with zipfile.ZipFile(path) as archive:
        book = SheetBook(archive)
        return {name: book.cells(name, 1_000_000)[0] for name in book.sheetnames}


def assert_same(path: Path) -> dict[str, dict[tuple[int, int], object]]:
    theirs, ours = openpyxl_cells(path), our_cells(path)
    assert list(ours) == list(theirs)
    for sheet in theirs:
        assert ours[sheet] == theirs[sheet], sheet
        for at, value in theirs[sheet].items():
            assert type(ours[sheet][at]) is type(value), (sheet, at, value)
    return ours


def varied_workbook(path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "表三"
    rows = [
        [146, 0, -3, 0.1, 1e-7, 1e20, 123456789012, 2.5],
        ["  两边有空格  ", "多\n行", "全角１２３", "=SUM(A1:C1)", True, False, "", "12件"],
        [dt.datetime(2025, 1, 20), dt.datetime(2025, 1, 20, 9, 30), dt.time(14, 5), dt.timedelta(hours=30)],
    ]
    for row in rows:
        sheet.append(row)
    sheet["D3"] = dt.datetime(2024, 2, 29)
    sheet["D3"].number_format = 'yyyy"年"m"月"d"日"'
    sheet["E3"] = 45678
    sheet["E3"].number_format = "yyyy-mm-dd;@"
    sheet["F3"] = 45678.5
    sheet["F3"].number_format = '[Red]0.00;"日"'  # a colour and a quoted 日: not a date
    sheet["G3"] = CellRichText(["政务", TextBlock(InlineFont(b=True), "公开"), "年报"])
    sheet["A10"] = "隔了几行"
    sheet["AB5"] = 7  # a column beyond Z
    other = workbook.create_sheet("基本信息 ")
    other["B2"], other["C2"] = "meta.body", "某县人民政府"
    workbook.save(path)


def test_openpyxl_workbooks_read_the_same(tmp_path):
    path = tmp_path / "varied.xlsx"
    varied_workbook(path)
    ours = assert_same(path)
    assert ours["表三"][(3, 1)] == dt.datetime(2025, 1, 20) and ours["表三"][(1, 7)] == 123456789012
    assert ours["表三"][(3, 7)] == "政务公开年报" and ours["表三"][(5, 28)] == 7


def test_the_samples_read_the_same():
    assert_same(ROOT / "data_samples" / "mengzhou-2023.xlsx")


def test_libreoffice_workbooks_read_the_same(tmp_path):
    """LibreOffice writes shared strings, saved formula results and its own styles."""
    path = tmp_path / "varied.xlsx"
    varied_workbook(path)
    saved = soffice_convert(path, "xlsx", tmp_path / "lo")
    ours = assert_same(saved)
    assert ours["表三"][(2, 4)] == 143  # =SUM(A1:C1), calculated and saved by LibreOffice


def hand_written(
    sheet_xml: str, styles: str = "", date1904: bool | str = False, more_strings: int = 0, more_sheets: str = ""
) -> bytes:
    """A minimal workbook around one sheet's XML, as a program other than Excel might write it."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    content_types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/s1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/strings.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
    )
    members = {
        "[Content_Types].xml": content_types,
        "_rels/.rels": f'<Relationships xmlns="{package}"><Relationship Id="r1" Target="xl/workbook.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rel}">'
        + (f'<workbookPr date1904="{date1904 if isinstance(date1904, str) else int(date1904)}"/>')
        + f'<sheets><sheet name="A&amp;B" sheetId="1" r:id="rId7"/>{more_sheets}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{package}">'
        f'<Relationship Id="rId7" Type="{rel}/worksheet" Target="/xl/worksheets/s1.xml"/>'
        f'<Relationship Id="rId8" Type="{rel}/sharedStrings" Target="strings.xml"/>'
        f'<Relationship Id="rId9" Type="{rel}/styles" Target="styles.xml"/></Relationships>',
        "xl/strings.xml": f'<sst xmlns="{main}"><si><t>共享</t></si>'
        '<si><r><t>富</t></r><r><rPr><b/></rPr><t>文本</t></r><rPh sb="0" eb="1"><t>フ</t></rPh></si>'
        '<si><t xml:space="preserve"> x005F_x000D_ </t></si>'
        + "".join(f"<si><t>第{n}项</t></si>" for n in range(more_strings))
        + "</sst>",
        "xl/styles.xml": f'<styleSheet xmlns="{main}">{styles}</styleSheet>',
        "xl/worksheets/s1.xml": f'<worksheet xmlns="{main}"><sheetData>{sheet_xml}</sheetData></worksheet>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


DATE_STYLES = (
    '<numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy/m/d"/></numFmts>'
    '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="176"/><xf numFmtId="46"/>'
    '<xf numFmtId="31"/></cellXfs>'
)


def test_what_other_programs_write_reads_as_openpyxl_reads_it(tmp_path):
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
        '<c r="D1" t="inlineStr"><is><r><t>行内</t></r><r><t>富文本</t></r></is></c>'
        '<c r="E1" t="e"><v>#DIV/0!</v></c><c r="F1" t="str"><f>A1&amp;"x"</f><v>共享x</v></c>'
        '<c r="G1" t="b"><v>1</v></c><c r="H1"><v>1.5E+3</v></c><c r="I1"><v></v></c></row>'
        # A row and cells without addresses: each follows the one before.
        '<row><c><v>5</v></c><c><v>6</v></c><c r="E2"><v>7</v></c><c><v>8</v></c></row>'
        '<row r="4"><c r="A4" s="1"><v>45678</v></c><c r="B4" s="2"><v>45678.25</v></c>'
        '<c r="C4" s="3"><v>1.25</v></c><c r="D4" s="1"><v>0.5</v></c><c r="E4" t="d"><v>2025-01-20T00:00:00</v></c>'
        '<c r="F4" s="1"><v>59</v></c></row>'
    )
    path = tmp_path / "hand.xlsx"
    path.write_bytes(hand_written(sheet, DATE_STYLES))
    ours = assert_same(path)["A&B"]
    assert ours[(1, 1)] == "共享" and ours[(1, 2)] == "富文本" and ours[(1, 3)] == " x000D_ "
    assert ours[(1, 4)] == "行内富文本" and ours[(1, 5)] == "#DIV/0!" and ours[(1, 8)] == 1500.0
    assert ours[(2, 1)] == 5 and ours[(2, 2)] == 6 and ours[(2, 5)] == 7 and ours[(2, 6)] == 8
    assert ours[(4, 1)] == dt.datetime(2025, 1, 21) and ours[(4, 3)] == dt.timedelta(hours=30)
    assert ours[(4, 4)] == dt.time(12, 0) and ours[(4, 6)] == dt.datetime(1900, 2, 28)


def test_the_1904_calendar(tmp_path):
    path = tmp_path / "mac.xlsx"
    path.write_bytes(hand_written('<row r="1"><c r="A1" s="1"><v>44216</v></c></row>', DATE_STYLES, date1904=True))
    assert assert_same(path)["A&B"][(1, 1)] == dt.datetime(2025, 1, 21)


def test_chinese_excel_date_formats_are_dates(tmp_path):
    """numFmtId 31 is yyyy"年"m"月"d"日" in Chinese Excel; openpyxl knows no format by that number and gives the
    serial number, which would read as a wrong figure-like value rather than the 发布日期 it is."""
    path = tmp_path / "zh.xlsx"
    path.write_bytes(hand_written('<row r="1"><c r="A1" s="4"><v>45678</v></c></row>', DATE_STYLES))
    assert our_cells(path)["A&B"][(1, 1)] == dt.datetime(2025, 1, 21)
    assert openpyxl_cells(path)["A&B"][(1, 1)] == 45678


def read_hand_written(tmp_path: Path, sheet: str) -> tuple[dict, dict]:
    """(values, formulas) of the sheet A&B of a hand-written workbook holding `sheet`."""
    path = tmp_path / "hand.xlsx"
    path.write_bytes(hand_written(sheet))
    with zipfile.ZipFile(path) as archive:
        return SheetBook(archive).cells("A&B", 10)


def test_formulas_never_calculated_are_read_in_the_same_pass(tmp_path):
    sheet = (
        '<row r="1"><c r="A1"><f>SUM(B1:C1)</f></c><c r="B1"><f t="shared" ref="B1:B2" si="0">C1*2</f><v>4</v></c>'
        '<c r="C1"><f t="array" ref="C1">TRANSPOSE(A1)</f></c></row>'
        '<row r="2"><c r="B2"><f t="shared" si="0"/></c></row>'
    )
    values, formulas = read_hand_written(tmp_path, sheet)
    assert values == {(1, 2): 4}
    assert formulas == {  # those with no saved result; B1 has one
        (1, 1): "=SUM(B1:C1)",
        (1, 3): "=TRANSPOSE(A1)",
        (2, 2): SHARED_FORMULA_FOLLOWER,
    }


def test_a_large_sheet_is_read_as_it_inflates_and_reading_stops_below_the_rows_asked_for(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 40_001))
    assert len(rows) > WHOLE_PART
    path = tmp_path / "long.xlsx"
    path.write_bytes(hand_written(rows + '<row r="40001"><c r="A40001"><v>broken'))  # never reached
    with zipfile.ZipFile(path) as archive:
        values, _ = SheetBook(archive).cells("A&B", 40, 1, 1)
    assert values == {(r, 1): r for r in range(1, 41)}


def test_a_large_string_table_is_read_as_it_inflates(tmp_path):
    path = tmp_path / "strings.xlsx"
    path.write_bytes(hand_written('<row r="1"><c r="A1" t="s"><v>60002</v></c></row>', more_strings=60_000))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/strings.xml").file_size > WHOLE_PART
    assert assert_same(path)["A&B"] == {(1, 1): "第59999项"}


@pytest.mark.parametrize(
    "sheet",
    [
        '<row r="1"><c r="A1" t="s"><v>9</v></c></row>',  # a shared string that is not there
        '<row r="1"><c r="A1"><v>12件</v></c></row>',  # a number that is not one
        '<row r="1"><c r="A1"><v>1</v></row>',  # broken XML
    ],
)
def test_a_damaged_sheet_is_one_plain_line(tmp_path, sheet):
    from generator.exceptions import InputError
    from generator.readers.xlsx import _opened

    path = tmp_path / "damaged.xlsx"
    path.write_bytes(hand_written(sheet))
    with pytest.raises(InputError, match=r"^damaged\.xlsx：工作簿内容已损坏"), _opened(path) as book:
        book.cells("A&B", 10)


def test_odd_but_valid_xml_reads_as_openpyxl_reads_it(tmp_path):
    """Several <t> or <v> in one place, comments and processing instructions inside a value, rows out of order."""
    sheet = (
        '<row r="2"><c r="A2"><v>1<!-- 注 -->2</v></c><c r="B2"><v>3</v><v>4</v></c>'
        '<c r="C2" t="inlineStr"><is><t>前</t><t>后</t></is></c><c r="D2" t="inlineStr"><is><t>a<?pi x?>b</t></is></c>'
        "</row>"
        '<row r="1"><c r="A1"><v>9</v></c></row>'  # out of order: skipped
        '<row r="2"><c r="E2"><v>9</v></c></row>'  # given twice: skipped
        '<row r="3"><c r="A3"><v>5</v></c></row>'
    )
    path = tmp_path / "odd.xlsx"
    path.write_bytes(hand_written(sheet))
    assert assert_same(path)["A&B"] == {(2, 1): 12, (2, 2): 3, (2, 3): "后", (2, 4): "ab", (3, 1): 5}


@pytest.mark.parametrize("flag", ["TRUE", "True", "on"])
def test_any_true_date1904_flag_means_the_1904_calendar(tmp_path, flag):
    path = tmp_path / "mac.xlsx"
    path.write_bytes(hand_written('<row r="1"><c r="A1" s="1"><v>44216</v></c></row>', DATE_STYLES, date1904=flag))
    assert assert_same(path)["A&B"][(1, 1)] == dt.datetime(2025, 1, 21)


def test_a_sheet_name_given_twice_is_the_first(tmp_path):
    path = tmp_path / "twice.xlsx"
    path.write_bytes(
        hand_written(
            '<row r="1"><c r="A1"><v>1</v></c></row>', more_sheets='<sheet name="A&amp;B" sheetId="2" r:id="rX"/>'
        )
    )
    assert our_cells(path) == {"A&B": {(1, 1): 1}}


def test_iso_dates_and_a_formula_whose_saved_result_is_empty(tmp_path):
    sheet = (
        '<row r="1"><c r="A1" t="d"><v>2025-01-21</v></c><c r="B1" t="d"><v>2025-01-21T10:00:00.123456+08:00</v></c>'
        '<c r="C1" t="d"><v>12:30:00</v></c><c r="D1" t="d"><v>不是日期</v></c>'
        '<c r="E1" t="str"><f>IF(A1="","","x")</f><v></v></c><c r="F1"><f>SUM(A1:B1)</f><v></v></c></row>'
    )
    values, formulas = read_hand_written(tmp_path, sheet)
    assert values == {
        (1, 1): dt.date(2025, 1, 21),
        (1, 2): dt.datetime(2025, 1, 21, 10, 0, 0, 123000),
        (1, 3): dt.time(12, 30),
        (1, 4): "不是日期",
    }
    # E1's result "" was saved (a blank cell); F1's empty number is a formula never calculated, as openpyxl saves it.
    assert formulas == {(1, 6): "=SUM(A1:B1)"}
