"""Statistics tables read from their known markup give the page the ordinary path gives, byte for byte, and any
table the shortcut cannot vouch for goes the ordinary way."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT
from synthetic import synthetic_values

from generator import load, validate
from generator.format.model import RawValue, assemble
from generator.render import choose_template
from generator.render.filling.context import build_context
from generator.render.filling.docx import document_environment, render_docx
from generator.render.page.known_tables import cut_known_tables
from generator.render.page.word_html import word_body_html
from generator.render.page.word_parts import DOCUMENT, WordParts


def members_of(data) -> dict[str, bytes]:
    template_set = choose_template(data, None)
    context = build_context(data, validate(data), template_set.standard_paragraphs)
    return dict(render_docx(template_set.file("report.docx"), context, document_environment()).members)


def both_ways(members: dict[str, bytes]) -> tuple[str, str, int]:
    """(the body by parsing every table, the body with known tables cut out, how many were cut)."""
    ordinary = word_body_html(WordParts(members), "标题")
    document, tables = cut_known_tables(members[DOCUMENT])
    return ordinary, word_body_html(WordParts({**members, DOCUMENT: document}, tables), "标题"), len(tables)


def synthetic(seed: int):
    values = synthetic_values(seed)
    return assemble(values["meta.body"], {key: RawValue(value) for key, value in values.items()})


SAMPLES = ["mengzhou-2023.xlsx", "mengzhou-2022.xlsx", "shili-jiaotong-2023.xlsx"]


@pytest.mark.parametrize("name", SAMPLES)
def test_the_samples_pages_are_the_same_either_way(name):
    ordinary, fast, cut = both_ways(members_of(load(ROOT / "data_samples" / name)))
    assert cut == 3
    assert fast == ordinary


def test_many_bodies_after_the_first_are_read_from_the_known_markup():
    """The first report teaches the markup; every later one (other figures, fees with decimals, blanks shown as
    text) must still come out exactly as parsing gives it."""
    for seed in range(25):
        ordinary, fast, cut = both_ways(members_of(synthetic(seed)))
        assert (cut, fast) == (3, ordinary), seed


def test_text_needing_entities_is_read_as_the_parser_reads_it():
    members = members_of(load(ROOT / "data_samples" / "mengzhou-2023.xlsx"))
    # A label with < & " in it: escaped in the markup, plain in the cell's text.
    document = members[DOCUMENT].replace("<w:t>自然人</w:t>".encode(), "<w:t>自然人&lt;&amp;&quot;</w:t>".encode(), 1)
    ordinary, fast, cut = both_ways({**members, DOCUMENT: document})
    assert "自然人&lt;&amp;&quot;" in ordinary and cut == 3
    assert fast == ordinary


def test_a_cell_holding_more_than_its_text_goes_the_ordinary_way():
    """A field code in a figure cell: its instruction text is part of the cell's text, so the shortcut is refused
    for that table (and only that one), and the page is still the ordinary one."""
    members = members_of(synthetic(1))
    document = members[DOCUMENT].decode()
    figure = re.search(r"<w:t xml:space=\"preserve\">\d+</w:t>", document)  # the first figure: table 二's
    assert figure is not None
    document = document[: figure.end()] + "<w:instrText>PAGE</w:instrText>" + document[figure.end() :]
    ordinary, fast, cut = both_ways({**members, DOCUMENT: document.encode()})
    assert cut == 2
    assert fast == ordinary


@pytest.mark.parametrize(
    "change",
    [
        lambda xml: xml.replace("<w:tbl>", '<w:tbl xmlns:x="urn:x">', 1),  # a table tag with attributes
        lambda xml: xml.replace("</w:body>", "<w:p><w:r><w:txbxContent/></w:r></w:p></w:body>"),  # a text box
    ],
    ids=["attributes", "text-box"],
)
def test_documents_the_search_cannot_vouch_for_are_left_whole(change):
    members = members_of(synthetic(2))
    document = change(members[DOCUMENT].decode()).encode()
    ordinary, fast, cut = both_ways({**members, DOCUMENT: document})
    assert cut == 0
    assert fast == ordinary


def test_a_table_inside_a_cell_goes_the_ordinary_way():
    members = members_of(synthetic(3))
    document = members[DOCUMENT].decode()
    inner = "<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>内</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    at = document.index("<w:tc>") + len("<w:tc>")  # the first cell of the first table
    document = document[:at] + inner + document[at:]
    ordinary, fast, cut = both_ways({**members, DOCUMENT: document.encode()})
    assert cut == 2
    assert fast == ordinary
