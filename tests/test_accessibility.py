"""Accessibility of the published pages in Chromium: axe-core, contrast, structure, meaning beyond colour.

Government sites are assessed on GB/T 37668 and the 适老化 rules; the pages checked are the sample report,
the 部门 template's report, a report forced out with an error (the red banner), the year-to-year diff and a
batch's summary (the audit page has its own, in test_audit_outputs.py).
"""

from __future__ import annotations

import pytest
from browserkit import AXE_JS, INSTALL_HINT, open_page

from generator.format import schema

PAGES = ("report", "department", "failed", "diff", "summary")


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']}")
        lines += [f"    {node}" for node in v["nodes"][:5]]
    return "\n".join(lines)


AXE_RUN = """async () => {
    const result = await axe.run(document);
    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\\s+/g, ' '))}));
}"""


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violations(browser, pages, name):
    """axe-core's default rules (WCAG 2.x A/AA and best practices): nothing serious or critical, and since the
    templates are ours, nothing minor either."""
    assert AXE_JS.is_file(), f"axe-core is not installed: {INSTALL_HINT}"
    with open_page(browser, pages[name], bypass_csp=True) as page:  # axe-core is a script: the policy blocks it
        page.add_script_tag(path=str(AXE_JS))
        violations = page.evaluate(AXE_RUN)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], describe(serious)
    assert violations == [], describe(violations)


CONTRAST = """() => {
    const rgba = c => { const p = c.match(/[\\d.]+/g).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
    const over = (top, below) => below.map((v, i) => top[i] * top[3] + v * (1 - top[3]));
    const luminance = rgb => rgb.map(v => v / 255).map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const background = element => {
        const layers = [];
        for (let e = element; e; e = e.parentElement) {
            const colour = rgba(getComputedStyle(e).backgroundColor);
            if (colour[3] > 0) layers.push(colour);
            if (colour[3] >= 1) break;
        }
        return layers.reverse().reduce((below, top) => over(top, below), [255, 255, 255]);
    };
    const found = new Map();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const element = walker.currentNode.parentElement;
        if (!walker.currentNode.textContent.trim() || found.has(element)) continue;
        const bg = background(element);
        const fg = over(rgba(getComputedStyle(element).color), bg);
        const [light, dark] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
        found.set(element, {text: element.textContent.trim().slice(0, 24), ratio: (light + 0.05) / (dark + 0.05)});
    }
    return [...found.values()];
}"""


@pytest.mark.parametrize("name", PAGES)
def test_every_text_has_contrast_of_at_least_4_5(browser, pages, name):
    """Checked for every text, including table cells spanning rows, which axe leaves for manual review."""
    with open_page(browser, pages[name]) as page:
        texts = page.evaluate(CONTRAST)
    assert len(texts) > 50, len(texts)
    low = [t for t in texts if t["ratio"] < 4.5]
    assert low == [], low


STRUCTURE = """() => ({
    lang: document.documentElement.lang,
    headings: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => Number(h.tagName[1])),
    tables: [...document.querySelectorAll('table')].map(t => ({
        caption: t.caption ? t.caption.textContent.trim() : '',
        unscoped: [...t.querySelectorAll('th:not([scope])')].map(th => th.textContent.trim()),
        region: t.parentElement.getAttribute('role'),
    })),
})"""


@pytest.mark.parametrize("name", PAGES)
def test_language_headings_captions_and_header_scopes(browser, pages, name):
    with open_page(browser, pages[name]) as page:
        found = page.evaluate(STRUCTURE)
    assert found["lang"] == "zh-CN"
    levels = found["headings"]
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels  # no level skipped
    assert found["tables"], "no tables"
    for table in found["tables"]:
        assert table["caption"], table
        assert table["region"] == "region", table
        # The corner of table 三 describes the columns' arithmetic; it heads no row or column.
        assert set(table["unscoped"]) <= {schema.T3_CORNER}, table


def test_tables_and_regions_are_named_by_their_captions(browser, pages):
    """What assistive technology announces: each table and its scroll region by the section's own title, and
    a figure's column header by its official label."""
    with open_page(browser, pages["report"]) as page:
        for table in ("t2", "t3", "t4"):
            heading = schema.HEADINGS[table]
            assert page.get_by_role("table", name=heading, exact=True).count() == 1, heading
            assert page.get_by_role("region", name=heading, exact=True).count() == 1, heading
        assert page.get_by_role("region").count() == 3 + 3  # 一、五、六 sections and the three table regions
        for label in ("商业企业", "科研机构", "结果维持", "本年制发件数"):
            assert page.get_by_role("columnheader", name=label, exact=True).count() >= 1, label
        assert page.get_by_role("rowheader", name="（一）予以公开", exact=True).count() == 1


MARKS = """() => ({
    changes: [...document.querySelectorAll('td.up, td.down')].map(td => [td.className, td.innerText.trim()]),
    edits: [...document.querySelectorAll('.narrative-diff ins, .narrative-diff del')].map(e => [e.tagName, e.textContent,
        getComputedStyle(e).textDecorationLine]),
})"""


def test_changes_are_marked_by_words_and_lines_not_colour_alone(browser, pages):
    with open_page(browser, pages["diff"]) as page:
        marks = page.evaluate(MARKS)
    assert len(marks["changes"]) >= 10 and marks["edits"], marks
    for cls, text in marks["changes"]:
        assert text.endswith({"up": "增加", "down": "减少"}[cls]), (cls, text)
    for tag, text, decoration in marks["edits"]:
        word, line = {"INS": ("新增", "underline"), "DEL": ("删除", "line-through")}[tag]
        assert word in text and line in decoration, (tag, text, decoration)


def test_failed_report_says_so_in_words(browser, pages):
    with open_page(browser, pages["failed"]) as page:
        banner = page.get_by_role("alert")
        assert "未通过数据校验" in banner.inner_text()
        assert banner.evaluate("e => getComputedStyle(e).borderTopStyle") == "solid"  # not the red colour alone
