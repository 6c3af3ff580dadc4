"""Two-year rules: one passing and one failing pair per rule, exact (code, key) pairs, each message once."""

from __future__ import annotations

import pytest
from conftest import ROOT, SAMPLE_XLSX

from generator import load, validate
from generator.checks.continuity import JUMP_MIN_OLD, check_continuity
from generator.readers.csv_long import read_values

SAMPLE_2022_CSV = ROOT / "data_samples" / "mengzhou-2022.csv"
SAMPLE_2022_XLSX = ROOT / "data_samples" / "mengzhou-2022.xlsx"


@pytest.fixture
def old_values() -> dict[str, str]:
    return read_values(SAMPLE_2022_CSV)


@pytest.fixture
def pair(sample_values, old_values, write_data):
    """pair(new=…, old=…, suffix=…) -> (ReportData 2022, ReportData 2023) with those keys changed."""

    def make(new: dict[str, str] | None = None, old: dict[str, str] | None = None, suffix: str = "csv"):
        old_file = write_data({**old_values, **(old or {})}, f"mengzhou-2022.{suffix}")
        new_file = write_data({**sample_values, **(new or {})}, f"mengzhou-2023.{suffix}")
        return load(old_file), load(new_file)

    return make


@pytest.fixture
def check(pair):
    """check(new=…, old=…) -> the continuity findings of the changed pair."""

    def run(**changes):
        return check_continuity(*pair(**changes))

    return run


def flat(findings):
    return [(f.code, f.key) for f in findings]


def test_the_two_samples_connect():
    old, new = load(SAMPLE_2022_CSV), load(SAMPLE_XLSX)
    assert check_continuity(old, new) == []
    assert check_continuity(load(SAMPLE_2022_XLSX), new) == []


# --- W-carry ------------------------------------------------------------------------------------

CARRY_BROKEN = {"t3.carried_over.natural_person": "3", "t3.carried_over.total": "3"}


def test_w_carry_names_this_years_and_last_years_keys(check):
    findings = check(new=CARRY_BROKEN)
    assert flat(findings) == [
        ("W-carry", "t3.carried_over.natural_person"),
        ("W-carry", "t3.carried_over.total"),
    ]
    assert findings[0].keys == ("t3.carried_over.natural_person", "t3.carried_forward.natural_person")
    assert (findings[0].expected, findings[0].actual) == (2, 3)
    assert findings[0].severity == "warning"
    assert findings[0].message == (
        "第 22 行「二、上年结转政府信息公开申请数量·自然人」为 3，但上年 mengzhou-2022.csv 第 184 行"
        "「四、结转下年度继续办理·自然人」为 2：本年的“上年结转”应等于上年的“结转下年度继续办理”。"
    )


def test_w_carry_in_a_column_other_than_the_total(check):
    findings = check(old={"t3.carried_forward.org_research": "1", "t3.carried_forward.total": "3"})
    assert flat(findings) == [("W-carry", "t3.carried_over.org_research"), ("W-carry", "t3.carried_over.total")]


def test_w_carry_locates_workbook_cells(check):
    findings = check(new=CARRY_BROKEN, suffix="xlsx")
    assert findings[1].message == (
        "表三!J6「二、上年结转政府信息公开申请数量·总计」为 3，但上年 mengzhou-2022.xlsx 表三!J29"
        "「四、结转下年度继续办理·总计」为 2：本年的“上年结转”应等于上年的“结转下年度继续办理”。"
    )


def test_w_carry_skips_a_figure_that_did_not_parse(check):
    assert flat(check(old={"t3.carried_forward.natural_person": "—"})) == []


# --- W-in-force and W-stock -----------------------------------------------------------------------


def test_w_in_force(check):
    findings = check(new={"t2.art20_1.normative_docs.in_force": "78"})
    assert flat(findings) == [("W-in-force", "t2.art20_1.normative_docs.in_force")]
    assert (findings[0].expected, findings[0].actual) == (77, 78)
    assert findings[0].message == (
        "第 10 行「行政规范性文件·现行有效件数」为 78，但上年现行有效 90 件（上年 mengzhou-2022.csv 第 11 行）"
        "加本年制发 5 件、减本年废止 18 件应为 77 件。文件也可能因有效期届满等原因失效：如属此类请在正文中说明，否则请核对。"
    )


def test_w_in_force_for_regulations(check):
    old = {"t2.art20_1.regulations.in_force": "3"}
    assert flat(check(old=old, new={"t2.art20_1.regulations.in_force": "3"})) == []
    assert flat(check(old=old, new={"t2.art20_1.regulations.issued": "1", "t2.art20_1.regulations.in_force": "3"})) == [
        ("W-in-force", "t2.art20_1.regulations.in_force")
    ]


def test_w_stock_repealed_more_than_could_be(check):
    # 90 in force last year + 5 issued: repealing 95 is possible (then 0 remain, not 77) ...
    assert flat(check(new={"t2.art20_1.normative_docs.repealed": "95"})) == [
        ("W-in-force", "t2.art20_1.normative_docs.in_force")
    ]
    # ... repealing 96 is not, and the in-force rule is not raised on top of it.
    findings = check(new={"t2.art20_1.normative_docs.repealed": "96"})
    assert flat(findings) == [("W-stock", "t2.art20_1.normative_docs.repealed")]
    assert findings[0].message == (
        "第 9 行「行政规范性文件·本年废止件数」为 96，多于上年现行有效 90 件（上年 mengzhou-2022.csv 第 11 行）"
        "与本年制发 5 件之和 95：废止的文件不可能多于可以废止的文件，请核对。"
    )


# --- W-jump ---------------------------------------------------------------------------------------


def test_w_jump_rise_beyond_five_times(check):
    assert flat(check(new={"t2.art20_5.licensing.decisions": str(25367 * 5)})) == []
    findings = check(new={"t2.art20_5.licensing.decisions": str(25367 * 5 + 1)})
    assert flat(findings) == [("W-jump", "t2.art20_5.licensing.decisions")]
    assert "是上年的 5.1 倍（超过 5 倍）" in findings[0].message


def test_w_jump_catches_yuan_typed_as_wan_yuan(check):
    findings = check(new={"t2.art20_8.admin_fees.amount_wan_yuan": "43517195"})
    assert flat(findings) == [("W-jump", "t2.art20_8.admin_fees.amount_wan_yuan")]
    assert findings[0].message == (
        "第 14 行「行政事业性收费·本年收费金额（单位：万元）」由上年的 3986.4521（上年 mengzhou-2022.csv 第 15 行）"
        "增至 43517195，是上年的 10916.3 倍（超过 5 倍）：请核对是否填错（如单位、位数）。"
    )


def test_w_jump_fall_below_a_fifth(check):
    assert flat(check(new={"t2.art20_6.penalty.decisions": "537"})) == []  # 2684 / 5 = 536.8
    findings = check(new={"t2.art20_6.penalty.decisions": "536"})
    assert flat(findings) == [("W-jump", "t2.art20_6.penalty.decisions")]
    assert findings[0].message == (
        "第 12 行「行政处罚·本年处理决定数量」由上年的 2684（上年 mengzhou-2022.csv 第 13 行）降至 536，"
        "仅为上年的 19.9%（不足五分之一）：请核对是否填错（如单位、位数）。"
    )


def test_w_jump_needs_a_base_large_enough_for_a_ratio(check):
    below = str(int(JUMP_MIN_OLD) - 1)
    assert flat(check(old={"t3.new_received.total": below})) == []  # 19 -> 146 is not judged
    assert flat(check(old={"t3.new_received.total": str(JUMP_MIN_OLD)})) == [("W-jump", "t3.new_received.total")]
    assert flat(check(old={"t4.review.total": "0"})) == []  # 0 -> 4: no ratio at all


def test_w_jump_identical_tables(check, sample_values):
    copied = {key: value for key, value in sample_values.items() if key.startswith(("t2.", "t3.", "t4."))}
    findings = check(old=copied)
    # Copied tables also break the carry-over and the documents in force: each is reported.
    assert flat(findings) == [
        ("W-carry", "t3.carried_over.natural_person"),
        ("W-carry", "t3.carried_over.total"),
        ("W-in-force", "t2.art20_1.normative_docs.in_force"),
        ("W-jump", "t2.art20_1.regulations.issued"),
    ]
    assert findings[-1].message == (
        "三张统计表的全部 200 个数字与上年（mengzhou-2022.csv）完全相同：是否沿用了上年的表格而未填写本年数据？"
    )


def test_one_changed_figure_is_not_identical(check, sample_values):
    copied = {key: value for key, value in sample_values.items() if key.startswith(("t2.", "t3.", "t4."))}
    copied["t2.art20_6.coercion.decisions"] = "570"
    assert ("W-jump", "t2.art20_1.regulations.issued") not in flat(check(old=copied))


# --- W-meta: same body, consecutive years -----------------------------------------------------------


def test_w_meta_other_body(check):
    findings = check(old={"meta.body": "温县人民政府"})
    assert flat(findings) == [("W-meta", "meta.body")]
    assert findings[0].message == (
        "第 2 行「发布机关」为「孟州市人民政府」，但上年数据（mengzhou-2022.csv）为「温县人民政府」："
        "对比的应是同一机关的两年数据，其余衔接核对已跳过。"
    )
    assert flat(check(old={"meta.body": " 孟州市人民政府 "})) == []


@pytest.mark.parametrize("old_body", ["孟州市人民政府办公室", "焦作市孟州市人民政府", "河南省焦作市孟州市人民政府"])
def test_another_spelling_of_the_same_body_is_compared_and_said(check, old_body):
    """The government's office, or the name with its higher regions, is the same body: every continuity check
    runs (the broken carry-over is found) and one warning names both spellings."""
    findings = check(old={"meta.body": old_body}, new=CARRY_BROKEN)
    assert ("W-meta", "meta.body") in flat(findings) and ("W-carry", "t3.carried_over.total") in flat(findings)
    spelling = next(f for f in findings if f.key == "meta.body")
    assert f"为「{old_body}」：按同一机关的两种写法对比" in spelling.message


def test_another_bodys_figures_are_not_compared(check):
    """One body's carry-over, documents in force or totals say nothing about another's: only W-meta."""
    assert flat(check(old={"meta.body": "某某县人民政府"}, new=CARRY_BROKEN)) == [("W-meta", "meta.body")]


def test_w_meta_years_not_consecutive_skips_the_year_to_year_rules(check):
    findings = check(old={"meta.year": "2021"}, new=CARRY_BROKEN)
    assert flat(findings) == [("W-meta", "meta.year")]
    assert findings[0].message == (
        "第 3 行「报告年度」为 2023，但上年数据（mengzhou-2022.csv）为 2021 年，不是相邻的上一年（应为 2022 年）："
        "上年结转、现行有效件数的衔接核对已跳过。"
    )


def test_w_meta_years_in_the_wrong_order(pair):
    old, new = pair()
    assert flat(check_continuity(new, old)) == [("W-meta", "meta.year")]


# --- validate(data, previous) ---------------------------------------------------------------------


def carry_broken_but_valid(sample_values) -> dict[str, str]:
    """2023 with 3 carried over instead of 2: balanced (one more carried forward), narrative agreeing."""
    text = sample_values["narrative.overview.on_request"]
    assert "上年度结转 2 件" in text
    return {
        **CARRY_BROKEN,
        "t3.carried_forward.natural_person": "1",
        "t3.carried_forward.total": "1",
        "narrative.overview.on_request": text.replace("上年度结转 2 件", "上年度结转 3 件"),
    }


def test_validate_adds_continuity_findings_as_warnings(pair, sample_values):
    old, new = pair(new=carry_broken_but_valid(sample_values))
    alone = validate(new)
    with_previous = validate(new, old)
    assert alone.valid and with_previous.valid
    assert with_previous.flatten() == alone.flatten() + [
        ("W-carry", "t3.carried_over.natural_person"),
        ("W-carry", "t3.carried_over.total"),
    ]
    assert validate(new, previous=None) == alone


def test_a_previous_year_that_fails_its_own_checks_is_named(sample_values, write_data):
    from generator import load, validate

    this_year = load(write_data(sample_values, "2023.csv"))
    broken = dict(sample_values, **{"meta.year": "2022", "t3.granted.natural_person": "54"})
    report = validate(this_year, load(write_data(broken, "2022.csv")))
    assert report.valid  # continuity findings are warnings
    (finding,) = [f for f in report.warnings if f.key == "meta.year"]
    assert finding.code == "W-meta"
    assert finding.message.startswith("上年数据（2022.csv）本身有 2 个错误（如：")
    assert finding.message.endswith("），以上与上年衔接的核对结果仅供参考。")
