"""`import` of PDFs and what it keeps of every figure: the sample's own PDF back to its 200 figures, each with its
page and table cell; scans and broken files; `--format json`; 0, blank and 不适用 kept apart; cells run together
split only where one split alone fits."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from conftest import SAMPLE_CSV, SAMPLE_XLSX
from PIL import Image
from test_seed import SEED

from generator import import_report, load, render, validate
from generator.format import schema
from generator.format.cells import parse_figure
from generator.importers.runs import resolve_t3, splits, t3_row_holds
from generator.importers.tables import RowCells, place, t3_adds_up
from generator.workbook.csvfile import long_csv


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory):
    """The sample rendered as this tool's PDF (Word through LibreOffice), six A4 pages."""
    data = load(SAMPLE_XLSX)
    path = tmp_path_factory.mktemp("pdf") / "mengzhou-2023.pdf"
    path.write_bytes(render(data, validate(data), ["pdf"])["pdf"])
    return path


def test_the_samples_own_pdf_gives_200_figures_each_with_its_page_and_cell(run, sample_pdf):
    result = run("import", sample_pdf, "--format", "json")
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert list(payload)[:3] == ["figures", "unplaced", "findings"]
    assert list(payload["figures"]) == list(schema.figures()) and payload["unplaced"] == []
    sample = load(SAMPLE_CSV)
    for key, figure in payload["figures"].items():
        expected = sample.figures[key]
        assert figure["value"] == (float(expected) if key.startswith("t2.art20_8") else expected), key
        assert figure["raw"] == str(expected) and figure["semantic"] == ("zero" if expected == 0 else "value")
        source = figure["source"]
        assert source["page"] in (3, 4, 5) and source["table"].endswith("个表格"), key
        assert source["row_number"] >= 1 and source["column_number"] >= 1, key
        x0, top, x1, bottom = source["bbox"]
        assert 0 < x0 < x1 < 596 and 0 < top < bottom < 842, key
    granted = payload["figures"]["t3.granted.natural_person"]["source"]
    assert (granted["page"], granted["row"], granted["column"]) == (4, "（一）予以公开", "自然人")
    assert [(f["code"], f["key"]) for f in payload["findings"]] == [("W-meta", "meta.issue_date")]
    assert payload["meta"]["meta.body"] == "孟州市人民政府" and payload["meta"]["meta.year"] == "2023"


def test_the_pdf_round_trip_through_the_workbook(run, tmp_path, sample_pdf):
    result = run("import", sample_pdf, "-o", "from-pdf.xlsx")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "mengzhou-2023.pdf：导入 200/200 个数字，9 段正文。"
    data = load(tmp_path / "from-pdf.xlsx")
    assert dict(data.figures) == dict(load(SAMPLE_CSV).figures)


@pytest.mark.parametrize(("mode", "at_least"), [(["-layout"], 200), ([], 190)], ids=["layout", "raw"])
def test_the_samples_pdf_as_pdftotext_extracts_it(tmp_path, sample_pdf, mode, at_least):
    """Both of pdftotext's modes: with -layout rows keep their lines; without it the labels come first and the
    numbers after, in blocks. Every figure placed is right; what cannot be matched is left out, never guessed."""
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is required: bash tools/install-test-deps.sh"
    text = tmp_path / "extracted.txt"
    subprocess.run(["pdftotext", *mode, str(sample_pdf), str(text)], check=True, timeout=60)
    result = import_report(text)
    sample = load(SAMPLE_CSV)
    placed = {key: value for key, value in result.values.items() if key in schema.figures() and value != ""}
    wrong = [
        key
        for key, value in placed.items()
        if parse_figure(value, schema.figures()[key].kind).value != sample.figures[key]
    ]
    assert wrong == [] and len(placed) >= at_least, (len(placed), wrong, result.notes)
    assert set(result.unplaced) <= {key for item in result.left_out for key in item.keys}


def test_a_scan_and_a_broken_pdf_exit_3_with_one_line(run, tmp_path):
    Image.new("RGB", (595, 842), "white").save(tmp_path / "scan.pdf")  # a page that is a picture only
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    expected = {
        "scan.pdf": "错误：scan.pdf：这是扫描件，但文字识别在各页都没有读出文字；请提供更清晰的扫描件或文字版文件。\n",
        "broken.pdf": "错误：broken.pdf：不是有效的 PDF 文件，无法打开。\n",
    }
    for name, message in expected.items():
        result = run("import", name, "-o", "out.xlsx")
        assert (result.exit_code, result.stderr) == (3, message), name
    assert not (tmp_path / "out.xlsx").exists()


def test_json_needs_no_output_file_and_text_does(run, tmp_path):
    result = run("import", SEED)
    assert result.exit_code == 2 and "请用 -o 指定" in result.stderr
    result = run("import", SEED, "--format", "json", "-o", "also.csv")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["figures"]) == 200
    assert (tmp_path / "also.csv").read_text(encoding="utf-8-sig").count("\n") > 200


def test_zero_blank_and_not_applicable_stay_apart(tmp_path):
    """Each figure keeps what its cell printed; the fee keeps all six decimals through every output."""
    text = (
        SEED.read_text(encoding="utf-8")
        .replace("规章\t0\t0\t0", "规章\t/\t—\t不适用")
        .replace("4351.7195", "1036.204518")
        .replace("1. 属于国家秘密\t0\t0\t0\t0\t0\t0\t0", "1. 属于国家秘密\t0\t0\t0\t0\t0\t\t0")
    )
    page = "".join(
        "<table><tr>" + "".join(f"<td>{cell}</td>" for cell in line.split("\t")) + "</tr></table>"
        if "\t" in line
        else f"<p>{line}</p>"
        for line in text.splitlines()
    )
    path = tmp_path / "report.html"
    path.write_text(f"<html><body>{page.replace('</table><table>', '')}</body></html>", encoding="utf-8")
    result = import_report(path)
    semantics = {key: found.semantic for key, found in result.evidence.items()}
    regulations = [semantics[f"t2.art20_1.regulations.{c}"] for c in ("issued", "repealed", "in_force")]
    assert regulations == ["not_applicable"] * 3
    assert [result.evidence[f"t2.art20_1.regulations.{c}"].raw for c in ("issued", "repealed", "in_force")] == [
        "/",
        "—",
        "不适用",
    ]
    assert semantics["t3.denied.state_secret.org_other"] == "blank"
    assert semantics["t3.denied.state_secret.natural_person"] == "zero"
    assert semantics["t3.granted.natural_person"] == "value"
    fee = result.evidence["t2.art20_8.admin_fees.amount_wan_yuan"]
    assert (fee.raw, str(fee.value), fee.to_dict()["value"]) == ("1036.204518", "1036.204518", 1036.204518)
    assert str(result.to_data().figures["t2.art20_8.admin_fees.amount_wan_yuan"]) == "1036.204518"
    where = result.evidence["t3.granted.natural_person"].place
    assert (where.row, where.column, where.column_number) == ("(一) 予以公开", "自然人", 3)
    errors = validate(result.to_data()).flatten()
    assert ("E-cell", "t3.denied.state_secret.org_other") in errors
    assert not [key for code, key in errors if key == "t2.art20_8.admin_fees.amount_wan_yuan"]
    (tmp_path / "fee.csv").write_bytes(long_csv(result.output_values()))
    assert str(load(tmp_path / "fee.csv").figures["t2.art20_8.admin_fees.amount_wan_yuan"]) == "1036.204518"


# --- Cells run together -------------------------------------------------------------------------


def test_a_run_of_digits_is_split_only_where_one_split_fits():
    assert splits("0000000", 7) == [["0"] * 7]  # as many digits as cells: the structure alone
    options = splits("640020470", 7)
    assert len(options) > 1
    assert [o for o in options if t3_row_holds(o)] == [["64", "0", "0", "2", "0", "4", "70"]]
    assert splits("0 0 /", 3) == [["0", "0", "/"]]
    assert splits("100001", 7) == []  # fewer digits than cells: a blank was lost
    assert splits("1.5", 2) == []


@pytest.mark.parametrize(
    ("run", "expected", "note"),
    [
        ("640020470", ["64", "0", "0", "2", "0", "4", "70"], ""),
        ("1200004", ["1", "2", "0", "0", "0", "0", "4"], ""),  # forced by its seven digits, even though 3 ≠ 4
        ("12000013", [None] * 7, "没有一种拆分符合"),  # 12,0,0,0,0,0,13 does not add up: never 1,2,…
        ("110000011", [None] * 7, "有 2 种拆分都符合"),  # 11,…,11 and 1,10,…,11
    ],
)
def test_placing_a_row_whose_cells_ran_together(run, expected, note):
    row = RowCells("t3.granted", [run], False, "第 1 行", (0, 1), "（一）予以公开", run_together=True)
    placement = place(row, 7, {}, t3_adds_up, t3_row_holds)
    assert list(placement.cells) == expected
    assert note in placement.note and bool(placement.note) == bool(note)


def test_the_column_rules_settle_a_row_and_drop_a_split_that_breaks_them():
    zeros = ["0"] * 7
    known = {f"t3.{row}": zeros for row in schema.T3_ROW_KEYS}
    known["t3.new_received"] = ["11", "0", "0", "0", "0", "0", "11"]
    known["t3.granted"] = ["11", "0", "0", "0", "0", "0", "11"]
    known["t3.total_processed"] = ["11", "0", "0", "0", "0", "0", "11"]
    # 行 "一" read as "110000011": 11,…,11 or 1,10,…,11; the balance with （七）总计 keeps only the first.
    both = [["11", "0", "0", "0", "0", "0", "11"], ["1", "10", "0", "0", "0", "0", "11"]]
    del known["t3.new_received"]
    placed, dropped = resolve_t3(known, {"t3.new_received": both}, set())
    assert placed["t3.new_received"] == both[0] and dropped == set()
    # A row split by arithmetic that then breaks a column rule is dropped, not kept.
    known["t3.new_received"] = ["1", "10", "0", "0", "0", "0", "11"]
    placed, dropped = resolve_t3(known, {}, {"t3.new_received"})
    assert "t3.new_received" not in placed and dropped == {"t3.new_received"}


def test_pdf_import_writes_no_space_the_page_only_drew_between_a_number_and_chinese(tmp_path, sample_values):
    """LibreOffice and Word space Asian from Latin text on the page; 2023年 stays 2023年 through a PDF."""
    sample_values["narrative.overview.active"] = "2023年，通过网站发布信息3017条，其中政策解读34条，增长12.5%以上。"
    path = tmp_path / "spaced.csv"
    path.write_bytes(long_csv(sample_values))
    data = load(path)
    pdf = tmp_path / "spaced.pdf"
    pdf.write_bytes(render(data, validate(data), ["pdf"])["pdf"])
    imported = import_report(pdf).to_data()
    assert imported.narrative["narrative.overview.active"] == (sample_values["narrative.overview.active"],)
    assert dict(imported.figures) == dict(data.figures)  # rows drawn in tables keep their cells
