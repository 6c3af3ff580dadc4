"""What a Word template from another office must not carry into every report: anything fetched from elsewhere
(an attached template, a linked picture, a file:// link), fields that fetch or run (DDE, DDEAUTO, INCLUDETEXT,
INCLUDEPICTURE, LINK...), embedded documents (altChunk), OLE objects and ActiveX controls, and macros. Read
straight from the zip, so a renamed .docm is named as such; each is refused where it sits, by paragraph.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from generator.jinja.names import TemplateProblem
from generator.render.ooxml import R, W

REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
MACRO_TYPE = re.compile(r"macroEnabled|vbaProject|vbaData|activeX", re.IGNORECASE)
# A field whose code starts with one of these fetches a file or runs a program when Word updates it.
ACTIVE_FIELD = re.compile(r"^\s*(DDEAUTO|DDE|INCLUDETEXT|INCLUDEPICTURE|INCLUDE|IMPORT|LINK|MACROBUTTON)\b", re.I)
# Relationship types that embed or pull in another document or program, wherever their target is.
EMBEDDING = {
    "aFChunk": "嵌入了另一份文档（altChunk）",
    "oleObject": "嵌入了 OLE 对象",
    "package": "嵌入了 OLE 对象（文件包）",
    "control": "含有 ActiveX 控件",
    "subDocument": "引用了子文档",
    "frame": "引用了外部框架网页",
    "attachedTemplate": "附加了模板（attachedTemplate）",
}
ELEMENTS = {
    f"{W}altChunk": "嵌入了另一份文档（altChunk）",
    f"{W}object": "含有 OLE 对象（w:object）",
    f"{W}control": "含有 ActiveX 控件",
    f"{W}subDoc": "引用了子文档",
}
SAFE_LINK = re.compile(r"^(https?|mailto):", re.IGNORECASE)  # an ordinary hyperlink in the text
REFUSED = "：报告不得含有会从别处取内容或会运行的内容，请在 Word 中删除后重新保存为 .docx"
MACROS = "含有宏"
MAX_PART_BYTES = 64 * 1024 * 1024


def active_content(path: Path) -> list[TemplateProblem]:
    """Everything active or external in the Word template at `path`, each a blocking problem."""
    try:
        with zipfile.ZipFile(path) as package:
            return list(dict.fromkeys(_problems(package, path.name)))
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return []  # not a Word file at all: check_docx says so


def _problems(package: zipfile.ZipFile, file: str) -> Iterator[TemplateProblem]:
    names = package.namelist()
    macros = [n for n in names if PurePosixPath(n).name.lower() in ("vbaproject.bin", "vbadata.xml")]
    types = _xml(package, "[Content_Types].xml")
    declared = [] if types is None else [e.get("ContentType", "") for e in types.iter(f"{CONTENT_TYPES}*")]
    if macros or any(MACRO_TYPE.search(t) for t in declared):
        yield TemplateProblem(
            file,
            "",
            MACROS
            + "（这是改了扩展名的启用宏的 .docm 文件）：报告模板不得含有宏，请在 Word 中另存为“Word 文档（*.docx）”",
        )
    for rels_name in (n for n in names if n.endswith(".rels")):
        part = _part_of(rels_name)
        rels = _xml(package, rels_name)
        if rels is None:
            continue
        users = _users(_xml(package, part), part)
        for rel in rels.iter(REL):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            target = rel.get("Target", "")
            external = rel.get("TargetMode", "") == "External"
            where = users.get(rel.get("Id", ""), _part_place(part))
            if kind in EMBEDDING:
                yield TemplateProblem(file, where, f"{EMBEDDING[kind]}（{target}）{REFUSED}")
            elif external and not (kind == "hyperlink" and SAFE_LINK.match(target)):
                what = {"image": "链接了外部图片", "hyperlink": "含有指向本机或内网文件的链接"}.get(
                    kind, "引用了外部内容"
                )
                yield TemplateProblem(file, where, f"{what}（{target}）{REFUSED}")
    for name in names:
        if name.startswith("word/") and name.endswith(".xml") and "/" not in name[5:]:
            root = _xml(package, name)
            if root is not None:
                yield from _in_text(root, name, file)


def _in_text(root: Any, name: str, file: str) -> Iterator[TemplateProblem]:
    """Fields that fetch or run, embedded documents and objects, by the paragraph that holds them."""
    places = _paragraph_places(root, name)
    for paragraph in root.iter(f"{W}p"):
        codes = "".join(t.text or "" for t in paragraph.iter(f"{W}instrText"))
        codes += "".join(" " + (f.get(f"{W}instr") or "") for f in paragraph.iter(f"{W}fldSimple"))
        for code in re.split(r"(?=\b(?:DDEAUTO|DDE|INCLUDETEXT|INCLUDEPICTURE|INCLUDE|IMPORT|LINK)\b)", codes):
            if match := ACTIVE_FIELD.match(code):
                shown = " ".join(code.split())[:80]
                yield TemplateProblem(
                    file, places.get(paragraph, ""), f"含有 {match.group(1).upper()} 域（{shown}）{REFUSED}"
                )
    for tag, what in ELEMENTS.items():
        for element in root.iter(tag):
            yield TemplateProblem(file, _place_of(element, places, name), f"{what}{REFUSED}")


def _users(root: Any, name: str) -> dict[str, str]:
    """Where in a part each relationship is used (r:id, r:link, r:embed...), by paragraph."""
    if root is None or not name.startswith("word/"):
        return {}
    places = _paragraph_places(root, name)
    used: dict[str, str] = {}
    for element in root.iter("{*}*"):  # elements only: comments have no attributes
        for attribute, value in element.attrib.items():
            if attribute.startswith(R) and value not in used:
                used[value] = _place_of(element, places, name)
    return used


def _paragraph_places(root: Any, name: str) -> dict[Any, str]:
    """Each paragraph's place as check-template names it: body paragraphs by number, table cells by table, row
    and cell; the paragraphs of a header, footer or note by their part."""
    places: dict[Any, str] = {}
    body = root.find(f"{W}body")
    if body is None:
        for paragraph in root.iter(f"{W}p"):
            places[paragraph] = _part_place(name)
        return places
    number = tables = 0
    for block in body:
        if block.tag == f"{W}p":
            number += 1
            for paragraph in block.iter(f"{W}p"):
                places[paragraph] = f"第 {number} 段"
        elif block.tag == f"{W}tbl":
            tables += 1
            for r, row in enumerate(block.iterchildren(f"{W}tr"), 1):
                for c, cell in enumerate(row.iterchildren(f"{W}tc"), 1):
                    for paragraph in cell.iter(f"{W}p"):
                        places[paragraph] = f"表格 {tables} 第 {r} 行第 {c} 格"
        else:
            places[block] = f"第 {number} 段之后"
    return places


def _place_of(element: Any, places: dict[Any, str], name: str) -> str:
    for ancestor in (element, *element.iterancestors()):
        if ancestor in places:
            return places[ancestor]
    return _part_place(name)


def _part_of(rels_name: str) -> str:
    """word/_rels/document.xml.rels -> word/document.xml"""
    folder, _, base = rels_name.rpartition("_rels/")
    return folder + base.removesuffix(".rels")


def _part_place(part: str) -> str:
    name = PurePosixPath(part).name
    for prefix, place in (("header", "页眉"), ("footer", "页脚"), ("footnotes", "脚注"), ("endnotes", "尾注")):
        if name.startswith(prefix):
            return f"{place}（{name}）"
    return {"document.xml": "正文", "settings.xml": "文档设置", "": "文件包"}.get(name, name)


def _xml(package: zipfile.ZipFile, name: str) -> Any:
    try:
        if package.getinfo(name).file_size > MAX_PART_BYTES:
            return None
        data = package.read(name)
    except KeyError:
        return None
    from lxml import etree  # loaded when a template is checked, not when the command starts

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
