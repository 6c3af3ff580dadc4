"""Narrative diff: CJK characters one by one, numbers and ASCII words whole, short shared scraps folded."""

from __future__ import annotations

import pytest

from generator.compare.narrative import Segment, as_text, count_changes, diff_text, tokenize


def test_tokens_keep_numbers_and_words_whole():
    assert tokenize("受理申请120件，共 3,017 条；4351.7195万元，H5页面。") == [
        "受",
        "理",
        "申",
        "请",
        "120",
        "件",
        "，",
        "共",
        " ",
        "3,017",
        " ",
        "条",
        "；",
        "4351.7195",
        "万",
        "元",
        "，",
        "H",
        "5",
        "页",
        "面",
        "。",
    ]


def test_a_sentence_ending_in_a_number_keeps_its_full_stop():
    assert tokenize("共2023.") == ["共", "2023", "."]
    assert tokenize("ok, PDF") == ["ok", ",", " ", "PDF"]


def test_a_changed_number_is_one_change_not_a_changed_digit():
    segments = diff_text("受理申请120件。", "受理申请135件。")
    assert segments == (
        Segment("equal", "受理申请"),
        Segment("delete", "120"),
        Segment("insert", "135"),
        Segment("equal", "件。"),
    )
    assert count_changes(segments) == 1
    assert as_text(segments) == "受理申请[-120-]{+135+}件。"


def test_numbers_with_separators_and_decimals_are_compared_whole():
    assert as_text(diff_text("发布信息 2,685 条", "发布信息 3,017 条")) == "发布信息 [-2,685-]{+3,017+} 条"
    assert as_text(diff_text("收费4351.7195万元", "收费4351.7295万元")) == "收费[-4351.7195-]{+4351.7295+}万元"


def test_chinese_is_compared_by_character():
    segments = diff_text("一是加强培训。二是完善制度。", "一是加大公开力度。二是完善制度。三是强化考核。")
    assert as_text(segments) == "一是加[-强培训-]{+大公开力度+}。二是完善制度。{+三是强化考核。+}"
    assert count_changes(segments) == 2


def test_a_rewrite_is_not_a_comb_of_shared_characters():
    # 的 and ， are shared by chance: a sentence more than half rewritten is one replaced sentence.
    assert as_text(diff_text("落实公文的属性，拟制时", "加强公文的管理，健全机制")) == (
        "[-落实公文的属性，拟制时-]{+加强公文的管理，健全机制+}"
    )
    assert as_text(diff_text("甲乙的丙丁", "戊己的庚辛")) == "[-甲乙的丙丁-]{+戊己的庚辛+}"
    # Less than half rewritten: the words that changed, inside the sentence that stayed.
    assert as_text(diff_text("一是落实公文的属性。", "一是加强公文的属性。")) == "一是[-落实-]{+加强+}公文的属性。"


def test_a_sentence_more_than_half_rewritten_is_one_replaced_sentence():
    old = "落实公文公开属性源头认定机制，拟制公文时同步明确公开属性。对行政规范性文件开展集中清理。"
    new = "加强公文公开属性源头管理，健全政府信息公开审查机制。对行政规范性文件开展集中清理。"
    segments = diff_text(old, new)
    assert segments == (
        Segment("delete", "落实公文公开属性源头认定机制，拟制公文时同步明确公开属性。"),
        Segment("insert", "加强公文公开属性源头管理，健全政府信息公开审查机制。"),
        Segment("equal", "对行政规范性文件开展集中清理。"),
    )
    assert count_changes(segments) == 1
    # Two rewritten sentences in a row: one deletion, then one insertion, the sentences in order.
    assert as_text(diff_text("甲乙丙。丁戊己。相同。", "子丑寅。卯辰巳。相同。")) == (
        "[-甲乙丙。丁戊己。-]{+子丑寅。卯辰巳。+}相同。"
    )


def test_punctuation_next_to_a_small_change_is_kept():
    assert as_text(diff_text("办件量 162232）；发布", "办件量 202785）；加大力度，发布")) == (
        "办件量 [-162232-]{+202785+}）；{+加大力度，+}发布"
    )
    assert as_text(diff_text("甲乙丙丁，2022", "甲乙丙戊，2023")) == "甲乙丙[-丁-]{+戊+}，[-2022-]{+2023+}"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("", "新增一段。", (Segment("insert", "新增一段。"),)),
        ("删去一段。", "", (Segment("delete", "删去一段。"),)),
        ("相同。", "相同。", (Segment("equal", "相同。"),)),
        ("", "", ()),
    ],
)
def test_whole_sections_added_removed_or_unchanged(old, new, expected):
    assert diff_text(old, new) == expected


def test_paragraph_breaks_are_never_folded_away():
    segments = diff_text("第一段甲。\n第二段。", "第一段乙。\n第二段。")
    assert as_text(segments) == "第一段[-甲-]{+乙+}。\n第二段。"
