"""The schema carries exactly FORMAT.md's keys, with labels, kinds and workbook cells."""

from __future__ import annotations

from generator.format import schema
from generator.format.schema import Kind

# FORMAT.md's data contract, spelled out independently of schema.py so a drift in either shows.
T3_ROWS = [
    "new_received",
    "carried_over",
    "granted",
    "partial",
    "denied.state_secret",
    "denied.law_prohibited",
    "denied.three_security_one_stability",
    "denied.third_party_rights",
    "denied.internal_affairs",
    "denied.process_info",
    "denied.enforcement_file",
    "denied.admin_query",
    "unable.not_held",
    "unable.needs_creation",
    "unable.still_unclear",
    "not_processed.petition_complaint",
    "not_processed.duplicate",
    "not_processed.publication",
    "not_processed.mass_repeated",
    "not_processed.confirm_or_reissue",
    "other.no_correction",
    "other.unpaid_fee",
    "other.other",
    "total_processed",
    "carried_forward",
]
T3_COLUMNS = [
    "natural_person",
    "org_commercial",
    "org_research",
    "org_public_interest",
    "org_legal_service",
    "org_other",
    "total",
]
T2_KEYS = [
    *(f"t2.art20_1.{d}.{c}" for d in ("regulations", "normative_docs") for c in ("issued", "repealed", "in_force")),
    "t2.art20_5.licensing.decisions",
    "t2.art20_6.penalty.decisions",
    "t2.art20_6.coercion.decisions",
    "t2.art20_8.admin_fees.amount_wan_yuan",
]
T4_KEYS = [
    f"t4.{g}.{o}"
    for g in ("review", "litigation_direct", "litigation_after_review")
    for o in ("upheld", "corrected", "other", "pending", "total")
]


def test_figure_keys_are_exactly_the_format_contract_in_table_order():
    expected = T2_KEYS + [f"t3.{r}.{c}" for r in T3_ROWS for c in T3_COLUMNS] + T4_KEYS
    assert list(schema.figures()) == expected
    assert len(expected) == 200


def test_only_the_fee_is_an_amount():
    amounts = [f.key for f in schema.figures().values() if f.kind is Kind.WAN_YUAN]
    assert amounts == ["t2.art20_8.admin_fees.amount_wan_yuan"]


def test_labels_are_the_official_ones():
    figures = schema.figures()
    assert figures["t2.art20_1.normative_docs.in_force"].label == "行政规范性文件·现行有效件数"
    assert figures["t3.denied.three_security_one_stability.org_research"].label == (
        "（三）不予公开3.危及“三安全一稳定”·科研机构"
    )
    assert figures["t3.carried_forward.total"].label == "四、结转下年度继续办理·总计"
    assert figures["t4.litigation_after_review.pending"].label == "行政诉讼·复议后起诉·尚未审结"


def test_every_figure_has_its_own_workbook_cell():
    places = [(f.sheet, f.cell) for f in schema.figures().values()]
    assert len(set(places)) == 200
    assert schema.figures()["t3.new_received.natural_person"].location == "表三!D5"
    assert schema.figures()["t3.carried_forward.total"].location == "表三!J29"
    assert schema.figures()["t4.litigation_after_review.total"].location == "表四!O5"


def test_required_metadata_and_six_headings():
    assert [f.key for f in schema.META_FIELDS if f.required] == ["meta.body", "meta.year"]
    assert list(schema.HEADINGS.values()) == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    assert [f.heading for f in schema.OVERVIEW_FIELDS] == [
        "（一）主动公开",
        "（二）依申请公开",
        "（三）政府信息管理",
        "（四）政府信息公开平台建设",
        "（五）监督保障",
    ]
