"""Reading a published report from its lines: title, preface, the six sections, the three tables, the signature.

Pasted text comes here directly (text a Markdown converter or a text browser wrote loses their marks first,
marks.py); the .html and .docx importers first turn their pages into the same lines (a table row becomes its
cells joined by tabs), so one parser serves all three.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from generator.exceptions import InputError
from generator.format import schema
from generator.format.cells import (
    CHINESE_DIGITS,
    DEPARTMENT_SUFFIXES,
    GOVERNMENT_SUFFIXES,
    body_kind,
    normalise_text,
    parse_date,
)
from generator.format.model import Place
from generator.importers.base import Evidence, ImportResult, LeftOut, Line, decode_text, read_bounded
from generator.importers.labels import SECTION_ORDER, match_heading, match_subtopic, norm
from generator.importers.marks import is_furniture, join_drawn_rows, unmark
from generator.importers.oneline import is_whole_article, split_article
from generator.importers.tables import TableResult, read_t2, read_t3, read_t4

TITLE_WORDS = "政府信息公开工作年度报告"
TITLE = re.compile(r"政府信息公开(?:工作)?(?:年度)?(?:工作)?(?:报告|年报)$")
# Lines our own reports print that are not content: the --force banner and the placeholder of an empty section.
SKIPPED_PREFIXES = ("【本报告未通过数据校验", "【本节未填写】")
TABLE_SECTIONS = frozenset({"t2", "t3", "t4"})
LONE_NUMBER = re.compile(r"\d{1,3}")
# Page furniture pasted along with a report (date and source lines, font-size links, print/close buttons, the
# site's footer), compared in norm() form: "【字体：大 中 小】" is "(字体:大中小)".
PAGE_FURNITURE = re.compile(
    r"^(\(?((发布|生成|成文)(时间|日期|机构)|(信息)?来源:|浏览|点击|访问|字号|字体|打印|关闭|分享|扫一扫|索引号|文号|发文机关"
    r"|主题分类|信息名称|有效性|上一篇|下一篇|返回顶部|相关(附件|链接)|网站地图|联系我们|主办单位|承办单位|版权所有"
    r"|网站标识码|技术支持|(您)?(当前|现在)(的)?位置|首页>)|\((大|中|小))"
)
SIGNATURE_SUFFIXES = GOVERNMENT_SUFFIXES + DEPARTMENT_SUFFIXES + ("办事处",)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in a workbook; tabs stay (table cells)
PERIOD = re.compile(r"(\d{4})\s*年\s*1\s*月\s*1\s*日\s*起?\s*(?:至|到|—|–|-|~)\s*(?:\d{4}\s*年\s*)?12\s*月\s*31\s*日")
# The year of a title: "2023年", "2023年度", "（2023年度）" after the title; a date the page prints after the title.
TITLE_YEAR = re.compile(r"[(（]?(\d{4})年度?[)）]?")
TITLE_DATE = re.compile(r"\d{4}(?:[-/.]\d{1,2}[-/.]\d{1,2}|年\d{1,2}月\d{1,2}日)$")
CHINESE_YEAR = re.compile(r"[〇○零一二三四五六七八九]{4}(?=年)")  # "二〇二三年" in a title


def _arabic_year(text: str) -> str:
    """ "二〇二三年" -> "2023年"."""
    return CHINESE_YEAR.sub(lambda m: "".join(str(CHINESE_DIGITS[ch]) for ch in m.group()), text)


def _is_date(text: str) -> bool:
    """A line that is only a date, as a report's signature block prints it (2024年1月20日, 二〇二四年一月二十日)."""
    compact = normalise_text(text)
    return len(compact) <= 16 and parse_date(compact) is not None


def read_text(path: Path) -> list[Line]:
    """The lines of pasted text; text a page-to-Markdown converter wrote comes without its marks."""
    text = decode_text(read_bounded(path), path.name)
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if is_whole_article(raw):  # a crawler's text: the whole article on one line
        return [
            Line(
                piece.text,
                f"第 {n} 行",
                Place(line=n, offset=piece.offset),
                run_together=piece.run_together,
                tail=piece.tail,
            )
            for n, line in enumerate(raw, 1)
            for piece in split_article(unmark(line))
            if piece.text.strip()
        ]
    lines = join_drawn_rows(list(enumerate(raw, 1)))
    return [Line(unmark(line), f"第 {n} 行", Place(line=n)) for n, line in lines if not is_furniture(line)]


def _title_text(text: str) -> str:
    return TITLE_DATE.sub("", _arabic_year(re.sub(r"\s+", "", text.strip())))


def _names_report(title: str) -> bool:
    year = TITLE_YEAR.search(title)
    return bool(TITLE.search(norm(title[: year.start()] + title[year.end() :] if year else title)))


def _title(front: Sequence[Line]) -> tuple[int, dict[str, str]]:
    """Index of the title line and the body and year it names ("孟州市人民政府 2023 年政府信息公开工作年度报告");
    a body printed on the line above the title ("高平市人民政府办公室" / "2023年政府信息公开工作年度报告") counts."""
    for i, line in enumerate(front):
        title, wrapped = _title_text(line.text), 0
        if not _names_report(title) and i + 1 < len(front) and len(norm(front[i + 1].text)) <= 12:
            joined = _title_text(line.text + front[i + 1].text)  # wrapped at the page width ("…工作年" / "度报告")
            if _names_report(joined):
                title, wrapped = joined, 1
        year = TITLE_YEAR.search(title)
        rest = title[: year.start()] + title[year.end() :] if year else title
        if len(title) > 60 or re.search(r"[。:|]", norm(title)) or "\t" in line.text or not TITLE.search(norm(rest)):
            continue  # a page's "主题分类：政府信息公开年报" or "首页 > 政务公开 > 政府信息公开年报" is no title
        if PAGE_FURNITURE.match(norm(title)):
            continue
        meta = {"meta.year": year.group(1)} if year else {}
        body = TITLE.sub("", rest.replace("关于", "")).rstrip("的")
        above = re.sub(r"\s+", "", front[i - 1].text) if i else ""
        if not body and _is_signature(above, ""):
            body = above
        if body:
            meta["meta.body"] = body
        return i + wrapped, meta  # the last line of the title
    return -1, {}


# A saved or crawled page's own record of its title ("标题: 某某局2024年政府信息公开工作年度报告").
PAGE_TITLE = re.compile(r"^\s*(?:标题|题名|文章标题|信息名称)\s*[:：]\s*(.+)$")
SITE_SEPARATOR = re.compile(r"\s*(?:[_|｜]|\s[-—–]\s)\s*")


def _page_title(front: Sequence[Line]) -> dict[str, str]:
    """The body and year the page's own title record names, when the article prints no title of its own."""
    for line in front:
        record = PAGE_TITLE.match(line.text)
        if record:  # a site's <title> adds its own name: "某某局2023年…年度报告_某某市人民政府门户网站"
            parts = [p for p in SITE_SEPARATOR.split(record.group(1)) if TITLE_WORDS[:6] in p]
            return _title([replace(line, text=parts[0])])[1] if parts else {}
    return {}


def _name_only(text: str) -> str:
    """A signature's name without what an excerpt or a page put before it ("[略]某某局" -> "某某局")."""
    name = re.search(r"[\u4e00-\u9fff（）()]+$", re.sub(r"\s+", "", text))
    return name.group() if name else ""


def _is_signature(text: str, body: str) -> bool:
    compact = norm(text)
    if body and compact == norm(body):
        return True
    return len(compact) <= 30 and not re.search(r"[。，；;,:]", compact) and compact.endswith(SIGNATURE_SUFFIXES)


def _page_end(lines: list[Line], body: str) -> list[Line]:
    """A report ends with its issuing body and date: lines after them that are no prose (a web page's share
    links, sidebar and footer) are not part of the last section."""
    for j in range(len(lines) - 1, 0, -1):
        if _is_date(lines[j].text.strip()) and _is_signature(lines[j - 1].text.strip(), body):
            after = [line.text.strip() for line in lines[j + 1 :]]
            return lines[: j + 1] if not any(text.endswith("。") for text in after) else lines
    return lines


def _signature(lines: list[Line], body: str) -> tuple[list[Line], str, str]:
    """Trailing issuing body and date lines taken off the last section: (the rest, the date, the body it names)."""
    date = signer = ""
    lines = _page_end(lines, body)
    while lines:
        text = lines[-1].text.strip()
        if _is_date(text):
            date = date or text
        elif _is_signature(text, body):
            signer = _name_only(text)
        elif not (len(text) <= 40 and PAGE_FURNITURE.match(norm(text))):
            break
        lines = lines[:-1]
    return lines, date, re.sub(r"\s+", "", signer)


def _width(text: str) -> int:
    """Columns a line takes in a fixed-width extraction: a Chinese character two, anything else one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text.rstrip())


def wrap_width(lines: Sequence[Line]) -> int:
    """The width at which text extracted from a PDF breaks its lines (most long lines end within two characters
    of it); 0 for pasted text, whose lines are whole paragraphs of every length."""
    widths = sorted(_width(line.text) for line in lines if len(line.text.strip()) >= 10 and "\t" not in line.text)
    if len(widths) < 5:
        return 0
    full = widths[int(len(widths) * 0.8)]
    return full if sum(1 for w in widths if full - 4 <= w <= full) >= 0.5 * len(widths) else 0


def unwrap(lines: Sequence[Line], width: int) -> list[Line]:
    """Paragraphs whose lines broke at the page width joined back: a line that fills the width goes on with the
    next, unless that one is a heading or indented."""
    joined: list[Line] = []
    for line in lines:
        before = joined[-1] if joined else None
        heading = match_subtopic(line.text) or match_heading(line.text, None)
        indented = line.text.startswith(("  ", "\u3000"))  # a layout extraction indents a paragraph's first line
        if width and before is not None and _width(before.text) >= width - 4 and not heading and not indented:
            joined[-1] = replace(before, text=before.text.rstrip() + line.text.strip())
        else:
            joined.append(line)
    return joined


def _overview(lines: Sequence[Line], notes: list[str]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    current = ""
    loose = 0
    for line in lines:
        text = line.text.strip()
        sub = match_subtopic(text)
        if sub:
            current, text = sub
        if not text:
            continue
        if not current:
            loose += 1
        fields.setdefault(current or schema.OVERVIEW_FIELDS[0].key, []).append(text)
    if loose:
        first = schema.OVERVIEW_FIELDS[0]
        notes.append(
            f"“{schema.HEADINGS['overview']}”开头有 {loose} 段不在任何小标题下，已放入「{first.label}」，请核对。"
        )
    return fields


QUOTE = re.compile(r"\{\{.*?\}\}", re.DOTALL)


def _pattern_source(text: str) -> str:
    """A boilerplate paragraph as a regex: its fixed words exactly, each quoted value any text."""
    parts, last = [], 0
    for match in QUOTE.finditer(text):
        parts += [re.escape(text[last : match.start()]), ".+?"]
        last = match.end()
    return "".join([*parts, re.escape(text[last:])])


def _is_boilerplate(preface: list[str], boilerplate: Sequence[str]) -> bool:
    """Whether every paragraph of the preface is text a template prints by itself (as in a report this tool made)."""
    # Spaces do not count: a PDF's text has them where the page spaced digits from Chinese ("30 号").
    patterns = [re.compile(_pattern_source(re.sub(r"\s+", "", text))) for text in boilerplate]
    compact = [re.sub(r"\s+", "", paragraph) for paragraph in preface]
    return bool(patterns) and all(any(p.fullmatch(paragraph) for p in patterns) for paragraph in compact)


def _no_title_note(values: dict[str, str], signer: str, page_title: bool) -> str:
    body_from = "网页的标题信息" if page_title and not signer else f"落款“{signer}”"
    found = [
        f"发布机关取自{body_from}" if "meta.body" in values else "",
        f"报告年度取自{'网页的标题信息' if page_title else '统计期限'}" if "meta.year" in values else "",
    ]
    missing = [label for key, label in (("meta.body", "发布机关"), ("meta.year", "报告年度")) if key not in values]
    note = "没有找到报告标题"
    if any(found):
        note += "，" + "，".join(filter(None, found)) + "，请核对"
    if missing:
        note += "，" + "和".join(missing) + "请在“基本信息”中填写"
    return note + "。"


def _unread(section: str, table: TableResult, found: bool) -> dict[str, Evidence]:
    """The table's cells that hold no value, as evidence of their own: "unread" (this tool could not settle them,
    never the report's fault) for rows it left out and for every cell not found when the table itself was not
    found or some of its printed figures went to no row; "missing" for a cell not found in a table read whole,
    which the report does not print."""
    evidence = {}
    for item in table.left_out:
        for key in item.keys:
            evidence[key] = Evidence(key, "", "unread", item.place)
    state = "unread" if not found or table.unaccounted else "missing"
    for key, figure in schema.figures().items():
        if figure.table == section and key not in table.values and key not in table.evidence:
            row = figure.label.rpartition("·")[0] if "·" in figure.label else ""
            where = Place(text=schema.TABLE_SHEETS[section], row=row, column=figure.label.rpartition("·")[2])
            evidence.setdefault(key, Evidence(key, "", state, where))
    return evidence


def parse_lines(lines: Sequence[Line], source: str, boilerplate: Sequence[str] = ()) -> ImportResult:
    """The long format of a report given as lines; raises InputError when no part of a report is recognised."""
    front: list[Line] = []
    sections: dict[str, list[Line]] = {}
    current: str | None = None
    for line in (replace(line, text=CONTROL.sub(" ", line.text)) for line in lines):
        text = line.text.strip()
        if not text or text.startswith(SKIPPED_PREFIXES):
            continue
        if current not in TABLE_SECTIONS and LONE_NUMBER.fullmatch(text):
            continue  # a page number without its dashes, or a table's number an extraction printed out of place
        heading = match_heading(line.text, current) if "\t" not in text else None
        if heading:
            current = heading.section
            sections[current] = [replace(line, text=heading.rest)] if heading.rest else []
            continue
        (sections[current] if current else front).append(line)
    if not sections:
        raise InputError(
            f"{source}：没有找到年度报告的各部分标题（如“{schema.HEADINGS['overview']}”“{schema.HEADINGS['t3']}”），"
            "请确认这是政府信息公开工作年度报告。"
        )
    notes: list[str] = []
    values: dict[str, str] = {}
    evidence: dict[str, Evidence] = {}
    groups: dict[str, Evidence] = {}
    left_out: list[LeftOut] = []

    title_at, meta = _title(front)
    page_title = _page_title(front) if title_at < 0 else {}
    values.update(meta or page_title)
    title = norm(front[title_at].text) if title_at >= 0 else ""
    width = wrap_width([line for s in ("overview", "problems", "other") for line in sections.get(s, [])])
    preface = [
        line.text.strip()
        for line in unwrap(front[title_at + 1 :], width)
        if "\t" not in line.text.strip()
        and norm(line.text) != title  # a page that prints its title again above the article
        and not PAGE_FURNITURE.match(norm(line.text))
        and (title_at >= 0 or "。" in line.text)  # with no title to start from, only prose: no menus or page heads
    ]
    dated = [p for p in preface if _is_date(p)]
    preface = [p for p in preface if p not in dated]
    if preface and not _is_boilerplate(preface, boilerplate):
        values["narrative.preface"] = "\n".join(preface)
    if "meta.year" not in values:
        period = PERIOD.search("".join(preface + [line.text for line in sections.get("overview", [])]))
        if period:
            values["meta.year"] = period.group(1)

    body = values.get("meta.body", "")
    last = next(s for s in reversed(SECTION_ORDER) if s in sections)
    signer = ""
    if last not in ("t2", "t3", "t4"):
        sections[last], date, signer = _signature(sections[last], body)
        dated += [date] if date else []
    # The signature names the body when the title does not, or names it only in short ("柳河乡" for 柳河乡人民政府).
    if signer and (not body or (not body_kind(body) and signer.startswith(body) and body_kind(signer))):
        body = values["meta.body"] = signer
    if title_at < 0:
        notes.append(_no_title_note(values, signer, bool(page_title)))
    if dated:
        values["meta.issue_date"] = dated[-1]
    if body and body_kind(body):
        values["meta.body_kind"] = body_kind(body)

    for key, paragraphs in _overview(unwrap(sections.get("overview", []), width), notes).items():
        values[key] = "\n".join(paragraphs)
    for section in ("problems", "other"):
        paragraphs = [line.text.strip() for line in unwrap(sections.get(section, []), width) if line.text.strip()]
        if paragraphs:
            values[f"narrative.{section}"] = "\n".join(paragraphs)

    for section, reader in (("t2", read_t2), ("t3", read_t3), ("t4", read_t4)):
        table = reader(sections.get(section, []))
        values.update(table.values)
        evidence.update(table.evidence)
        groups.update(table.groups)
        notes += table.notes
        left_out += table.left_out
        evidence.update(_unread(section, table, section in sections))
    missing = [schema.HEADINGS[s] for s in SECTION_ORDER if s not in sections]
    if missing:
        notes.insert(0, f"没有找到：{'、'.join(missing)}。")
    return ImportResult(source, values, evidence, tuple(notes), tuple(left_out), groups)
