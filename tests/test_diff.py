"""generate-report diff: exactly the figures that differ, exact changes, in every format; the HTML page; the CLI."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, SAMPLE_CSV, SAMPLE_XLSX

from generator import load
from generator.compare.formats import format_diff, format_text, label_parts, render_diff_html
from generator.compare.model import FigureChange, diff
from generator.compare.narrative import as_text
from generator.format import schema
from generator.readers.csv_long import read_values
from generator.render.typography.layout import LABEL_WORDS

SAMPLE_2022_CSV = ROOT / "data_samples" / "mengzhou-2022.csv"
SAMPLE_2022_XLSX = ROOT / "data_samples" / "mengzhou-2022.xlsx"


@pytest.fixture(scope="module")
def expected() -> dict[str, tuple[Decimal, Decimal]]:
    """Straight from the two sample CSVs, without the loader: key -> (2022, 2023) for every figure that differs."""
    old, new = read_values(SAMPLE_2022_CSV), read_values(SAMPLE_CSV)
    pairs = {key: (Decimal(old[key]), Decimal(new[key])) for key in schema.figures()}
    return {key: pair for key, pair in pairs.items() if pair[0] != pair[1]}


@pytest.fixture(scope="module")
def samples():
    return load(SAMPLE_2022_XLSX), load(SAMPLE_XLSX)


def percent(old: Decimal, new: Decimal) -> Decimal | None:
    return None if old == 0 else ((new - old) * 100 / old).quantize(Decimal("0.1"))


# --- The library ------------------------------------------------------------------------------------


def test_the_samples_differ_in_exactly_these_figures(samples, expected):
    result = diff(*samples)
    assert len(expected) == 50  # the README quotes this number
    assert [f.key for f in result.figures] == [k for k in schema.figures() if k in expected]
    assert result.changed_count == len(expected) and result.figure_count == 200
    for row in result.figures:
        old, new = expected[row.key]
        assert (row.old, row.new, row.change, row.percent) == (old, new, new - old, percent(old, new)), row.key
        assert row.direction == ("增加" if new > old else "减少")
        assert row.symbol == ("▲" if new > old else "▼")
    assert result.findings == ()


def test_all_lists_every_figure_and_section(samples):
    result = diff(*samples, include_unchanged=True)
    assert [f.key for f in result.figures] == list(schema.figures())
    unchanged = [f for f in result.figures if not f.changed]
    assert len(unchanged) == 150 and {f.direction for f in unchanged} == {"不变"}
    assert [s.key for s in result.narrative] == [f.key for f in schema.NARRATIVE_FIELDS if f.key != "narrative.preface"]


def test_the_fee_stays_exact(samples):
    fee = next(f for f in diff(*samples).figures if f.key == "t2.art20_8.admin_fees.amount_wan_yuan")
    assert (fee.old, fee.new, fee.change) == (Decimal("3986.4521"), Decimal("4351.7195"), Decimal("365.2674"))
    assert fee.change_text == "+365.2674" and fee.percent_text == "+9.2%"


def test_percentage_is_a_dash_when_last_year_was_zero():
    row = FigureChange("t4.review.other", "行政复议·其他结果", "t4", 0, 1)
    assert row.percent is None and row.percent_text == "—"
    assert row.to_dict()["percent"] is None
    assert (row.change_text, row.symbol, row.direction) == ("+1", "▲", "增加")
    assert FigureChange("k", "l", "t4", 4, 3).percent_text == "-25.0%"
    missing = FigureChange("k", "l", "t4", None, 3)
    assert missing.changed and (missing.change, missing.direction) == (None, "无法比较")


def test_the_same_year_as_xlsx_and_csv_has_no_differences():
    result = diff(load(SAMPLE_CSV), load(SAMPLE_XLSX))
    assert result.figures == () and result.narrative == () and result.changed_count == 0
    assert [(f.code, f.key) for f in result.findings] == [
        ("W-meta", "meta.year"),
        ("W-jump", "t2.art20_1.regulations.issued"),
    ]
    assert "数字：200 个全部与上年相同。" in format_text(result)


# --- Every format lists the same figures with the same values ---------------------------------------


def test_json(samples, expected):
    records = json.loads(format_diff(diff(*samples), "json"))
    rows = [r for r in records if r["type"] == "figure"]
    assert isinstance(records, list) and records[: len(rows)] == rows  # the figures first, as before
    assert {r["key"] for r in rows} == set(expected)
    for row in rows:
        old, new = expected[row["key"]]
        assert Decimal(str(row["old"])) == old and Decimal(str(row["new"])) == new
        assert Decimal(str(row["change"])) == new - old
        want = percent(old, new)
        assert row["percent"] == (None if want is None else float(want))
        assert row["label"] == schema.figures()[row["key"]].label


def test_csv(samples, expected):
    text = format_diff(diff(*samples), "csv")
    assert text.splitlines()[0] == "表格,项目,上年,本年,变化,变化率,增减,说明,键"  # Chinese for Excel, the key last
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["表格"] not in ("正文", "衔接核对")]
    assert {r["键"] for r in rows} == set(expected)
    for row in rows:
        old, new = expected[row["键"]]
        assert row["项目"] == schema.figures()[row["键"]].label
        assert (Decimal(row["上年"]), Decimal(row["本年"]), Decimal(row["变化"])) == (old, new, new - old)
        want = percent(old, new)
        assert row["变化率"] == ("—" if want is None else f"{want:+}%")
        assert row["增减"] == ("▲增加" if new > old else "▼减少")
    fee = next(r for r in rows if r["键"] == "t2.art20_8.admin_fees.amount_wan_yuan")
    assert (fee["表格"], fee["上年"], fee["本年"], fee["变化"]) == (
        "主动公开政府信息情况",
        "3986.4521",
        "4351.7195",
        "+365.2674",
    )


def test_csv_lists_the_continuity_warnings_after_the_figures(samples, sample_values, write_data):
    sample_values["t3.carried_over.total"] = "3"
    sample_values["t3.carried_over.natural_person"] = "3"
    sample_values["t3.new_received.total"] = "145"
    sample_values["t3.new_received.natural_person"] = "90"
    result = diff(samples[0], load(write_data(sample_values)))
    rows = list(csv.DictReader(io.StringIO(format_diff(result, "csv"))))
    warnings = [r for r in rows if r["表格"] == "衔接核对"]
    assert [(r["项目"], r["键"]) for r in warnings] == [(f.code, f.key) for f in result.findings]
    assert warnings and all(r["增减"] == "警告" and r["说明"] for r in warnings)
    assert rows[-len(warnings) :] == warnings


def test_text(samples, expected):
    text = format_text(diff(*samples))
    line = re.compile(r"^  (.+)：(\S+) → (\S+)，([+-]?[\d.]+)（(.+)），([▲▼])(增加|减少)$")
    found = {m.group(1): m.groups()[1:] for m in map(line.match, text.splitlines()) if m}
    by_label = {schema.figures()[k].label: v for k, v in expected.items()}
    assert set(found) == set(by_label)
    for label, (old, new, change, pct, symbol, word) in found.items():
        want_old, want_new = by_label[label]
        assert (Decimal(old), Decimal(new), Decimal(change)) == (want_old, want_new, want_new - want_old)
        want = percent(want_old, want_new)
        assert pct == ("—" if want is None else f"{want:+}%")
        assert (symbol, word) == (("▲", "增加") if want_new > want_old else ("▼", "减少"))
    assert text.splitlines()[1:3] == [
        "数字：200 个中有 50 个与上年不同（▲增加 32 个，▼减少 18 个）。",
        "衔接核对：未发现问题。",
    ]
    # Grouped by table, under the official headings, in the format's order.
    assert [text.index(h) for h in schema.HEADINGS.values() if h.startswith(("二", "三", "四"))] == sorted(
        text.index(h) for h in list(schema.HEADINGS.values())[1:4]
    )


def test_text_narrative_marks_changed_numbers_whole(samples):
    text = format_text(diff(*samples))
    assert "受理政府信息公开申请 [-122-]{+146+} 件，上年度结转 [-1-]{+2+} 件" in text
    assert "【总体情况·依申请公开】（8 处变化）" in text


# --- The HTML page ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page(samples):
    return BeautifulSoup(render_diff_html(diff(*samples)), "html.parser")


def test_html_is_a_standalone_accessible_page(page):
    assert page.html["lang"] == "zh-CN"
    assert [h.get_text() for h in page.find_all("h1")] == ["孟州市人民政府2022年与2023年政府信息公开工作年度报告对比"]
    assert page.find_all(["script", "link", "img", "iframe"]) == []
    assert not re.search(r"(src|href)\s*=|url\(|@import", str(page))
    assert "@media print" in page.style.get_text()
    tables = page.find_all("table")
    assert [t.caption.get_text() for t in tables] == [schema.HEADINGS[t] for t in ("t2", "t3", "t4")]
    for table in tables:
        assert all(th["scope"] == "col" for th in table.thead.find_all("th"))
        assert all(row.th["scope"] == "row" for row in table.tbody.find_all("tr"))


def test_html_summary_comes_first(page):
    summary = page.find("section", class_="summary")
    assert summary.find_previous("table") is None
    assert "200 个中有 50 个与上年不同" in summary.get_text()
    assert "衔接核对：未发现问题。" in summary.get_text()


def test_html_rows_are_exactly_the_changed_figures_marked_in_words(page, expected):
    rows = page.find_all("tr", attrs={"data-key": True})
    assert {r["data-key"] for r in rows} == set(expected)
    for row in rows:
        old, new = expected[row["data-key"]]
        cells = [td.get_text() for td in row.find_all("td")]
        assert (Decimal(cells[0]), Decimal(cells[1]), Decimal(cells[2])) == (old, new, new - old)
        assert cells[4] == ("▲增加" if new > old else "▼减少")


def test_html_narrative_uses_ins_and_del(page):
    assert [d.get_text() for d in page.find_all("del") if "122" in d.get_text()] == ["〔删除：122〕"]
    assert [i.get_text() for i in page.find_all("ins") if "146" in i.get_text()] == ["〔新增：146〕"]


def test_html_escapes_the_narrative(samples, sample_values, write_data):
    sample_values["narrative.problems"] = "<script>alert(1)</script>存在的问题"
    result = diff(samples[0], load(write_data(sample_values)))
    html = render_diff_html(result).decode("utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- The command ------------------------------------------------------------------------------------


def test_cli_text(run, expected):
    result = run("diff", SAMPLE_2022_CSV, SAMPLE_XLSX)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "孟州市人民政府2022年与2023年政府信息公开工作年度报告对比（mengzhou-2022.csv → mengzhou-2023.xlsx）\n"
    )
    assert result.stdout == format_text(diff(load(SAMPLE_2022_CSV), load(SAMPLE_XLSX)))


@pytest.mark.parametrize("fmt", ["json", "csv", "html"])
def test_cli_formats_to_stdout_and_to_a_file(run, tmp_path, fmt, expected):
    printed = run("diff", SAMPLE_2022_XLSX, SAMPLE_CSV, "--format", fmt)
    assert printed.exit_code == 0, printed.output
    written = run("diff", SAMPLE_2022_XLSX, SAMPLE_CSV, "--format", fmt, "-o", tmp_path / f"out.{fmt}")
    assert written.exit_code == 0
    assert written.stdout.splitlines()[-1] == f"已生成：{tmp_path / f'out.{fmt}'}"
    content = (tmp_path / f"out.{fmt}").read_bytes()
    assert content.startswith(b"\xef\xbb\xbf") == (fmt == "csv")  # Excel needs the BOM
    assert content.decode("utf-8-sig") == printed.stdout


def test_cli_format_follows_the_output_file_name(run, tmp_path):
    """ "-o 对比.html" without --format writes the page; a name saying another format than --format is refused."""
    written = run("diff", SAMPLE_2022_XLSX, SAMPLE_CSV, "-o", tmp_path / "对比.html")
    assert written.exit_code == 0
    assert (tmp_path / "对比.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert run("diff", SAMPLE_2022_XLSX, SAMPLE_CSV, "-o", tmp_path / "对比.txt").exit_code == 0
    assert (tmp_path / "对比.txt").read_text(encoding="utf-8").startswith("孟州市人民政府2022年与2023年")
    for fmt, name in (("csv", "对比2.html"), ("html", "对比2.xlsx")):
        refused = run("diff", SAMPLE_2022_XLSX, SAMPLE_CSV, "--format", fmt, "-o", tmp_path / name)
        assert refused.exit_code == 2
        assert refused.stderr.splitlines()[-1].startswith("错误：选项 -o 的值无效：")
        assert not (tmp_path / name).exists()


def test_cli_json_all(run):
    rows = json.loads(run("diff", SAMPLE_2022_CSV, SAMPLE_CSV, "--format", "json", "--all").stdout)
    assert [r["key"] for r in rows if r["type"] == "figure"] == list(schema.figures())
    assert [r["key"] for r in rows if r["type"] == "narrative"] == [
        f.key for f in schema.NARRATIVE_FIELDS if f.key in load(SAMPLE_CSV).narrative
    ]


def test_json_and_csv_carry_the_narrative_changes_and_the_warnings(samples, sample_values, write_data):
    sample_values["t3.carried_over.total"] = "3"
    sample_values["t3.carried_over.natural_person"] = "3"
    sample_values["t3.new_received.total"] = "145"
    sample_values["t3.new_received.natural_person"] = "90"
    sample_values["narrative.other"] = "本年度未收取信息处理费。"
    result = diff(samples[0], load(write_data(sample_values)))
    other = next(s for s in result.narrative if s.key == "narrative.other")
    assert result.findings and other.changes

    records = json.loads(format_diff(result, "json"))
    assert [r["type"] for r in records] == (
        ["figure"] * len(result.figures) + ["narrative"] * len(result.narrative) + ["finding"] * len(result.findings)
    )
    found = next(r for r in records if r["key"] == "narrative.other")
    assert (found["label"], found["new"], found["changes"]) == (other.label, "本年度未收取信息处理费。", other.changes)
    assert other.label == "六、其他需要报告的事项"
    assert found["old"] == "\n".join(samples[0].narrative["narrative.other"])
    assert "".join(text for op, text in found["segments"] if op != "delete") == found["new"]
    warnings = [r for r in records if r["type"] == "finding"]
    assert [(r["code"], r["key"], r["severity"]) for r in warnings] == [
        (f.code, f.key, "warning") for f in result.findings
    ]

    rows = list(csv.DictReader(io.StringIO(format_diff(result, "csv"))))
    narrative = [r for r in rows if r["表格"] == "正文"]
    assert [r["键"] for r in narrative] == [s.key for s in result.narrative]
    row = next(r for r in narrative if r["键"] == "narrative.other")
    assert (row["项目"], row["上年"], row["本年"]) == (other.label, found["old"], "本年度未收取信息处理费。")
    assert (row["变化"], row["说明"]) == (f"{other.changes} 处", as_text(other.segments))
    assert row["说明"].endswith("{+本年度未收取信息处理费。+}")


def test_cli_json_findings_go_to_stderr(run, sample_values, write_data):
    sample_values["t3.carried_over.natural_person"] = "3"
    result = run("diff", SAMPLE_2022_CSV, write_data(sample_values, "new.csv"), "--format", "json")
    json.loads(result.stdout)  # still parseable
    assert "[警告 W-carry]" in result.stderr


def test_cli_exit_codes(run, sample_values, write_data, tmp_path):
    assert run("diff", SAMPLE_2022_CSV, SAMPLE_CSV, "--strict").exit_code == 1  # 2023 has no issue date
    assert run("diff", SAMPLE_2022_CSV, SAMPLE_CSV, "--format", "pdf").exit_code == 2
    assert run("diff", SAMPLE_2022_CSV).exit_code == 2
    missing = run("diff", "没有这个文件.csv", SAMPLE_CSV)
    assert missing.exit_code == 3 and missing.stderr == "错误：找不到数据文件：没有这个文件.csv\n"
    sample_values["t3.granted.natural_person"] = "54"
    broken = run("diff", SAMPLE_2022_CSV, write_data(sample_values, "broken.csv"))
    assert broken.exit_code == 1
    assert "t3.granted" not in broken.stdout and "（一）予以公开·自然人：45 → 54" in broken.stdout
    assert broken.stderr.startswith("注意：本年数据 broken.csv 有 2 个错误：\n[错误 E-row-total]")


def test_cli_unwritable_output_exits_3(run, tmp_path):
    (tmp_path / "blocker").write_text("a file, not a folder")
    result = run("diff", SAMPLE_2022_CSV, SAMPLE_CSV, "-o", tmp_path / "blocker" / "out.html", "--format", "html")
    assert result.exit_code == 3 and result.stderr.startswith("错误：无法写入文件夹")


# --- --previous on validate and render ----------------------------------------------------------------


@pytest.fixture
def carry_broken(sample_values, write_data):
    """2023 valid on its own, but carrying over 3 where 2022 carried forward 2 (as .xlsx)."""
    text = sample_values["narrative.overview.on_request"]
    sample_values.update(
        {
            "t3.carried_over.natural_person": "3",
            "t3.carried_over.total": "3",
            "t3.carried_forward.natural_person": "1",
            "t3.carried_forward.total": "1",
            "narrative.overview.on_request": text.replace("上年度结转 2 件", "上年度结转 3 件"),
        }
    )
    return write_data(sample_values, "mengzhou-2023.xlsx")


def test_validate_previous_reports_the_carry_over_and_exits_0(run, carry_broken):
    result = run("validate", carry_broken, "--previous", SAMPLE_2022_XLSX)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "[警告 W-meta] 基本信息!C4未填写「发布日期」（meta.issue_date）。报告末尾将不显示发布日期。",
        "[警告 W-carry] 表三!D6「二、上年结转政府信息公开申请数量·自然人」为 3，但上年 mengzhou-2022.xlsx 表三!D29"
        "「四、结转下年度继续办理·自然人」为 2：本年的“上年结转”应等于上年的“结转下年度继续办理”。",
        "[警告 W-carry] 表三!J6「二、上年结转政府信息公开申请数量·总计」为 3，但上年 mengzhou-2022.xlsx 表三!J29"
        "「四、结转下年度继续办理·总计」为 2：本年的“上年结转”应等于上年的“结转下年度继续办理”。",
        "mengzhou-2023.xlsx：校验通过，0 个错误，3 个警告。",
    ]
    as_json = json.loads(run("validate", carry_broken, "--previous", SAMPLE_2022_XLSX, "--format", "json").stdout)
    carry = [f for f in as_json["findings"] if f["code"] == "W-carry"]
    assert [f["keys"] for f in carry] == [
        ["t3.carried_over.natural_person", "t3.carried_forward.natural_person"],
        ["t3.carried_over.total", "t3.carried_forward.total"],
    ]
    assert run("validate", carry_broken).stdout.count("W-carry") == 0


def test_diff_shows_the_same_carry_over_finding(run, carry_broken):
    result = run("diff", SAMPLE_2022_XLSX, carry_broken)
    assert result.exit_code == 0
    assert "衔接核对：2 个警告。" in result.stdout
    assert (
        "[警告 W-carry] 表三!D6「二、上年结转政府信息公开申请数量·自然人」为 3，但上年 mengzhou-2022.xlsx 表三!D29"
        in result.stdout
    )


def test_render_previous_warns_and_still_writes(run, carry_broken, tmp_path):
    result = run(carry_broken, "--previous", SAMPLE_2022_CSV, "--format", "html", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("[警告 W-carry]") == 2
    assert (tmp_path / "out" / "mengzhou-2023.html").is_file()
    assert run(carry_broken, "--previous", SAMPLE_2022_CSV, "--strict", "-o", tmp_path / "o2").exit_code == 1
    assert run(carry_broken, "--previous", "没有.csv", "-o", tmp_path / "o3").exit_code == 3


# --- Word with tracked changes (optional python-redlines) ---------------------------------------------


def tracked_changes(content: bytes) -> tuple[list[str], list[str]]:
    """The texts of every w:ins and w:del in a .docx, read from its XML."""
    import zipfile

    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode("utf-8")

    def texts(tag: str, text_tag: str) -> list[str]:
        blocks = re.findall(rf"<w:{tag} [^>]*>(.*?)</w:{tag}>", xml, re.DOTALL)
        return ["".join(re.findall(rf"<w:{text_tag}(?: [^>]*)?>([^<]*)<", b)) for b in blocks]

    return texts("ins", "t"), texts("del", "delText")


def test_word_redline_marks_changed_figures_as_tracked_changes(run, tmp_path):
    # The engine comes with the "redline" extra, which CI installs (.ci/run): no skip here.
    result = run("diff", SAMPLE_2022_CSV, SAMPLE_CSV, "--format", "docx", "-o", tmp_path / "对比.docx")
    assert result.exit_code == 0, result.output
    inserted, deleted = tracked_changes((tmp_path / "对比.docx").read_bytes())
    for old, new in (("122", "146"), ("2685", "3017"), ("25367", "28414"), ("3986.4521", "4351.7195")):
        assert new in inserted and old in deleted, (old, new)


def test_word_redline_without_the_library_says_what_to_install(run, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "python_redlines", None)  # import fails as if not installed
    result = run("diff", SAMPLE_2022_CSV, SAMPLE_CSV, "--format", "docx", "-o", tmp_path / "对比.docx")
    assert result.exit_code == 3
    assert result.stderr == (
        "错误：生成带修订痕迹的 Word 对比需要另行安装：python3 -m pip install python-redlines python-redlines-docxodus\n"
    )
    assert not (tmp_path / "对比.docx").exists()
    assert run("diff", SAMPLE_2022_CSV, SAMPLE_CSV, "--format", "docx").exit_code == 2  # needs -o


def test_html_row_labels_keep_their_separators_and_words(page):
    label = page.find("tr", attrs={"data-key": "t3.granted.natural_person"}).th
    assert label.get_text() == "（一）予以公开 › 自然人"
    assert str(label).count("<wbr/>") == 1  # （一）<wbr>予以公开: breaks only between words
    assert label_parts("t3.denied.third_party_rights.natural_person") == (
        ("（三）", "不予公开"),
        ("4.保护", "第三方", "合法权益"),
        ("自然人",),
    )
    assert label_parts("t2.art20_1.regulations.issued") == (("规章",), ("本年", "制发", "件数"))
    assert label_parts("t4.review.upheld") == (("行政", "复议"), ("结果", "维持"))


def test_html_shows_no_heading_twice(page):
    titles = [e.get_text() for e in page.find_all(["h1", "h2", "h3", "caption"])]
    assert len(titles) == len(set(titles)), titles
    assert schema.HEADINGS["t3"] in titles  # the table's caption is its heading


def test_every_label_word_list_spells_a_table_label():
    labels = {c.text for grid in schema.grids().values() for c in grid.cells if not c.is_figure}
    for words in LABEL_WORDS:
        assert words.replace("|", "") in labels, words
