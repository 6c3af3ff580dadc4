"""render/filling/docx.py and render/template_checks/check.py use docxtpl's internals, not only its documented render(): these tests fail
loudly when a docxtpl release changes them (pyproject.toml pins the range they were tested with)."""

from __future__ import annotations

import io

from docx import Document
from docxtpl import DocxTemplate


def template(*paragraphs: str | tuple[str, ...]) -> DocxTemplate:
    """A template of paragraphs; a tuple is one paragraph whose text Word keeps in several runs."""
    document = Document()
    for text in paragraphs:
        paragraph = document.add_paragraph()
        for piece in (text,) if isinstance(text, str) else text:
            paragraph.add_run(piece)
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    compiled = DocxTemplate(buffer)
    compiled.init_docx()
    return compiled


def test_patch_xml_turns_paragraph_tags_into_plain_jinja_around_the_paragraphs():
    compiled = template("{%p if shown %}", "{{ value }}", "{%p endif %}")
    xml = compiled.patch_xml(compiled.get_xml())
    assert "{% if shown %}" in xml and "{% endif %}" in xml
    assert "{%p" not in xml  # the paragraphs that held the tags are gone
    assert xml.count("<w:p>") + xml.count("<w:p ") == 1  # only {{ value }}'s paragraph remains


def test_patch_xml_rejoins_a_tag_that_word_split_across_runs():
    compiled = template(("{{ va", "lue }}"))
    assert "{{ value }}" in compiled.patch_xml(compiled.get_xml())


def test_resolve_listing_turns_a_line_break_in_a_value_into_word_markup():
    compiled = template("x")
    xml = compiled.resolve_listing('<w:p><w:r><w:t xml:space="preserve">a\nb</w:t></w:r></w:p>')
    assert "<w:br/>" in xml and "\n" not in xml.split("<w:t", 1)[1]


def test_headers_and_footers_are_listed_by_their_relationship_type():
    compiled = template("x")
    for uri in (compiled.HEADER_URI, compiled.FOOTER_URI):
        parts = list(compiled.get_headers_footers(uri))
        assert all(isinstance(compiled.get_part_xml(part), str) for _, part in parts)
