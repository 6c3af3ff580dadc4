"""Word's XML (OOXML) as every piece of render/ reads and writes it: the namespaces, `qn`, one hardened parser,
and paragraph properties inserted in the order the schema requires — as python-docx keeps its oxml layer apart."""

from __future__ import annotations

from functools import cache
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
XML = "{http://www.w3.org/XML/1998/namespace}"
PREFIXES = {"w": W, "r": R, "xml": XML}
# w:pPr's children in the order ECMA-376 (17.3.1.26) requires: Word refuses a paragraph whose are out of order.
PARAGRAPH_PROPERTIES = (
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
)


def qn(name: str) -> str:
    """ "w:ind" -> Clark notation ("{…wordprocessingml/2006/main}ind")."""
    prefix, local = name.split(":")
    return f"{PREFIXES[prefix]}{local}"


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@cache
def parser(remove_blank_text: bool = False) -> Any:
    """Entities and network access off (the document comes from a user's template); made once per process."""
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, collect_ids=False, remove_blank_text=remove_blank_text
    )


def xml_tree(data: bytes, remove_blank_text: bool = False) -> Any:
    """An lxml element tree of a part (or of a fragment with its root's declarations)."""
    from lxml import etree

    return etree.fromstring(data, parser(remove_blank_text))


def paragraph_property(ppr: Any, local: str) -> Any:
    """The paragraph property w:`local`, added where the schema's sequence puts it if absent."""
    found = ppr.find(qn(f"w:{local}"))
    if found is not None:
        return found
    from lxml import etree

    child = etree.Element(qn(f"w:{local}"))
    after = PARAGRAPH_PROPERTIES[PARAGRAPH_PROPERTIES.index(local) + 1 :]
    later = [c for c in ppr if isinstance(c.tag, str) and local_name(c.tag) in after]
    if later:
        later[0].addprevious(child)
    else:
        ppr.append(child)
    return child
