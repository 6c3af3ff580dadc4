"""GB/T 9704 layout that depends on the words: where the title breaks, where the signature and date stand.

Pure functions of text, plus one pass over a rendered Word body (`place_signature_block`) that sets what a
style cannot: the date starts two characters right of the signature's first character, whatever their lengths.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from generator.render.ooxml import paragraph_property, qn, xml_tree

# The title is 2号 (22 pt) in a 156 mm line: 20 characters at most. One is kept free for wide digits.
TITLE_LINE_CHARS = 19
# Where a long body name may break: after the name of an administrative level or an office (GB/T 9704
# 7.3.3 asks for breaks that keep words whole). Longest first, so 人民政府 wins over 府.
NAME_BREAKS = (
    "人民代表大会常务委员会",
    "特别行政区",
    "人民政府",
    "自治区",
    "自治州",
    "自治县",
    "委员会",
    "办事处",
    "办公室",
    "办公厅",
    "管委会",
    "新区",
    "街道",
    "省",
    "市",
    "州",
    "盟",
    "县",
    "区",
    "旗",
    "镇",
    "乡",
    "局",
    "厅",
    "委",
    "部",
)
# The words of the tables' longer labels ("|" between two words): a label is broken only there, in a Word cell
# too narrow for it and on a narrow screen, so no word is cut ("（三）/不予公/开", "无法提/供").
LABEL_WORDS = (
    "（本列数据的|勾稽关系为：|第一项加第二项之和，|等于第三项加第四项之和）",
    "第二十条|第（一）项",
    "第二十条|第（五）项",
    "第二十条|第（六）项",
    "第二十条|第（八）项",
    "本年|制发|件数",
    "本年|废止|件数",
    "现行|有效|件数",
    "本年|处理|决定|数量",
    "本年|收费|金额|（单位：|万元）",
    "行政|规范性|文件",
    "行政|事业性|收费",
    "法人或|其他组织",
    "一、|本年|新收|政府信息|公开|申请|数量",
    "二、|上年|结转|政府信息|公开|申请|数量",
    "三、|本年度|办理|结果",
    "（一）|予以公开",
    "（二）|部分公开|（区分处理的，|只计这一情形，|不计其他情形）",
    "（三）|不予公开",
    "（四）|无法提供",
    "（五）|不予处理",
    "（六）|其他处理",
    "（七）|总计",
    "1.属于|国家秘密",
    "2.其他法律|行政法规|禁止公开",
    "3.危及|“三安全|一稳定”",
    "4.保护|第三方|合法权益",
    "5.属于|三类|内部事务|信息",
    "6.属于|四类|过程性|信息",
    "7.属于|行政执法|案卷",
    "8.属于|行政查询|事项",
    "1.本机关|不掌握|相关|政府信息",
    "2.没有|现成信息|需要|另行制作",
    "3.补正后|申请内容|仍不明确",
    "1.信访|举报|投诉类|申请",
    "2.重复|申请",
    "3.要求提供|公开出版物",
    "4.无|正当理由|大量|反复|申请",
    "5.要求|行政机关|确认或|重新出具|已获取|信息",
    "1.申请人|无正当理由|逾期|不补正、|行政机关|不再处理|其|政府信息|公开申请",
    "2.申请人|逾期未按|收费通知|要求|缴纳费用、|行政机关|不再处理|其|政府信息|公开申请",
    "四、|结转|下年度|继续办理",
    "商业|企业",
    "科研|机构",
    "社会|公益|组织",
    "法律|服务|机构",
    "申请人|情况",
    "结果|维持",
    "结果|纠正",
    "其他|结果",
    "尚未|审结",
    "行政|复议",
    "行政|诉讼",
    "未经复议|直接起诉",
    "复议后|起诉",
)
LABEL_BREAKS = {words.replace("|", ""): tuple(words.split("|")) for words in LABEL_WORDS}
SIGNATURE_INDENT_CHARS = 2  # 右空二字; the date starts two characters right of the signature's first one
DIGIT_GAP = re.compile(r"(?<=\d)([-\s])(?=\d)")
NUMBER_GAPS = {"-": "-\u2060"}  # what a gap inside a number becomes; a space, a no-break space
# The space LibreOffice adds between Chinese and a digit or Latin letter (autospace), in em: 1.24 mm at 16 pt,
# measured in its PDF with FandolFang and with Noto Serif CJK alike.
AUTOSPACE_EM = 0.22


def label_words(label: str) -> tuple[str, ...]:
    """A table label as its words ("（三）不予公开" -> ("（三）", "不予公开")); an unlisted label is one word."""
    return LABEL_BREAKS.get(label, (label,))


def text_width(text: str) -> float:
    """Width in body characters: a Chinese character or full-width sign is 1, a digit or Latin letter 0.5."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "FW" else 0.5 for ch in text if ch not in "\n\r")


@dataclass(frozen=True)
class Setting:
    """How the body's line sets narrow characters: their advance widths in the body face (em; half an em where
    not listed) and the body's size and character pitch in twips (a pitch below the size is compressed)."""

    advances: Mapping[str, float] = field(default_factory=dict)
    size: float = 320.0
    pitch: float = 320.0

    def narrow(self, ch: str) -> float:
        """A narrow character's width in body characters, with the line's character spacing."""
        return (self.advances.get(ch, 0.5) * self.size + self.pitch - self.size) / self.pitch


HALF_WIDTH_FACE = Setting()  # 仿宋_GB2312's: every narrow character half a character


def set_width(text: str, setting: Setting = HALF_WIDTH_FACE) -> float:
    """Width in body characters as set in a line: a Chinese character 1, a digit or Latin letter its advance in
    the body face, and the space added where Chinese meets digits or Latin letters (autospace)."""
    wide = [unicodedata.east_asian_width(ch) in "FW" for ch in text]
    boundaries = sum(1 for a, b in zip(wide, wide[1:], strict=False) if a != b)
    narrow = sum(setting.narrow(ch) for ch, w in zip(text, wide, strict=True) if not w)
    return wide.count(True) + narrow + AUTOSPACE_EM * setting.size / setting.pitch * boundaries


def _name_parts(name: str) -> list[str]:
    """A body name cut after each administrative level or office it names (whole words only)."""
    parts, start, index = [], 0, 0
    while index < len(name):
        word = next((w for w in NAME_BREAKS if name.startswith(w, index)), "")
        index += len(word) or 1
        if word and index - start >= 2:
            parts.append(name[start:index])
            start = index
    if start < len(name):
        if parts and len(name) - start < 2:
            parts[-1] += name[start:]  # never one character alone on a line
        else:
            parts.append(name[start:])
    return parts


def _split_name(name: str, limit: float) -> list[str]:
    """A name too long for one line, in two lines as even as its words allow (greedy beyond two)."""
    parts = _name_parts(name)
    splits = [("".join(parts[:k]), "".join(parts[k:])) for k in range(1, len(parts))]
    fitting = [pair for pair in splits if max(map(text_width, pair)) <= limit]
    if fitting:
        return list(min(fitting, key=lambda pair: max(map(text_width, pair))))
    return fill_lines(parts, limit)


def fill_lines(pieces: list[str], limit: float) -> list[str]:
    """Pieces (words, a name's levels) joined on a line while it fits `limit`, a new line where the next does not."""
    lines: list[str] = []
    for piece in pieces:
        if lines and text_width(lines[-1] + piece) <= limit:
            lines[-1] += piece
        else:
            lines.append(piece)
    return lines


def title_lines(title: str, body: str, limit: float = TITLE_LINE_CHARS) -> list[str]:
    """The title broken where its meaning breaks (GB/T 9704 7.3.3): the body's name, then the year and
    政府信息公开工作年度报告; a name too long for one line is cut between its levels. One line when it fits.

    "孟州市人民政府2023年政府信息公开工作年度报告" -> ["孟州市人民政府", "2023年政府信息公开工作年度报告"].
    """
    if text_width(title) <= limit or not body or not title.startswith(body) or title == body:
        return [title]
    rest = title[len(body) :]
    names = [body] if text_width(body) <= limit else _split_name(body, limit)
    return [*names, rest]


# --- The signature block, in the rendered Word body ----------------------------------------------

SIGNATURE_STYLE_ID, DATE_STYLE_ID, CONTACT_STYLE_ID = "ReportSignature", "ReportDate", "ReportContact"


@dataclass(frozen=True)
class Placement:
    """Where the signature and date paragraphs start, in characters from the text block's left edge.

    `None` keeps the style's setting (right-aligned, two characters from the right)."""

    signature_left: float | None
    date_left: float | None


def place(signature: str, date: str, line_chars: float, setting: Setting = HALF_WIDTH_FACE) -> Placement:
    """GB/T 9704 7.3.5.3 (no seal): the signature two characters from the right, the date on the next line
    starting two characters right of the signature's first one; when the date is longer, the date two
    characters from the right and the signature moved left to keep the two-character step."""
    s, d = set_width(signature, setting), set_width(date, setting)
    if not date:
        return Placement(None, None)
    if d <= s:  # the signature stays right-aligned; the date starts from its (known) first character
        return Placement(None, line_chars - SIGNATURE_INDENT_CHARS - s + SIGNATURE_INDENT_CHARS)
    # Both from the left: the two-character step exact, the date's end as near two characters as its
    # estimated width allows.
    left = line_chars - SIGNATURE_INDENT_CHARS - d - SIGNATURE_INDENT_CHARS
    return Placement(left, left + SIGNATURE_INDENT_CHARS)


@dataclass(frozen=True)
class TextBlock:
    """The body's line: its width in twips and the pitch of one character (the document grid's, if any)."""

    width: int
    pitch: float

    @property
    def chars(self) -> float:
        return self.width / self.pitch


def text_block(sect: Any, body_half_points: int, spacing: int = 0) -> TextBlock:
    """From a section's properties: page width less margins, and the character pitch: the body size plus
    w:charSpace/4096 pt on a "lines and characters" grid (as Word lays it), else plus the body's character
    spacing (`spacing`, 1/20 pt: render.typography.word_grid states the grid so)."""
    page, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    grid = sect.find(qn("w:docGrid"))
    width = int(page.get(qn("w:w"))) - int(margins.get(qn("w:left"))) - int(margins.get(qn("w:right")))
    pitch = body_half_points * 10.0  # twips
    if grid is not None and grid.get(qn("w:type")) in ("linesAndChars", "snapToChars"):
        pitch += int(grid.get(qn("w:charSpace"), "0")) * 20 / 4096
    else:
        pitch += spacing
    return TextBlock(width, pitch)


def _set_left(paragraph: Any, chars: float, block: TextBlock) -> None:
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is None:
        from lxml import etree

        ppr = etree.Element(qn("w:pPr"))
        paragraph.insert(0, ppr)  # a paragraph's properties come first
    ind = paragraph_property(ppr, "ind")
    for attr in ("w:right", "w:rightChars", "w:firstLine", "w:firstLineChars"):
        ind.set(qn(attr), "0")
    ind.set(qn("w:left"), str(round(chars * block.pitch)))
    ind.set(qn("w:leftChars"), str(round(chars * 100)))
    paragraph_property(ppr, "jc").set(qn("w:val"), "left")


def _keep_numbers_whole(paragraph: Any) -> None:
    """A hyphen or space between digits (0391-1234567) made non-breaking, so no line ends inside a number: a
    hyphen followed by a word joiner (U+2060), a no-break space. Word's w:noBreakHyphen would not do: LibreOffice
    breaks after it (and after a plain hyphen before a digit too), so its PDF split a number across two lines."""
    for t in paragraph.iter(qn("w:t")):
        if t.text and DIGIT_GAP.search(t.text):
            t.text = DIGIT_GAP.sub(lambda m: NUMBER_GAPS.get(m.group(1), "\u00a0"), t.text)


PARAGRAPH = re.compile(rb"<w:p\b[^>]*>(?:(?!<w:p\b).)*?</w:p>", re.DOTALL)  # <w:p>, never <w:pPr>
SECTION = re.compile(rb"<w:sectPr\b(?:(?!<w:sectPr\b).)*?</w:sectPr>", re.DOTALL)
ROOT = re.compile(rb"<w:document\b[^>]*>")
DECLARATION = re.compile(rb'\s+xmlns(?::\w+)?="[^"]*"')


def _paragraphs_with(document_xml: bytes, marker: bytes) -> list[re.Match[bytes]]:
    """The paragraphs holding `marker` (a style reference), found from the marker outwards: no scan of every
    paragraph of the body."""
    found, position = [], document_xml.find(marker)
    while position >= 0:
        start = _last_tag(document_xml, b"<w:p", position)
        match = PARAGRAPH.match(document_xml, start) if start >= 0 else None
        if match is not None and match.end() > position:
            found.append(match)
        position = document_xml.find(marker, position + len(marker))
    return found


def _last_tag(xml: bytes, tag: bytes, before: int) -> int:
    """Where the last element `tag` starts before `before` (not one whose name merely begins so, as <w:pPr>
    begins <w:p), or -1; the search goes back only as far as that element."""
    start = xml.rfind(tag, 0, before)
    while start >= 0 and xml[start + len(tag) : start + len(tag) + 1] not in (b" ", b">", b"/"):
        start = xml.rfind(tag, 0, start)
    return start


def typeset_body(
    document_xml: bytes, body_half_points: int = 32, spacing: int = 0, advances: Mapping[str, float] | None = None
) -> bytes:
    """The rendered body with the signature block set as GB/T 9704 7.3.5 asks and contact numbers kept whole,
    the date's digits measured by the body face's `advances` (render.typography.faces). Only those paragraphs
    (and the last section's page) are parsed; a body without them comes back unchanged."""
    ids = {
        style_id: f'<w:pStyle w:val="{style_id}"/>'.encode()
        for style_id in (SIGNATURE_STYLE_ID, DATE_STYLE_ID, CONTACT_STYLE_ID)
    }
    root = ROOT.search(document_xml)
    if root is None or not any(marker in document_xml for marker in ids.values()):
        return document_xml
    head = root.group(0)
    found = {sid: _paragraphs_with(document_xml, marker) for sid, marker in ids.items()}
    edited: dict[tuple[int, int], bytes] = {}
    signatures, dates = found[SIGNATURE_STYLE_ID], found[DATE_STYLE_ID]
    section = SECTION.match(document_xml, max(_last_tag(document_xml, b"<w:sectPr", len(document_xml)), 0))
    if signatures and dates and section:
        block = _section_block(head, section.group(0), body_half_points, spacing)  # the body's, last of the document
        signature, date = _parse(head, signatures[0].group(0)), _parse(head, dates[0].group(0))
        setting = Setting(advances or {}, body_half_points * 10.0, block.pitch)
        placement = place(_text(signature), _text(date), block.chars, setting)
        for match, paragraph, left in (
            (signatures[0], signature, placement.signature_left),
            (dates[0], date, placement.date_left),
        ):
            if left is not None:
                _set_left(paragraph, left, block)
                edited[match.span()] = _serialised(paragraph)
    for match in found[CONTACT_STYLE_ID]:
        edited[match.span()] = _contact_kept_whole(head, match.group(0))
    out, position = [], 0
    for (start, end), xml in sorted(edited.items(), key=lambda item: item[0]):
        out += [document_xml[position:start], xml]
        position = end
    return b"".join([*out, document_xml[position:]])


def _parse(root: bytes, snippet: bytes) -> Any:
    """A paragraph or section of the body, parsed under the document's root (which declares every prefix)."""
    return xml_tree(root + snippet + b"</w:document>", remove_blank_text=True)[0]


def _serialised(paragraph: Any) -> bytes:
    from lxml import etree

    xml = etree.tostring(paragraph, encoding="UTF-8").split(b"?>", 1)[-1].lstrip()
    head, rest = xml.split(b">", 1)  # the root declares every prefix already: no copies on the paragraph
    return DECLARATION.sub(b"", head) + b">" + rest


# The page's text block and the contact line are the same in every report of a template: worked out once each.
@lru_cache(maxsize=16)
def _section_block(root: bytes, section: bytes, body_half_points: int, spacing: int) -> TextBlock:
    return text_block(_parse(root, section), body_half_points, spacing)


@lru_cache(maxsize=64)
def _contact_kept_whole(root: bytes, paragraph: bytes) -> bytes:
    parsed = _parse(root, paragraph)
    _keep_numbers_whole(parsed)
    return _serialised(parsed)


def _text(paragraph: Any) -> str:
    return "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
