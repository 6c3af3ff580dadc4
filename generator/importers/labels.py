"""Recognising the labels of a published report: section headings, table rows, sub-topics of 总体情况.

Labels are compared after normalising what varies between pages (character widths, spaces, bracket and quote
styles, list numbering); the official wording comes from the schema, older or shortened wording from
schema.IMPORT_ALIASES.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from generator.format import schema

QUOTES = re.compile(r"[“”‘’\"'「」『』]")
BRACKETS = str.maketrans({"[": "(", "]": ")", "【": "(", "】": ")", "〔": "(", "〕": ")", "﹝": "(", "﹞": ")"})
NUMERALS = "一二三四五六七八九十"
NUMBERING = re.compile(rf"^(?:[{NUMERALS}]+[、.,]|\([{NUMERALS}\d]+\)|\d+[.、,]?)")


def norm(text: str) -> str:
    """The comparable form of a label: NFKC widths, no spaces, () brackets, no quotes, no trailing colon."""
    text = unicodedata.normalize("NFKC", text).translate(BRACKETS)
    return QUOTES.sub("", re.sub(r"\s+", "", text)).rstrip(":")


def strip_numbering(text: str) -> str:
    """Drop the list numbering: "(一)予以公开" -> "予以公开", "1.属于国家秘密" -> "属于国家秘密"."""
    return NUMBERING.sub("", text, count=1)


# --- Section headings -------------------------------------------------------------------------

SECTION_ORDER: tuple[str, ...] = tuple(schema.HEADINGS)
# Words that identify a heading whose wording differs from the official one (older formats, typos).
SECTION_WORDS: dict[str, tuple[str, ...]] = {
    "overview": ("总体情况",),
    "t2": ("主动公开政府信息",),
    "t3": ("收到和处理政府信息公开申请", "政府信息公开申请情况"),
    "t4": ("行政复议", "行政诉讼"),
    "problems": ("存在的主要问题", "存在问题", "主要问题"),
    "other": ("其他需要报告",),
}


def _spaced(text: str) -> str:
    """A regex for `text` that tolerates spaces between its characters (pasted pages are full of them)."""
    return r"\s*".join(re.escape(ch) for ch in text)


@cache
def _heading_patterns() -> dict[str, re.Pattern[str]]:
    patterns = {}
    for section, heading in schema.HEADINGS.items():
        numeral, core = heading[0], heading[2:]
        patterns[section] = re.compile(
            rf"^\s*(?P<numeral>{numeral}\s*[、.．,，]?\s*)?{_spaced(core)}\s*[:：]?\s*(?P<rest>.*)$", re.DOTALL
        )
    return patterns


@dataclass(frozen=True)
class Heading:
    section: str
    rest: str  # text that follows the heading on the same line ("六、其他需要报告的事项：无" -> "无")


def match_heading(line: str, after: str | None) -> Heading | None:
    """The section a heading line opens, if it is one of the sections after `after` (headings come in order)."""
    start = SECTION_ORDER.index(after) + 1 if after else 0
    compact = norm(line)
    for section in SECTION_ORDER[start:]:
        match = _heading_patterns()[section].match(line)
        # Without its numeral a heading must stand alone: "主动公开政府信息情况良好，……" is a paragraph.
        if match and (match.group("numeral") or not match.group("rest").strip()):
            return Heading(section, match.group("rest").strip())
    return _own_heading(compact, SECTION_ORDER[start:])


# A report's own numbering of its sections or tables: 一、 1. 1、 第一部分 表一 表1 (a sub-heading's （一） is not one).
OWN_NUMBERING = re.compile(
    rf"^(?:第[{NUMERALS}\d]+(?:部分|章|节)|表[{NUMERALS}\d]+|[{NUMERALS}]+[、.,]|\d{{1,2}}[、.,]?)(?=\D)"
)


def _own_heading(compact: str, sections: Sequence[str]) -> Heading | None:
    """A short numbered line that names one of the sections by its words or nearly its heading, whatever number
    the report gives it ("五、政府信息公开行政法复议、行政诉讼情况", "表1 主动公开政府信息情况")."""
    numbering = OWN_NUMBERING.match(compact)
    if not numbering or len(compact) > 40 or "。" in compact:
        return None
    body = compact[numbering.end() :].lstrip(":")
    for section in sections:
        core = norm(schema.HEADINGS[section][2:])
        close = difflib.SequenceMatcher(None, body, core).ratio() >= 0.8
        if close or any(word in body for word in SECTION_WORDS[section]):
            return Heading(section, "")
    return None


# --- Table rows -------------------------------------------------------------------------------

GROUP = "<group>"  # a group label (三、本年度办理结果, （三）不予公开 …): context only, no figures of its own


@dataclass(frozen=True)
class TableRow:
    """A row of table 二 or 三: the figure-key prefix, the official label and its column keys."""

    prefix: str
    label: str
    columns: tuple[str, ...]


class RowIndex:
    """Finds the row a label names: exact, alias, then containment and close matches that are unambiguous."""

    def __init__(self, rows: list[TableRow], groups: list[tuple[str, str]]) -> None:
        self.rows = {row.prefix: row for row in rows}
        self.forms: list[tuple[str, str]] = []
        for row in rows:
            full = norm(row.label)
            self.forms += [(full, row.prefix), (strip_numbering(full), row.prefix)]
        self.exact = dict(self.forms)
        prefixes = set(self.rows)
        self.aliases = {norm(alias): p for alias, p in schema.IMPORT_ALIASES.items() if p in prefixes}
        self.exact.update(self.aliases)
        # Group labels by their forms, with the figure-key prefix of the rows they hold ("t3.other" for （六）;
        # "" for 三、本年度办理结果, whose rows are not one kind).
        self.group_prefixes = {form: prefix for g, prefix in groups for form in (norm(g), strip_numbering(norm(g)))}
        self.groups = sorted(self.group_prefixes, key=len, reverse=True)

    def _strip_groups(self, text: str) -> tuple[str, bool]:
        text, last = self._strip(text)
        return text, last is not None

    def _strip(self, text: str) -> tuple[str, str | None]:
        last = None
        while True:
            for form in self.groups:
                if form and text.startswith(form) and text not in self.exact:
                    text, last = text[len(form) :], form
                    break
            else:
                return text, last

    def group(self, label: str) -> str:
        """The figure-key prefix of the group a label names alone ("（六）其他处理" -> "t3.other"), else ""."""
        text, last = self._strip(norm(label))
        return self.group_prefixes[last] if last is not None and not text else ""

    def is_group_part(self, text: str) -> bool:
        """Whether `text` is a piece of a group label, as a layout extraction prints a tall cell's wrapped text."""
        compact = norm(text)
        return bool(compact) and any(compact in form for form in self.groups)

    def match(self, label: str) -> str | None:
        """The row prefix, GROUP for a group label, or None."""
        text, had_group = self._strip_groups(norm(label))
        if not text:
            return GROUP if had_group else None
        core = strip_numbering(text)
        for candidate in (text, core):
            if candidate in self.exact:
                return self.exact[candidate]
        if not core:
            return None
        hits = {p for alias, p in self.aliases.items() if len(alias) >= 4 and alias in core}
        if len(hits) == 1:
            return hits.pop()
        contained = [(len(form), p) for form, p in self.forms if len(form) >= 4 and form in core]
        if contained:
            longest = max(n for n, _ in contained)
            best = {p for n, p in contained if n == longest}
            if len(best) == 1:
                return best.pop()
        if len(core) >= 4:
            within = {p for form, p in self.forms if core in form}
            if len(within) == 1:
                return within.pop()
        close = difflib.get_close_matches(core, [form for form, _ in self.forms], n=3, cutoff=0.8)
        matched = {self.exact[form] for form in close}
        return matched.pop() if len(matched) == 1 else None


@cache
def t2_index() -> RowIndex:
    rows = [
        TableRow(f"{block.prefix}.{row_key}", row_label, tuple(key for key, _ in block.columns))
        for block in schema.T2_BLOCKS
        for row_key, row_label in block.rows
    ]
    return RowIndex(rows, [])


@cache
def t3_index() -> RowIndex:
    columns = tuple(key for key, _ in schema.T3_COLUMNS)
    rows: list[TableRow] = []
    groups: list[tuple[str, str]] = []

    def walk(node: schema.T3Node) -> None:
        if node.children:
            leaves = {leaf.key.rpartition(".")[0] for leaf in node.leaves()}
            groups.append((node.label, f"t3.{leaves.pop()}" if len(leaves) == 1 else ""))
            for child in node.children:
                walk(child)
        else:
            rows.append(TableRow(f"t3.{node.key}", node.label, columns))

    for node in schema.T3_ROWS:
        walk(node)
    return RowIndex(rows, groups)


@cache
def t3_header_words() -> frozenset[str]:
    """Column headings of table 三 that, alone in a cell of a line without figures, mark a header line; 其他 and
    总计 name rows too, but only with their numbering (3.其他, （七）总计) or with figures beside them."""
    words = {schema.T3_APPLICANTS, schema.T3_ORGS, *(label for _, label in schema.T3_COLUMNS)}
    return frozenset(norm(w) for w in words)


# --- Sub-topics of 一、总体情况 ----------------------------------------------------------------

SUBTOPIC = re.compile(rf"^\s*[（(]\s*([{NUMERALS}]+)\s*[)）]\s*(.*)$", re.DOTALL)
# Extra words by which reports name the five sub-topics (the official titles come from the schema).
TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "narrative.overview.active": ("主动公开",),
    "narrative.overview.on_request": ("依申请",),
    "narrative.overview.management": ("信息管理",),
    "narrative.overview.platform": ("平台",),
    "narrative.overview.supervision": ("监督", "保障"),
}
TITLE_MAX = 24  # a sub-heading's title is short; past this the colon belongs to the paragraph


def _topic(title: str) -> str:
    compact = norm(title)
    for field in schema.OVERVIEW_FIELDS:
        if strip_numbering(norm(field.heading)) in compact:
            return field.key
    for key, words in TOPIC_WORDS.items():
        if any(word in compact for word in words):
            return key
    return ""


# A sub-heading whose numeral a scan's recognition got wrong ("(=)依申请公开：" for （二）): taken only when an official
# title follows it word for word.
MISREAD_SUBTOPIC = re.compile(r"^\s*[（(〈<\[]\s*\S{1,2}?\s*[)）〉>\]]\s*(.*)$", re.DOTALL)


def match_subtopic(line: str) -> tuple[str, str] | None:
    """(narrative key, text after the sub-heading) for "(一) 主动公开：…", a bare "（一）主动公开", or the bare title
    as Word prints it when the numbering is automatic ("主动公开")."""
    match = SUBTOPIC.match(line)
    if not match and (misread := MISREAD_SUBTOPIC.match(line)):
        rest = misread.group(1).strip()
        for field in schema.OVERVIEW_FIELDS:
            title = strip_numbering(norm(field.heading))
            if norm(rest[: len(title) + 2]).startswith(title):
                return field.key, rest[len(title) :].lstrip("：: ").strip()
    if not match:
        titles = {strip_numbering(norm(field.heading)): field.key for field in schema.OVERVIEW_FIELDS}
        return (titles[norm(line)], "") if norm(line) in titles else None
    rest = match.group(2).strip()
    colon = min((i for i in (rest.find("："), rest.find(":")) if i >= 0), default=-1)
    stop = rest.find("。")
    if 0 < colon <= TITLE_MAX:
        title, body = rest[:colon], rest[colon + 1 :]
    elif len(rest) <= TITLE_MAX and stop < 0:
        title, body = rest, ""
    elif 0 < stop <= TITLE_MAX:
        title, body = rest[:stop], rest[stop + 1 :]
    else:
        return None
    # A sub-heading of another topic (（三）处理群众咨询情况) is not mapped by its number: it stays a paragraph.
    key = _topic(title)
    return (key, body.strip()) if key else None
