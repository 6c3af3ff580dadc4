"""Reading published pages right or saying so: the shapes real crawled pages take, in our own words and figures.

Each page here is a whole article on one line with its table cells run together, as a site's archived text prints
it. A figure is read right or left unread (never a finding against the body); a blank row is the body's.
"""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from synthetic import synthetic_values

from generator import validate
from generator.format import schema
from generator.importers.report import import_report

T2_LABELS = {"regulations": "规章", "normative_docs": "行政规范性文件"}
YEAR = 2024


def _t3_label(row: str) -> str:
    """The row's label as a page prints it: its numbering and words, without its group's."""
    label = schema.figures()[f"t3.{row}.total"].label.rsplit("·", 1)[0]
    for group in ("（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"):
        label = label.removeprefix(group)
    return label


def article(values: dict[str, str], body: str = "示例县交通运输局", t3_rows: dict[str, str] | None = None) -> str:
    """A one-line crawled article of `values`; `t3_rows` replaces a row's printed text (label and cells)."""
    t3_rows = t3_rows or {}
    t2 = ""
    for block in schema.T2_BLOCKS:
        t2 += block.caption + schema.T2_CONTENT_LABEL + "".join(label for _, label in block.columns)
        for row, label in block.rows:
            t2 += label + "".join(values[f"{block.prefix}.{row}.{c}"] for c, _ in block.columns)
    t3 = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
    groups = {
        "granted": "三、本年度办理结果",
        "denied.state_secret": "（三）不予公开",
        "unable.not_held": "（四）无法提供",
    }
    groups |= {"not_processed.petition_complaint": "（五）不予处理", "other.no_correction": "（六）其他处理"}
    for row in schema.T3_ROW_KEYS:
        t3 += groups.get(row, "")
        cells = "".join(values[f"t3.{row}.{c}"] for c, _ in schema.T3_COLUMNS)
        t3 += t3_rows.get(row, _t3_label(row) + cells)
    t4 = "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
    t4 += "结果维持结果纠正其他结果尚未审结总计" * 2 + "".join(
        values[k] for k in schema.figures() if k.startswith("t4.")
    )
    return (
        f"标题: {body}{YEAR}年政府信息公开工作年度报告\n发布时间: {YEAR + 1}-01-20 09:00\n=== 正文 ===\n"
        f"根据《中华人民共和国政府信息公开条例》，现公布本报告。一、总体情况（一）主动公开全年主动公开信息120条。"
        f"（二）依申请公开全年办理申请。（三）政府信息管理落实审核制度。（四）政府信息公开平台建设维护专栏。"
        f"（五）监督保障开展培训。二、主动公开政府信息情况{t2}三、收到和处理政府信息公开申请情况{t3}"
        f"{YEAR}年，我局依法办理每一件申请。四、政府信息公开行政复议、行政诉讼情况{t4}我局未发生相关案件。"
        f"五、存在的主要问题及改进情况解读形式单一，将增加图解。六、其他需要报告的事项无。"
        f"[略]{body} {YEAR + 1}年1月20日"
    )


@pytest.fixture
def values() -> dict[str, str]:
    found = synthetic_values(7, YEAR)
    found["t2.art20_8.admin_fees.amount_wan_yuan"] = "0"
    return found


def imported(tmp_path, text: str):
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    return import_report(path)


def test_a_whole_crawled_article_is_read_with_its_body_year_and_offsets(tmp_path, values):
    result = imported(tmp_path, article(values))
    wrong = {
        k: (result.values.get(k), v) for k, v in values.items() if k in schema.figures() and result.values.get(k) != v
    }
    # Only rows whose run of digits splits several ways may be left out; none is read wrong.
    assert all(got is None for got, _ in wrong.values()), wrong
    assert all(result.evidence[k].semantic == "unread" for k in wrong)
    assert result.values["meta.body"] == "示例县交通运输局" and result.values["meta.year"] == str(YEAR)
    source = result.evidence["t3.new_received.total"].place
    text = (tmp_path / "page.txt").read_text(encoding="utf-8").splitlines()[source.line - 1]
    cells = "".join(values[f"t3.new_received.{c}"] for c, _ in schema.T3_COLUMNS)
    assert text[source.offset - 1 :].startswith(cells)  # the offset points at the row's digits on that line


def test_a_label_worded_differently_is_its_own_row_never_glued_to_the_one_before(tmp_path, values):
    values |= {f"t3.denied.enforcement_file.{c}": "0" for c in schema.T3_APPLICANT_COLUMNS}
    values |= {"t3.denied.enforcement_file.natural_person": "3", "t3.denied.enforcement_file.total": "3"}
    values |= {f"t3.denied.process_info.{c}": "0" for c, _ in schema.T3_COLUMNS}
    for column in ("natural_person", "total"):  # keep the columns' sums: the 3 moves out of （一）予以公开
        values[f"t3.granted.{column}"] = str(int(values[f"t3.granted.{column}"]) + 3)
        values[f"t3.total_processed.{column}"] = str(int(values[f"t3.total_processed.{column}"]) + 6)
        values[f"t3.new_received.{column}"] = str(int(values[f"t3.new_received.{column}"]) + 6)
    row = "7.属于行政执法案件3000003"  # 案件 printed for 案卷
    result = imported(tmp_path, article(values, t3_rows={"denied.enforcement_file": row}))
    assert result.values["t3.denied.enforcement_file.natural_person"] == "3"
    assert all(result.values.get(f"t3.denied.process_info.{c}") in (None, "0") for c, _ in schema.T3_COLUMNS)


def test_prose_running_on_from_the_last_cell_is_cut_off_where_the_figures_cannot_hold_the_year(tmp_path, values):
    forward = "".join(values[f"t3.carried_forward.{c}"] for c, _ in schema.T3_COLUMNS)
    result = imported(tmp_path, article(values))
    # The article prints "四、结转下年度继续办理<digits>2024年，我局…" and the fee "0" right before "三、…".
    assert "".join(result.values[f"t3.carried_forward.{c}"] for c, _ in schema.T3_COLUMNS) == forward
    assert all(str(YEAR) not in result.values.get(k, "") for k in schema.figures())


def test_a_count_that_could_run_on_into_the_years_digits_is_unread_not_guessed(tmp_path, values):
    values["t2.art20_8.admin_fees.amount_wan_yuan"] = "12.5"  # "12.52024年" would be a fee too
    text = article(values).replace("三、收到和处理", f"{YEAR}年，我局收费情况如上。三、收到和处理")
    result = imported(tmp_path, text)
    fee = "t2.art20_8.admin_fees.amount_wan_yuan"
    assert fee not in result.values and result.evidence[fee].semantic == "unread"
    assert fee not in {f.key for f in validate(result.to_data()).findings}


def test_digits_that_split_several_ways_are_unread_with_the_candidates_and_no_finding(tmp_path, values):
    values |= {"t2.art20_1.normative_docs.issued": "5", "t2.art20_1.normative_docs.repealed": "6"}
    values["t2.art20_1.normative_docs.in_force"] = "15"  # "5615": 5/6/15, 5/61/5, 56/1/5 all fit
    result = imported(tmp_path, article(values))
    keys = [f"t2.art20_1.normative_docs.{c}" for c in ("issued", "repealed", "in_force")]
    assert set(keys) <= set(result.unread())
    entry = next(e for e in result.unplaced_entries() if e["key"] == keys[0])
    assert entry["unread"] is True and "5615" in entry["reason"] and "5/6/15" in entry["reason"]
    assert not {f.key for f in validate(result.to_data()).findings} & set(keys)


def test_a_row_printed_without_figures_is_blank_and_a_row_not_printed_is_missing(tmp_path, values):
    """What the body published: a row whose label runs straight on to the next has blank cells; a table read whole
    without one of its rows does not print it. Both are the body's, and errors."""
    text = article(values, t3_rows={"other.unpaid_fee": _t3_label("other.unpaid_fee")})
    text = text.replace(
        "规章" + "".join(values[f"t2.art20_1.regulations.{c}"] for c in ("issued", "repealed", "in_force")), ""
    )
    result = imported(tmp_path, text)
    report = validate(result.to_data())
    blank = {f.key for f in report.errors if f.variant == "blank"}
    assert blank == {f"t3.other.unpaid_fee.{c}" for c, _ in schema.T3_COLUMNS}
    missing = {f.key for f in report.errors if f.variant == "missing"}
    assert missing == {f"t2.art20_1.regulations.{c}" for c in ("issued", "repealed", "in_force")}


def test_findings_carry_their_evidence_as_fields(tmp_path, values, run):
    values |= {f"t3.denied.state_secret.{c}": "0" for c, _ in schema.T3_COLUMNS}
    text = article(values, t3_rows={"denied.state_secret": "1.属于国家秘密0000001"})  # 总计 1, its six cells 0
    (tmp_path / "page.txt").write_text(text, encoding="utf-8")
    payload = json.loads(run("import", "page.txt", "--format", "json").output)
    finding = next(f for f in payload["findings"] if f["code"] == "E-row-total")
    assert finding["key"] == "t3.denied.state_secret.total"
    assert finding["source"]["line"] == 4 and finding["source"]["offset"] > 0
    assert finding["source"]["row"] == "1.属于国家秘密" and finding["source"]["column"] == "总计"


def test_a_table_row_with_fewer_cells_than_columns_is_never_filled_left_to_right(tmp_path):
    """A Markdown row with two numbers under three headings: which cell is missing is not known, so none is read."""
    text = "\n".join(
        [
            "某某局2024年政府信息公开工作年度报告",
            "一、总体情况",
            "全年主动公开信息。",
            "二、主动公开政府信息情况",
            "| 第二十条第（一）项 | | | |",
            "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
            "| 规章 | 0 | 0 | 0 |",
            "| 行政规范性文件 | 2 | 35 |",
        ]
    )
    result = imported(tmp_path, text)
    assert result.values["t2.art20_1.regulations.in_force"] == "0"
    keys = [f"t2.art20_1.normative_docs.{c}" for c in ("issued", "repealed", "in_force")]
    assert not any(key in result.values for key in keys)
    assert set(keys) <= set(result.unread())
    assert any("只有 2 格（应为 3 格），无法确定缺了哪一格" in note for note in result.notes)


@pytest.mark.parametrize(
    "head",
    [
        '<meta name="ArticleTitle" content="淮安市洪泽区人民政府2024年政府信息公开工作年度报告">',
        "<title>淮安市洪泽区人民政府2024年政府信息公开工作年度报告_洪泽区人民政府门户网站</title>",
    ],
)
def test_a_page_without_a_title_of_its_own_is_named_from_its_title_record(tmp_path, head):
    body = "<p>一、总体情况</p><p>全年主动公开信息。</p><p>二、主动公开政府信息情况</p><p>三、收到和处理政府信息公开申请情况</p>"
    (tmp_path / "page.html").write_text(f"<html><head>{head}</head><body>{body}</body></html>", encoding="utf-8")
    result = import_report(tmp_path / "page.html")
    assert result.values["meta.body"] == "淮安市洪泽区人民政府" and result.values["meta.year"] == "2024"
    assert any("取自网页的标题信息" in note for note in result.notes)


def test_a_table_row_worded_otherwise_is_placed_by_its_neighbours_or_left_out(tmp_path):
    """A pasted table whose row label differs from the official one: the one row its neighbours leave open, when
    the label reads like it; a label of another meaning ("行政检查" where 行政强制 stands) is left out, not guessed."""
    seed = (ROOT / "tests" / "fixtures" / "mengzhou-2023-pasted.txt").read_text(encoding="utf-8")
    varied = seed.replace("7. 属于行政执法案卷", "7. 属于行政执法的案件材料").replace("行政强制\t571", "行政检查\t571")
    result = imported(tmp_path, varied)
    assert result.values["t3.denied.enforcement_file.total"] == "0"
    assert result.evidence["t3.denied.enforcement_file.total"].place.row.endswith("属于行政执法的案件材料")
    assert "t2.art20_6.coercion.decisions" not in result.values
    assert any("未识别的行「行政检查」" in note for note in result.notes)


def test_a_body_or_year_the_tool_cannot_find_is_no_error_of_the_report(tmp_path, values):
    """Every published report names its body and year: when neither title, signature nor page says which, the tool
    did not find them, and says so as a warning, never as the report's error."""
    text = article(values).split("\n", 3)[-1].replace("[略]示例县交通运输局 2025年1月20日", "")
    report = validate(imported(tmp_path, text).to_data())
    assert not [f for f in report.errors if f.code == "E-meta"]
    assert {f.key for f in report.warnings if f.variant == "unrecognised"} == {
        "meta.body",
        "meta.year",
        "meta.issue_date",
    }
    assert not [
        f for f in report.warnings if "报告末尾将不显示" in f.message
    ]  # a draft's consequence, not a published report's


def test_a_section_a_published_report_lacks_is_said_as_such_not_as_a_template_hint(tmp_path, values):
    text = article(values).replace("五、存在的主要问题及改进情况解读形式单一，将增加图解。", "")
    report = validate(imported(tmp_path, text).to_data())
    missing = next(f for f in report.warnings if f.key == "narrative.problems")
    assert missing.variant == "not_published" and "模板" not in missing.message
    assert "报告中没有找到「五、存在的主要问题及改进情况」这一部分" in missing.message


def test_a_row_worded_otherwise_whose_figures_run_on_to_the_next_line_is_read_or_left_out(tmp_path):
    """A row whose label matches none, printed with part of its figures and the rest on the next line (as an OCR'd
    or wrapped table gives it): the numbers join that row, which its neighbours then place; never a crash."""
    seed = (ROOT / "tests" / "fixtures" / "mengzhou-2023-pasted.txt").read_text(encoding="utf-8")
    row = "\t\t7. 属于行政执法案卷\t0\t0\t0\t0\t0\t0\t0"
    assert row in seed
    varied = seed.replace(row, "\t\t7. 属于行政执法的案件材料\t0\t0\t0\n0\t0\t0\t0")
    result = imported(tmp_path, varied)
    assert result.values["t3.denied.enforcement_file.total"] == "0"
    assert result.evidence["t3.denied.enforcement_file.total"].place.row.endswith("属于行政执法的案件材料")
