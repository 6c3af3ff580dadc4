"""The report's arithmetic is declared once (format/relations.py) and every user of it derives from that list."""

from __future__ import annotations

import re
from decimal import Decimal

from conftest import ROOT, SAMPLE_CSV

from generator import load
from generator.format import relations, schema
from generator.importers.runs import t3_row_holds, t4_row_holds
from generator.workbook.layout import check_cells


def test_every_relation_names_real_figures_and_is_counted_once():
    names = [r.name for r in relations.relations()]
    assert len(names) == len(set(names))
    for relation in relations.relations():
        assert set(relation.keys) | set(relation.previous_keys) <= set(schema.figures()), relation.name
        assert relation.anchor in relation.keys
    codes = [r.code for r in relations.relations()]
    # 25 rows of table 三, two per column (（七）总计 and the balance), three totals of table 四, then two years:
    # the carry-over per column and the documents in force per row of 第二十条第（一）项.
    assert codes.count("E-row-total") == 25 and codes.count("E-col-total") == 7 and codes.count("E-balance") == 7
    assert codes.count("E-t4-total") == 3 and codes.count("W-carry") == 7 and codes.count("W-in-force") == 2


def test_the_sample_keeps_every_one_year_relation_and_a_changed_figure_breaks_its_own():
    figures = dict(load(SAMPLE_CSV).figures)
    assert all(relations.holds(r, figures) for r in relations.single_year())
    figures["t3.granted.natural_person"] += 1
    broken = {r.name for r in relations.single_year() if not relations.holds(r, figures)}
    assert broken == {"t3.row.granted", "t3.col_total.natural_person"}


def test_a_relation_with_an_unknown_figure_is_undecided_not_failed():
    figures = dict(load(SAMPLE_CSV).figures)
    del figures["t3.granted.total"]
    assert relations.holds(relations.by_name()["t3.row.granted"], figures) is None


def test_the_two_year_relations_read_last_years_figures():
    this = {"t2.art20_1.normative_docs.in_force": 77, "t2.art20_1.normative_docs.issued": 5}
    this["t2.art20_1.normative_docs.repealed"] = 18
    relation = relations.by_name()["in_force.normative_docs"]
    assert relations.holds(relation, this, {"t2.art20_1.normative_docs.in_force": 90}) is True
    assert relations.holds(relation, this, {"t2.art20_1.normative_docs.in_force": 91}) is False
    assert relations.holds(relation, this, None) is None
    sums = relations.sides(relations.by_name()["t4.total.review"], {k: Decimal(1) for k in schema.figures()})
    assert sums == (Decimal(1), Decimal(4))  # the total, then its four outcomes


def test_the_workbooks_checks_and_the_importers_rules_are_the_declared_relations():
    declared = {r.name for r in relations.single_year()}
    assert set(check_cells()) == declared
    assert t3_row_holds(["64", "0", "0", "2", "0", "4", "70"]) and not t3_row_holds(
        ["64", "0", "0", "2", "0", "4", "71"]
    )
    assert t4_row_holds(["1", "0", "0", "0", "1"] + ["0"] * 10)
    assert not t4_row_holds(["1", "0", "0", "0", "1", "0", "0", "0", "0", "1"] + ["0"] * 5)


def test_no_module_outside_format_spells_the_arithmetic():
    """The result rows and table 四's groups of five are the format's business: nothing else spells them."""
    spelled = re.compile(r"T3_RESULT_ROWS|\[\s*i\s*:\s*i\s*\+\s*5\s*\]|range\(0, len\(\w+\), 5\)")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "generator").rglob("*.py")
        if "format" not in path.relative_to(ROOT / "generator").parts and spelled.search(path.read_text("utf-8"))
    ]
    assert offenders == []
