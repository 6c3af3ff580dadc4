"""Readers on real files: openpyxl and LibreOffice workbooks, GBK and BOM CSVs; unreadable files fail clearly."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from conftest import SAMPLE_CSV, SAMPLE_XLSX, soffice_convert

from generator import InputError, load, validate
from generator.format import schema


def test_sample_workbook_and_csv_give_the_same_data():
    from_xlsx, from_csv = load(SAMPLE_XLSX), load(SAMPLE_CSV)
    assert len(from_xlsx.figures) == 200
    assert dict(from_xlsx.figures) == dict(from_csv.figures)
    assert dict(from_xlsx.narrative) == dict(from_csv.narrative)
    assert dict(from_xlsx.meta) == dict(from_csv.meta)
    assert from_xlsx.where("t3.granted.total") == "表三!J7"
    assert from_csv.where("meta.body") == "第 2 行"


def test_sample_carries_the_seed_figures():
    data = load(SAMPLE_XLSX)
    assert data.figures["t2.art20_5.licensing.decisions"] == 28414
    assert str(data.figures["t2.art20_8.admin_fees.amount_wan_yuan"]) == "4351.7195"
    assert data.figures["t3.new_received.total"] == 146
    assert data.figures["t3.other.other.org_legal_service"] == 6
    assert data.figures["t4.litigation_direct.corrected"] == 4
    assert len(data.narrative["narrative.problems"]) == 2


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_csv_encodings_are_detected(sample_values, tmp_path, encoding):
    import csv
    import io

    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["key", "value"])
    writer.writerows(sample_values.items())
    path = tmp_path / "data.csv"
    path.write_bytes(out.getvalue().encode(encoding))
    data = load(path)
    assert data.body == "孟州市人民政府"
    assert data.narrative == load(SAMPLE_CSV).narrative
    assert validate(data).valid


def test_csv_multiline_values_and_line_numbers(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text('key,value\nmeta.body,"甲\n乙"\nt3.granted.total,\n', encoding="utf-8")
    data = load(path)
    assert data.body == "甲\n乙"
    assert data.where("t3.granted.total") == "第 4 行"


def test_full_width_and_separators_in_a_workbook(sample_values, write_data):
    sample_values["t2.art20_5.licensing.decisions"] = "２８，４１４"
    sample_values["t3.new_received.natural_person"] = " 91 "
    data = load(write_data(sample_values, "d.xlsx"))
    assert data.figures["t2.art20_5.licensing.decisions"] == 28414
    assert validate(data).valid


def test_formula_without_cached_value_is_a_finding_that_says_what_to_do(write_data, sample_values, tmp_path):
    path = write_data(sample_values, "d.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["表三"]["J5"] = "=SUM(D5:I5)"  # openpyxl writes no cached result
    workbook.save(path)
    report = validate(load(path))
    assert report.flatten() == [("E-cell", "t3.new_received.total"), ("W-meta", "meta.issue_date")]
    assert "没有保存计算结果" in report.errors[0].message and "=SUM(D5:I5)" in report.errors[0].message


def test_workbook_saved_by_libreoffice_reads_back(write_data, sample_values, tmp_path):
    path = write_data(sample_values, "d.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["表三"]["J5"] = "=SUM(D5:I5)"
    workbook.save(path)
    data = load(soffice_convert(path, "xlsx", tmp_path / "lo"))  # recalculated, value saved by LibreOffice
    assert data.figures["t3.new_received.total"] == 146
    assert dict(data.figures) == dict(load(SAMPLE_CSV).figures)


def test_not_a_workbook_renamed_xlsx(tmp_path):
    path = tmp_path / "报表.xlsx"
    path.write_text("这不是工作簿", encoding="utf-8")
    with pytest.raises(InputError, match=r"^报表\.xlsx：不是有效的 Excel 工作簿"):
        load(path)


def test_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match="不是有效的 Excel 工作簿"):
        load(path)


def test_missing_sheet_is_named(write_data, sample_values):
    path = write_data(sample_values, "d.xlsx")
    workbook = openpyxl.load_workbook(path)
    del workbook["表四"]
    workbook.save(path)
    with pytest.raises(InputError, match="缺少工作表“表四”"):
        load(path)


def test_unknown_csv_key_is_named_with_a_suggestion(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("key,value\nmeta.body,甲\nt3.new_recieved.total,5\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(path)
    assert str(caught.value) == "d.csv 第 3 行：未知的键“t3.new_recieved.total”，是否应为“t3.new_received.total”？"


def test_other_unreadable_inputs(tmp_path):
    with pytest.raises(InputError, match="找不到数据文件"):
        load(tmp_path / "none.xlsx")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match="另存为"):
        load(old)
    bad_header = tmp_path / "h.csv"
    bad_header.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="表头 key,value"):
        load(bad_header)


IMPORT_HINT_TEXT = "已发布的报告（PDF、网页、Word 或复制的文字）请先用 generate-report import 导入。"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "上年报告.txt",
            "某某县交通运输局2024年政府信息公开工作年度报告\n一、总体情况\n".encode(),
            "第 1 行应为表头 key,value（键,值），实际为“某某县交通运输局2024年政府信息公开工作年度报告”；",
        ),
        ("上年报告.pdf", b"%PDF-1.7", "无法识别的文件类型“.pdf”，请提供 .xlsx 工作簿或 .csv 文件；"),
    ],
)
def test_a_published_report_given_as_data_is_pointed_to_import(tmp_path, name, content, reason):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError) as caught:
        load(tmp_path / name)
    assert str(caught.value) == f"{name}：{reason}{IMPORT_HINT_TEXT}"


def test_a_table_with_the_wrong_header_is_not_taken_for_a_report(tmp_path):
    (tmp_path / "wide.csv").write_text("项目,数值\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(tmp_path / "wide.csv")
    assert str(caught.value) == "wide.csv：第 1 行应为表头 key,value（键,值），实际为“项目,数值”。"


def test_inserted_row_in_the_narrative_sheet_does_no_harm(write_data, sample_values):
    path = write_data(sample_values, "d.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook[schema.NARRATIVE_SHEET].insert_rows(3)
    workbook.save(path)
    assert load(path).narrative == load(SAMPLE_CSV).narrative
