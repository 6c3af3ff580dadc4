"""The rates a reviewer compares (share granted in full, share of 复议 and 行政诉讼 corrected): each body's beside the
quartiles of its kind, on the index page, in the workbook and in the JSON; never from a blank or unread figure, nor
over a denominator of 0 (不适用)."""

from __future__ import annotations

import contextlib
import json
import statistics
from pathlib import Path

import openpyxl
from bs4 import BeautifulSoup
from click.testing import CliRunner
from synthetic import synthetic_values

from generator.audit.rates import RATES, Rate
from generator.cli.main import cli
from generator.workbook.csvfile import long_csv

GRANTED, REVIEW = RATES[0], RATES[1]


def audit(cwd: Path, *args: object) -> tuple[int, str, str]:
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(cli, ["audit", *map(str, args)], prog_name="generate-report")
    return result.exit_code, result.stdout, result.stderr


def test_a_rate_needs_every_figure_and_a_denominator():
    rate = Rate("r", "r", ("a", "b"), ("c",))
    assert rate.of({"a": 1, "b": 2, "c": 4}) == 0.75
    assert rate.of({"a": 1, "b": None, "c": 4}) is None  # blank or unread: no value
    assert rate.of({"a": 1, "c": 4}) is None  # missing
    assert rate.of({"a": 0, "b": 0, "c": 0}) is None  # 0 over 0


def share(values: dict[str, str], rate: Rate) -> float | None:
    figures = {key: float(values[key]) if values[key] != "" else None for key in (*rate.numerator, *rate.denominator)}
    return rate.of(figures)


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def test_rates_beside_the_quartiles_of_the_bodys_kind(tmp_path):
    """Six departments: one prints 办理结果总计 blank (its share granted 不适用), one had no 复议 case."""
    folder = tmp_path / "reports"
    folder.mkdir()
    bodies = []
    for seed in range(6):
        values = synthetic_values(seed, 2023)
        if seed == 1:
            values["t3.total_processed.total"] = ""
        if seed == 2:
            for column in ("upheld", "corrected", "other", "pending", "total"):
                values[f"t4.review.{column}"] = "0"
        (folder / f"{seed}.csv").write_bytes(long_csv(values))
        bodies.append(values)
    code, stdout, err = audit(tmp_path, "reports", "-o", "out", "--format", "json")
    assert code in (0, 1), err
    entries = {entry["body"]: entry["rates"] for entry in json.loads(stdout)["reports"]}
    for values in bodies:
        expected = {rate.name: share(values, rate) for rate in RATES}
        assert entries[values["meta.body"]] == expected
    assert entries["示例县第1局"]["granted_share"] is None and entries["示例县第2局"]["review_corrected_share"] is None
    granted = sorted(s for v in bodies if (s := share(v, GRANTED)) is not None)
    assert len(granted) == 5 and 0 <= granted[0] < granted[-1] < 1
    p25, p50, p75 = statistics.quantiles(granted, n=4, method="inclusive")

    page = BeautifulSoup((tmp_path / "out" / "审查报告.html").read_text(encoding="utf-8"), "html.parser")
    rows = [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in page.select("#rates-caption ~ tbody tr")]
    assert rows[0] == ["2023", "部门", GRANTED.label, "5", percent(p25), percent(p50), percent(p75)]
    assert rows[1][2:4] == [REVIEW.label, "5"]
    sheet = openpyxl.load_workbook(tmp_path / "out" / "审查结果.xlsx")["比例"]
    assert [[str(v) for v in row] for row in sheet.iter_rows(min_row=2, values_only=True)] == rows

    def own(body: str) -> list[list[str]]:
        section = next(s for s in page.select(".body-section") if s.h3.get_text().startswith(body))
        table = section.find("caption", string=lambda t: t and "的比例与同类单位" in t).find_parent("table")
        return [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in table.select("tbody tr")]

    assert own("示例县第1局")[0] == [GRANTED.label, "不适用", percent(p25), percent(p50), percent(p75), "5"]
    first = share(bodies[0], GRANTED)
    assert first is not None and own("示例县第0局")[0][1] == percent(first)
    assert own("示例县第2局")[1][1] == "不适用"
