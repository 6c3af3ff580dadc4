"""One passing and one failing figure set per rule, asserting the exact (code, key) pairs and messages."""

from __future__ import annotations

import pytest

from generator import load, validate
from generator.format import schema


@pytest.fixture
def check(sample_values, write_data):
    """check(**changes) -> the validation report of the sample with those keys changed (key dots as __)."""

    def run(changes: dict[str, object] | None = None, drop: tuple[str, ...] = ()):
        values = dict(sample_values)
        values.update(changes or {})
        for key in drop:
            values.pop(key)
        return validate(load(write_data(values)))

    return run


def errors(report):
    return [(f.code, f.key) for f in report.errors]


def test_the_sample_passes_with_only_the_missing_date_warning(check):
    report = check()
    assert report.valid
    assert report.flatten() == [("W-meta", "meta.issue_date")]


def test_e_cell_blank_placeholder_unit_and_missing(check):
    report = check(
        {"t3.granted.natural_person": "", "t3.partial.org_other": "—", "t4.review.upheld": "2件"},
        drop=("t2.art20_5.licensing.decisions",),
    )
    assert errors(report) == [
        ("E-cell", "t2.art20_5.licensing.decisions"),
        ("E-cell", "t3.granted.natural_person"),
        ("E-cell", "t3.partial.org_other"),
        ("E-cell", "t4.review.upheld"),
    ]
    messages = [f.message for f in report.errors]
    assert messages[0] == "缺少「行政许可·本年处理决定数量」（t2.art20_5.licensing.decisions）。"
    assert messages[1] == "第 28 行「（一）予以公开·自然人」为空：空白不等于 0，没有发生请填写 0。"
    assert (
        messages[2]
        == "第 40 行「（二）部分公开（区分处理的，只计这一情形，不计其他情形）·其他」填写了「—」：请改为数字，没有发生请填写 0。"
    )
    assert messages[3] == "第 189 行「行政复议·结果维持」填写了「2件」：单元格内只填数字，不要带单位。"


def test_a_bad_cell_does_not_cascade_into_arithmetic_findings(check):
    report = check({"t3.granted.natural_person": "无"})
    assert errors(report) == [("E-cell", "t3.granted.natural_person")]


def test_e_int(check):
    report = check({"t3.granted.natural_person": "53.5", "t2.art20_8.admin_fees.amount_wan_yuan": "4351.7195123"})
    assert errors(report) == [
        ("E-int", "t2.art20_8.admin_fees.amount_wan_yuan"),
        ("E-int", "t3.granted.natural_person"),
    ]
    assert report.errors[0].message == (
        "第 14 行「行政事业性收费·本年收费金额（单位：万元）」为 4351.7195123："
        "金额必须是不小于 0、至多 6 位小数的数（单位：万元；0.000001 万元即 1 分）。"
    )


def test_a_fee_to_the_fen_is_valid(check):
    report = check({"t2.art20_8.admin_fees.amount_wan_yuan": "1036.204518"})
    assert report.valid, report.errors
    assert check({"t2.art20_8.admin_fees.amount_wan_yuan": "1036.2045180"}).valid  # a trailing zero is no 7th place


def test_e_row_total_on_a_single_row(check):
    # Break a row total only: its row fails and so does the 总计 column: they cross at that very cell.
    report = check({"t3.denied.process_info.total": "3"})
    assert errors(report) == [
        ("E-row-total", "t3.denied.process_info.total"),
        ("E-col-total", "t3.denied.process_info.total"),
    ]
    assert (
        report.errors[0].message == "第 84 行「（三）不予公开6.属于四类过程性信息」行：总计为 3，但六类申请人之和为 2。"
    )
    assert report.errors[1].message == (
        "第 182 行「总计」列：（七）总计为 148，但（一）至（六）各项之和为 149。"
        "与其他核对一并看，最可能出错的是 第 84 行「（三）不予公开6.属于四类过程性信息·总计」（现为 3），请先核对该格。"
    )


def test_a_broken_applicant_cell_is_singled_out_by_its_row_and_column(check):
    report = check({"t3.not_processed.duplicate.org_research": "4"})
    assert errors(report) == [
        ("E-row-total", "t3.not_processed.duplicate.org_research"),
        ("E-col-total", "t3.not_processed.duplicate.org_research"),
    ]
    assert report.errors[0].expected == 6 and report.errors[0].actual == 2


def test_e_col_total(check):
    report = check({"t3.total_processed.natural_person": "90", "t3.total_processed.total": "145"})
    # Row （七） still adds up (90+55=145) so no single cell is singled out; each rule points at its own total.
    assert errors(report) == [
        ("E-col-total", "t3.total_processed.natural_person"),
        ("E-balance", "t3.carried_forward.natural_person"),
        ("E-col-total", "t3.total_processed.total"),
        ("E-balance", "t3.carried_forward.total"),
    ]
    assert report.errors[0].message == "第 176 行「自然人」列：（七）总计为 90，但（一）至（六）各项之和为 93。"


def test_e_balance(check):
    report = check({"t3.carried_over.org_legal_service": "1", "t3.carried_over.total": "3"})
    assert errors(report) == [
        ("E-balance", "t3.carried_forward.org_legal_service"),
        ("E-balance", "t3.carried_forward.total"),
        ("E-narrative", "t3.carried_over.total"),  # the narrative says 上年度结转 2 件
    ]
    assert report.errors[0].message == (
        "第 187 行「法律服务机构」列不平衡：一（本年新收）加二（上年结转）为 56，（七）总计加四（结转下年度）为 55，两者应相等。"
    )


@pytest.mark.parametrize("column", schema.T3_APPLICANT_COLUMNS)
def test_e_balance_in_every_column(check, sample_values, column):
    key = f"t3.new_received.{column}"
    report = check({key: str(int(sample_values[key]) + 1)})
    assert ("E-balance", key) in errors(report)


def test_e_t4_total(check):
    report = check({"t4.litigation_direct.total": "5"})
    assert errors(report) == [("E-t4-total", "t4.litigation_direct.total")]
    assert report.errors[0].message == (
        "第 199 行「行政诉讼·未经复议直接起诉」：总计为 5，但结果维持、结果纠正、其他结果、尚未审结之和为 4。"
    )
    assert report.errors[0].keys == tuple(
        f"t4.litigation_direct.{o}" for o in ("total", "upheld", "corrected", "other", "pending")
    )


def test_e_narrative(check, sample_values):
    text = sample_values["narrative.overview.on_request"]
    report = check({"narrative.overview.on_request": text.replace("146 件", "145 件")})
    assert errors(report) == [("E-narrative", "t3.new_received.total")]
    assert report.errors[0].message == (
        "第 206 行「总体情况·依申请公开」写的是「受理政府信息公开申请145件」，但第 21 行「一、本年新收政府信息公开申请数量·总计」为 146，两者应一致。"
    )


def test_e_narrative_ignores_a_count_that_says_it_includes_more(check, sample_values):
    text = sample_values["narrative.overview.on_request"]
    assert check({"narrative.overview.on_request": text.replace("146 件", "148 件（含上年结转）")}).valid


def test_prose_counting_the_carried_over_applications_in_is_a_warning_that_shows_the_sum(check, sample_values):
    """ "受理申请148件" where the table has 146 new and 2 carried over: the usual way of counting, not an error."""
    text = sample_values["narrative.overview.on_request"]
    report = check({"narrative.overview.on_request": text.replace("146 件", "148 件")})
    assert report.valid
    assert warnings(report) == [("W-narrative", "t3.new_received.total")]
    assert "表三本年新收 146 件加上年结转 2 件为 146 + 2 = 148 件" in report.warnings[-1].message


def test_e_meta(check):
    report = check({"meta.year": "二〇二三"}, drop=("meta.body",))
    assert errors(report) == [("E-meta", "meta.body"), ("E-meta", "meta.year")]
    assert report.errors[1].message == "第 2 行「报告年度」为「二〇二三」：请填写四位年份，如 2023。"


def warnings(report):
    return [(f.code, f.key) for f in report.warnings if f.key != "meta.issue_date"]


def test_w_text_missing_sections_and_review_results(check, sample_values):
    report = check(
        {"narrative.overview.supervision": "定期开展培训。", "narrative.problems": ""},
    )
    assert warnings(report) == [("W-text", "narrative.problems"), ("W-text", "narrative.overview.supervision")]
    assert (
        report.warnings[1].message
        == "第 210 行「五、存在的主要问题及改进情况」（narrative.problems）未填写：报告中该处将使用模板的标准表述，没有标准表述的显示【本节未填写】。"
    )


def test_w_text_departments_need_not_state_review_results(check):
    report = check({"narrative.overview.supervision": "定期开展培训。", "meta.body_kind": "部门"})
    assert warnings(report) == []


def test_w_text_no_figures(check, sample_values):
    changes = {f.key: "工作有序推进。" for f in schema.OVERVIEW_FIELDS}
    changes["narrative.overview.supervision"] = "开展考核、评议和责任追究。"
    assert warnings(check(changes)) == [("W-text", "narrative.overview.active")]


def test_w_fee(check, sample_values):
    report = check({"t2.art20_8.admin_fees.amount_wan_yuan": "43517195"})
    assert warnings(report) == [("W-fee", "t2.art20_8.admin_fees.amount_wan_yuan")]
    assert report.valid
    other = sample_values["narrative.other"] + "\n本年度未发出收费通知。"
    changes = {
        "narrative.other": other,
        "t3.other.unpaid_fee.natural_person": "1",
        "t3.other.unpaid_fee.total": "1",
        "t3.other.other.natural_person": "11",
        "t3.other.other.total": "17",
    }
    assert warnings(check(changes)) == [("W-fee", "t3.other.unpaid_fee.total")]


def test_w_review(check):
    report = check({"t4.litigation_after_review.pending": "3", "t4.litigation_after_review.total": "4"})
    assert warnings(report) == [("W-review", "t4.litigation_after_review.total")]
    assert (
        report.warnings[-1].message
        == "第 204 行复议后起诉总计为 4，多于已审结的行政复议（维持+纠正+其他）3 件，请核对。"
    )


def test_w_stock_regulations_for_a_county_level_body(check):
    changes = {"meta.body": "某某县人民政府", "t2.art20_1.regulations.in_force": "2"}
    assert warnings(check(changes)) == [("W-stock", "t2.art20_1.regulations.in_force")]
    assert warnings(check({"meta.body": "某某自治区人民政府", "t2.art20_1.regulations.in_force": "2"})) == []
