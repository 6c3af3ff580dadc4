"""`generate-report import`: the seed round trip figure by figure and paragraph by paragraph, our own HTML and
Word back to their data, and the messiness of real pasted pages (each case built from the seed)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from conftest import SAMPLE_CSV
from test_seed import SEED, seed_figures, seed_paragraphs

from generator import import_report, load, render, validate
from generator.format import schema
from generator.importers.tables import RowCells, place, t3_adds_up
from generator.importers.text import body_kind
from generator.workbook.csvfile import long_csv

SEED_TEXT = SEED.read_text(encoding="utf-8")
FIGURE_KEYS = list(schema.figures())


@pytest.fixture(scope="module")
def sample():
    return load(SAMPLE_CSV)


def imported(tmp_path, text: str, name: str = "report.txt", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return import_report(path)


def assert_same_report(data, expected) -> None:
    """Figure by figure and paragraph by paragraph, so a failure names the one that differs."""
    for key in FIGURE_KEYS:
        assert data.figures.get(key) == expected.figures[key], key
    for field in schema.NARRATIVE_FIELDS:
        assert data.narrative.get(field.key, ()) == expected.narrative.get(field.key, ()), field.key
    assert (data.body, data.year, data.meta["body_kind"]) == (expected.body, expected.year, expected.meta["body_kind"])


# --- The seed round trip ----------------------------------------------------------------------


def test_seed_round_trip_through_the_workbook(run, tmp_path, sample):
    result = run("import", SEED, "-o", "imported.xlsx")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"{SEED.name}：导入 200/200 个数字，9 段正文。"
    assert "未找到" not in result.stdout and "注意" not in result.stdout
    data = load(tmp_path / "imported.xlsx")
    assert len(data.figures) == 200
    assert_same_report(data, sample)
    assert validate(data).flatten() == [("W-meta", "meta.issue_date")]


def test_seed_round_trip_generates_every_figure_and_paragraph(run, tmp_path):
    assert run("import", SEED, "-o", "imported.csv").exit_code == 0
    data = load(tmp_path / "imported.csv")
    html = render(data, validate(data), ["html"])["html"]
    page = BeautifulSoup(html, "html.parser")
    lines = SEED_TEXT.splitlines()
    assert [td.get_text() for td in page.select("td[data-key]")] == seed_figures(lines)
    paragraphs = {p.get_text() for p in page.find_all("p")}
    assert len(seed_paragraphs(lines)) == 9
    for paragraph in seed_paragraphs(lines):
        assert paragraph in paragraphs


def test_csv_output_has_a_row_for_every_figure_even_when_not_found(run, tmp_path):
    text = SEED_TEXT.split("四、政府信息公开行政复议")[0] + "五、存在的主要问题及改进情况\n无。\n"
    (tmp_path / "no-t4.txt").write_text(text, encoding="utf-8")
    result = run("import", "no-t4.txt", "-o", "out.csv")
    assert result.exit_code == 1
    assert "未找到：表四：行政复议·结果维持、" in result.stdout
    assert "注意：没有找到：四、政府信息公开行政复议、行政诉讼情况、六、其他需要报告的事项。" in result.stdout
    rows = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()
    assert "t4.review.upheld," in rows and "t3.new_received.total,146" in rows


# --- Our own reports back to their data -------------------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_our_own_report_imports_back_to_its_data(tmp_path, sample_values, fmt):
    sample_values["meta.issue_date"] = "2024年1月20日"
    source = tmp_path / "source.csv"
    source.write_bytes(long_csv(sample_values))
    data = load(source)
    path = tmp_path / f"report.{fmt}"
    path.write_bytes(render(data, validate(data), [fmt])[fmt])
    result = import_report(path)
    assert result.unplaced == () and result.notes == ()
    assert dict(result.values) == sample_values  # every key: figures as printed, metadata, each paragraph
    assert_same_report(result.to_data(), data)


def test_a_preface_of_our_own_is_kept(tmp_path, sample_values):
    sample_values["narrative.preface"] = "本报告由孟州市人民政府办公室编制。\n第二段前言。"
    source = tmp_path / "source.csv"
    source.write_bytes(long_csv(sample_values))
    data = load(source)
    path = tmp_path / "report.html"
    path.write_bytes(render(data, validate(data), ["html"])["html"])
    assert import_report(path).values["narrative.preface"] == sample_values["narrative.preface"]


# --- Messy pasted text ------------------------------------------------------------------------

SIXTH_1 = "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
SIXTH_2 = "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"

MESSY = {
    "two spaces instead of tabs": lambda t: t.replace("\t", "  "),
    "one space instead of tabs": lambda t: t.replace("\t", " "),
    "runs of spaces": lambda t: re.sub(r"\t+", lambda m: " " * (len(m.group()) + 3), t),
    "older label 规范性文件": lambda t: t.replace("行政规范性文件\t", "规范性文件\t"),
    "abbreviated (六) labels": lambda t: t.replace(SIXTH_1, "逾期不补正").replace(SIXTH_2, "逾期未缴费"),
    "full-width brackets, straight quotes": lambda t: (
        t.replace("(", "（").replace(")", "）").replace("“三安全一稳定”", '"三安全一稳定"')
    ),
    "numbers on the line after the label": lambda t: t.replace(f"{SIXTH_2}\t", f"{SIXTH_2}\n\t"),
    "label broken across lines": lambda t: t.replace(f"{SIXTH_2}\t", f"{SIXTH_2[:-6]}\n{SIXTH_2[-6:]}\t"),
    "one cell per line": lambda t: re.sub(r"\t+", "\n", t),
    "cells between | bars": lambda t: "\n".join(
        "| " + " | ".join(line.split("\t")) + " |" if "\t" in line else line for line in t.splitlines()
    ),
    "Windows line ends, full-width digits": lambda t: t.replace("\n", "\r\n").replace("28414", "２８，４１４"),
    "full-width sub-headings on their own line": lambda t: re.sub(
        r"^\((.)\) ([^：\n]+)：", r"（\1）\2\n", t, flags=re.MULTILINE
    ),
    "heading variants": lambda t: t.replace("二、主动公开政府信息情况", "二、 主动公开政府信息情况 ").replace(
        "孟州市人民政府 2023 年政府信息公开工作年度报告", "2023年度孟州市人民政府政府信息公开工作年度报告"
    ),
}


@pytest.mark.parametrize("case", MESSY, ids=list(MESSY))
def test_messy_text_still_gives_every_figure(tmp_path, sample, case):
    result = imported(tmp_path, MESSY[case](SEED_TEXT))
    assert result.unplaced == () and result.notes == ()
    assert_same_report(result.to_data(), sample)


def test_gbk_text_file(tmp_path, sample):
    assert_same_report(imported(tmp_path, SEED_TEXT, encoding="gbk").to_data(), sample)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("4. 保护第三方合法权益\t2\t", "4. 保护第三方合法权益\t\t", "t3.denied.third_party_rights.natural_person"),
        ("28414", "", "t2.art20_5.licensing.decisions"),
        ("\t1\t0\t0\t1\t2\n", "\t1\t0\t\t1\t2\n", "t4.litigation_after_review.other"),
        ("重复申请\t1\t0\t0\t0\t1\t0\t2", "重复申请\t1\t0\t0\t0\t1\t\t2", "t3.not_processed.duplicate.org_other"),
    ],
)
def test_a_blank_cell_stays_blank_and_is_reported(run, tmp_path, old, new, key):
    assert old in SEED_TEXT
    (tmp_path / "blank.txt").write_text(SEED_TEXT.replace(old, new, 1), encoding="utf-8")
    result = import_report(tmp_path / "blank.txt")
    assert result.values[key] == "" and result.unplaced == ()
    data = result.to_data()
    assert key not in data.figures  # never 0
    cell_findings = [f for f in validate(data).errors if f.code == "E-cell"]
    assert [f.key for f in cell_findings] == [key]
    assert "为空：空白不等于 0" in cell_findings[0].message
    cli_result = run("import", tmp_path / "blank.txt", "-o", "blank.xlsx")
    assert cli_result.exit_code == 1
    assert cell_findings[0].describe() in cli_result.stdout.splitlines()
    assert key not in load(tmp_path / "blank.xlsx").figures


def test_a_blank_at_the_edge_of_a_row_is_placed_like_rows_of_the_same_shape(tmp_path):
    old = "(二) 部分公开 (区分处理的, 只计这一情形, 不计其他情形)\t0\t"
    result = imported(tmp_path, SEED_TEXT.replace(old, old[:-2] + "\t"))
    assert result.values["t3.partial.natural_person"] == "" and result.values["t3.partial.total"] == "0"
    assert result.unplaced == () and result.notes == ()


@pytest.mark.parametrize(
    ("cells", "leads", "expected"),
    [
        (["1", "2", "0", "0", "0", "0", "3", ""], {}, ["1", "2", "0", "0", "0", "0", "3"]),  # the only fit
        (["", "", "0", "0", "", "0", "0", "0"], {(0, 8): 1}, ["", "0", "0", "", "0", "0", "0"]),  # as its shape
        (["", "3", "0", "0", "0", "0", "3", ""], {}, ["", "3", "0", "0", "0", "0", "3"]),  # the alignment that adds up
        (["", "0", "0", "0", "0", "0", "0", ""], {}, [None, "0", "0", "0", "0", "0", None]),  # ambiguous: left out
        (["", "", "", "", "", "", "", ""], {}, [""] * 7),  # a row left blank
        (["1"] * 8, {}, [None] * 7),  # too many numbers
    ],
)
def test_placing_a_row_of_cells(cells, leads, expected):
    row = RowCells("t3.granted", cells, True, "第 1 行", (0, len(cells)), "（一）予以公开")
    placement = place(row, 7, leads, t3_adds_up)
    assert list(placement.cells) == expected
    assert bool(placement.note) == (None in expected)


def test_text_a_workbook_cannot_hold_as_is(run, tmp_path):
    """A paragraph that starts with "=" stays text, not a formula; control characters from a page are dropped."""
    text = SEED_TEXT.replace("存在的主要问题：", "=存在的主要问题：").replace("改进情况：", "改进\x0c情况：")
    (tmp_path / "odd.txt").write_text(text, encoding="utf-8")
    assert run("import", "odd.txt", "-o", "odd.xlsx").exit_code == 0
    problems = load(tmp_path / "odd.xlsx").narrative["narrative.problems"]
    assert problems[0].startswith("=存在的主要问题：一是") and problems[1].startswith("改进 情况：一是")


def test_a_dash_for_zero_is_kept_as_printed(tmp_path):
    result = imported(tmp_path, SEED_TEXT.replace("7. 属于行政执法案卷\t0", "7. 属于行政执法案卷\t—"))
    key = "t3.denied.enforcement_file.natural_person"
    assert result.values[key] == "—"
    assert [(f.code, f.key) for f in validate(result.to_data()).errors] == [("E-cell", key)]


def test_arithmetic_errors_of_the_published_report_are_reported_not_fixed(tmp_path):
    text = SEED_TEXT.replace("55\t0\t146\t", "55\t0\t147\t")
    data = imported(tmp_path, text).to_data()
    assert data.figures["t3.new_received.total"] == 147
    # One row and one column fail, so the findings single out the cell where they cross. The narrative's 146 is a
    # warning that shows the table's figure: in a published report, prose against table is for the body to explain.
    report = validate(data)
    assert [(f.code, f.key) for f in report.errors] == [
        ("E-row-total", "t3.new_received.total"),
        ("E-balance", "t3.new_received.total"),
    ]
    narrative = next(f for f in report.warnings if f.code == "W-narrative")
    assert narrative.key == "t3.new_received.total" and "为 147，两者不一致" in narrative.message


def test_a_blank_that_cannot_be_placed_is_reported_by_label(tmp_path):
    text = SEED_TEXT.replace("\t", "  ").replace("4. 保护第三方合法权益  2  ", "4. 保护第三方合法权益    ")
    result = imported(tmp_path, text)
    row = "t3.denied.third_party_rights"
    assert all(f"{row}.{c}" not in result.values for c, _ in schema.T3_COLUMNS)
    assert result.unplaced_lines() == ["表三「（三）不予公开4.保护第三方合法权益」：整行"]
    assert result.notes and "只有 6 个数字" in result.notes[0]
    # The row's cells are unread, not blank: the tool could not place them, so they are no finding against the body.
    assert set(result.unread()) == {f"{row}.{c}" for c, _ in schema.T3_COLUMNS}
    assert validate(result.to_data()).errors == []


def test_unknown_row_and_stray_numbers_are_noted(tmp_path):
    text = SEED_TEXT.replace("行政强制\t571", "行政检查\t571")
    result = imported(tmp_path, text)
    assert result.unplaced_lines() == ["表二「行政强制」：整行"]
    assert any("未识别的行「行政检查」" in note for note in result.notes)


def test_title_signature_and_date(tmp_path):
    end = "\n\n某县交通运输局\n2024年1月18日\n【打印本页】【关闭窗口】\n扫一扫在手机打开当前页\n"
    text = SEED_TEXT.replace("孟州市人民政府 2023 年", "某县交通运输局2023年") + end
    values = imported(tmp_path, text).values
    assert (values["meta.body"], values["meta.year"], values["meta.issue_date"]) == (
        "某县交通运输局",
        "2023",
        "2024年1月18日",
    )
    assert values["meta.body_kind"] == "部门"
    assert values["narrative.other"].splitlines()[-1].endswith("收取信息处理费0元。")
    assert (body_kind("孟州市人民政府"), body_kind("某某"), body_kind("甲区政府办公室")) == ("政府", "", "部门")


def test_body_on_the_line_above_the_title(tmp_path):
    text = SEED_TEXT.replace(
        "孟州市人民政府 2023 年政府信息公开工作年度报告", "孟州市人民政府\n2023年度政府信息公开工作报告"
    )
    values = imported(tmp_path, text).values
    assert (values["meta.body"], values["meta.year"]) == ("孟州市人民政府", "2023")


def test_sub_topics_not_in_the_format_stay_paragraphs(tmp_path):
    text = SEED_TEXT.replace("(三) 政府信息管理：", "（三）处理群众咨询情况。").replace(
        "一、总体情况\n", "一、总体情况\n2023年，我市扎实推进政务公开。\n"
    )
    result = imported(tmp_path, text)
    paragraphs = result.values["narrative.overview.active"].splitlines()
    assert paragraphs[0] == "2023年，我市扎实推进政务公开。" and len(paragraphs) == 2
    assert result.values["narrative.overview.on_request"].splitlines()[1].startswith("（三）处理群众咨询情况。加强公文")
    assert "narrative.overview.management" not in result.values
    assert result.notes == ("“一、总体情况”开头有 1 段不在任何小标题下，已放入「总体情况·主动公开」，请核对。",)
    assert ("W-text", "narrative.overview.management") in validate(result.to_data()).flatten()


def test_older_table_two_columns_are_flagged(tmp_path):
    text = SEED_TEXT.replace(
        "本年制发件数\t本年废止件数\t现行有效件数", "本年新制作数量\t本年新公开数量\t对外公开总数量"
    )
    assert (
        imported(tmp_path, text)
        .notes[0]
        .endswith("表二的栏目「本年新制作数量、本年新公开数量、对外公开总数量」与统一格式不同，请核对导入的数字。")
    )


def test_preface_and_page_furniture(tmp_path):
    title = "孟州市人民政府 2023 年政府信息公开工作年度报告"
    text = SEED_TEXT.replace(
        title, f"首页 > 政务公开\n{title}\n发布时间：2024-01-20 来源：市政府办\n本报告依据《条例》编制。\n"
    )
    values = imported(tmp_path, text).values
    assert values["narrative.preface"] == "本报告依据《条例》编制。"


def test_a_hand_made_gbk_page_with_layout_tables(tmp_path, sample):
    """A page as government sites serve them: GBK, a layout table around the content, cells holding <p>."""
    body = []
    rows: list[str] = []
    for line in SEED_TEXT.splitlines():
        if "\t" in line:
            rows.append("<tr>" + "".join(f"<td><p>{c}</p></td>" if c else "<td>&nbsp;</td>" for c in line.split("\t")))
            continue
        if rows:
            body.append("<table border=1>" + "".join(rows) + "</table>")
            rows = []
        if line.strip():
            body.append(f"<p style='text-indent:2em'>{line}")  # unclosed <p>, as old pages do
    body.append("<table>" + "".join(rows) + "</table>")
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>年报</title>'
        "<script>var a='一、总体情况';</script></head><body><table><tr><td>导航</td></tr><tr><td>"
        + "\n".join(body)
        + "</td></tr></table></body></html>"
    )
    result = imported(tmp_path, page, "report.html", "gbk")
    assert result.unplaced == ()
    assert_same_report(result.to_data(), sample)


# --- Files that cannot be read ----------------------------------------------------------------


def test_unreadable_reports_exit_3_with_one_line(run, tmp_path):
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "note.txt").write_text("会议纪要\n今天开会。\n", encoding="utf-8")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    expected = {
        "missing.txt": "错误：找不到报告文件：missing.txt\n",
        "broken.docx": "错误：broken.docx：不是有效的 Word 文档（.docx），无法打开（文件已损坏或不完整）。\n",
        "old.doc": "错误：old.doc：暂不支持Word 97-2003 文档（.doc），请另存为 .docx，或把报告文字复制粘贴到 .txt 文件后再导入。\n",
        "note.txt": "错误：note.txt：没有找到年度报告的各部分标题（如“一、总体情况”“三、收到和处理政府信息公开申请情况”），请确认这是政府信息公开工作年度报告。\n",
        "image.txt": "错误：image.txt：不是文本文件（请把网页上的报告文字复制粘贴到 .txt 文件，或提供 .html / .docx / .pdf）。\n",
    }
    for name, message in expected.items():
        result = run("import", name, "-o", "out.xlsx")
        assert (result.exit_code, result.stderr) == (3, message), name
        assert "Traceback" not in result.output
    assert not (tmp_path / "out.xlsx").exists()


def test_import_usage_and_overwrite(run, tmp_path):
    assert run("import", SEED).exit_code == 2  # -o is required
    assert run("import", SEED, "-o", "out.docx").exit_code == 2
    (tmp_path / "out.xlsx").write_bytes(b"keep me")
    result = run("import", SEED, "-o", "out.xlsx")
    assert result.exit_code == 3 and "已存在" in result.stderr
    assert (tmp_path / "out.xlsx").read_bytes() == b"keep me"
    assert run("import", SEED, "-o", "out.xlsx", "--force").exit_code == 0
    assert len(load(tmp_path / "out.xlsx").figures) == 200
