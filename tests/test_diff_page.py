"""The comparison page on a phone (390 CSS px, Chromium): labels wrap only between words, figures stay in view."""

from __future__ import annotations

import pytest
from browserkit import open_page

from generator.compare.formats import label_parts, title_words

PHONE = {"width": 390, "height": 844}

# For every row label: its text, and where each of its lines begins (character offsets in the text).
LINE_STARTS = """() => [...document.querySelectorAll('.diff-table tbody tr')].map(row => {
  const th = row.querySelector('th');
  const starts = [];
  let offset = 0, lastTop = null;
  const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++, offset++) {
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (!rect || !node.data[i].trim()) continue;
      if (lastTop !== null && rect.top > lastTop + 4) starts.push(offset);
      lastTop = rect.top;
    }
  }
  return {key: row.dataset.key, text: th.textContent, starts};
})"""

# The same for the page's title (h1).
TITLE_STARTS = LINE_STARTS.replace("'.diff-table tbody tr'", "'h1'").replace("th = row.querySelector('th')", "th = row")

LAYOUT = """() => [...document.querySelectorAll('.table-region')].map(region => ({
  scroll: region.scrollWidth, width: region.clientWidth,
  cells: [...region.querySelectorAll('td')].map(td => { const r = td.getBoundingClientRect(); return [r.left, r.right]; }),
}))"""


def boundaries(key: str) -> set[int]:
    """Offsets in the shown label where a line may begin: after a whole word, or anywhere in a › separator."""
    allowed, offset = set(), 0
    for index, part in enumerate(label_parts(key)):
        if index:
            allowed |= {offset, offset + 1, offset + 2, offset + 3}  # " › "
            offset += 3
        for word in part:
            offset += len(word)
            allowed.add(offset)
    return allowed


@pytest.fixture(scope="module")
def phone(browser, pages):
    with open_page(browser, pages["diff"], PHONE) as page:
        yield page.evaluate(LINE_STARTS), page.evaluate(LAYOUT)


def test_labels_wrap_only_between_words(phone):
    labels, _ = phone
    wrapped = [label for label in labels if label["starts"]]
    assert len(labels) >= 50 and len(wrapped) >= 20  # at 390 px most labels take two lines or more
    for label in labels:
        assert set(label["starts"]) <= boundaries(label["key"]), label


def test_figures_stay_in_view_without_scrolling(phone):
    _, regions = phone
    for region in regions:
        assert region["scroll"] <= region["width"] + 1, region  # no sideways scrolling needed
        assert all(left >= 0 and right <= PHONE["width"] for left, right in region["cells"])


@pytest.mark.parametrize("body", ["示例市交通运输局", "某某省某某市某某县自然资源和规划局"])
def test_the_title_breaks_only_between_its_words(browser, tmp_path, body):
    """Where a browser would end a line at "2024" and start the next with "年", the title breaks after a word."""
    from dataclasses import replace

    from conftest import SAMPLE_CSV

    from generator import diff, load
    from generator.compare.formats import render_diff_html

    result = replace(diff(load(SAMPLE_CSV), load(SAMPLE_CSV)), body=body, old_year=2023, new_year=2024)
    path = tmp_path / "diff.html"
    path.write_bytes(render_diff_html(result))
    with open_page(browser, path, PHONE) as page:
        (title,) = page.evaluate(TITLE_STARTS)
    words = title_words(result)
    assert title["text"] == "".join(words) and "2024年" in words
    ends = {sum(len(w) for w in words[: i + 1]) for i in range(len(words))}
    assert title["starts"] and set(title["starts"]) <= ends, title


def test_title_words_cut_a_long_name_between_its_levels():
    from dataclasses import replace

    from conftest import SAMPLE_CSV

    from generator import diff, load

    result = diff(load(SAMPLE_CSV), load(SAMPLE_CSV))
    assert title_words(replace(result, body="某某省某某市某某县自然资源和规划局", old_year=2022)) == [
        "某某省某某市某某县", "自然资源和规划局", "2022年与", "2023年", "政府信息公开", "工作年度报告对比",
    ]  # fmt: skip
    assert title_words(replace(result, body="")) == ["2023年与", "2023年", "政府信息公开", "工作年度报告对比"]
