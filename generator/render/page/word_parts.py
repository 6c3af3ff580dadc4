"""A rendered Word document's parts as the web page needs them: the body, style names, list kinds, images.

Read from the members already in memory (the Word report just rendered), never from a file again.
"""

from __future__ import annotations

import base64
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from generator.render.ooxml import REL, W, xml_tree

DOCUMENT = "word/document.xml"
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}
HEADING_NAME = re.compile(r"^heading ([1-9])$", re.IGNORECASE)


@dataclass(frozen=True)
class StyleInfo:
    """A paragraph style: its name as Word shows it, and its outline level (0 = heading 1) when it has one."""

    name: str
    outline: int | None = None


def style_class(name: str) -> str:
    """A CSS class named after a Word style: "Report Signature" -> "report-signature"."""
    return re.sub(r"[^\w]+", "-", name.strip().lower()).strip("-") or "style"


@lru_cache(maxsize=16)
def _styles(data: bytes) -> dict[str, StyleInfo]:
    """Style id -> StyleInfo, following basedOn for the outline level (parsed once per template)."""
    root = xml_tree(data)
    raw: dict[str, tuple[str, int | None, str]] = {}
    for style in root.iter(f"{W}style"):
        style_id = style.get(f"{W}styleId") or ""
        name = style.find(f"{W}name")
        outline = style.find(f"{W}pPr/{W}outlineLvl")
        based = style.find(f"{W}basedOn")
        level = int(outline.get(f"{W}val")) if outline is not None else None
        raw[style_id] = (
            name.get(f"{W}val") if name is not None else style_id,
            level,
            based.get(f"{W}val") if based is not None else "",
        )
    result = {}
    for style_id, (name, level, _) in raw.items():
        seen, current = {style_id}, style_id
        heading = HEADING_NAME.match(name)
        while level is None and not heading and raw.get(current, ("", None, ""))[2] not in seen | {""}:
            current = raw[current][2]
            seen.add(current)
            level = raw[current][1]
        if heading and level is None:
            level = int(heading.group(1)) - 1
        result[style_id] = StyleInfo(name, level)
    return result


@lru_cache(maxsize=16)
def _bullets(data: bytes) -> frozenset[tuple[str, str]]:
    """(numId, ilvl) pairs whose numbering is a bullet: those lists are <ul>, the others <ol>."""
    root = xml_tree(data)
    abstract_bullets = {
        (abstract.get(f"{W}abstractNumId"), level.get(f"{W}ilvl"))
        for abstract in root.iter(f"{W}abstractNum")
        for level in abstract.iter(f"{W}lvl")
        if (fmt := level.find(f"{W}numFmt")) is not None and fmt.get(f"{W}val") == "bullet"
    }
    pairs = set()
    for num in root.iter(f"{W}num"):
        abstract = num.find(f"{W}abstractNumId")
        if abstract is None:
            continue
        for abstract_id, level in abstract_bullets:
            if abstract_id == abstract.get(f"{W}val"):
                pairs.add((num.get(f"{W}numId") or "", level or "0"))
    return frozenset(pairs)


@dataclass
class WordParts:
    """The members of a rendered .docx that the web page is made from."""

    members: Mapping[str, bytes]
    known_tables: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # stand-in id -> (HTML, key)
    styles: dict[str, StyleInfo] = field(init=False)
    bullets: frozenset[tuple[str, str]] = field(init=False)

    @cached_property
    def body(self) -> Any:
        """The document's body, parsed only when its blocks are not all known (known_blocks.py)."""
        return xml_tree(self.members[DOCUMENT]).find(f"{W}body")

    def __post_init__(self) -> None:
        self.styles = _styles(self.members["word/styles.xml"]) if "word/styles.xml" in self.members else {}
        numbering = self.members.get("word/numbering.xml")
        self.bullets = _bullets(numbering) if numbering else frozenset()

    @cached_property
    def links(self) -> dict[str, tuple[str, str]]:
        """Relationship id -> (target, mode): read only when the body has an image or a link."""
        links = {}
        rels = self.members.get("word/_rels/document.xml.rels")
        if rels:
            for rel in xml_tree(rels).iter(f"{REL}Relationship"):
                links[rel.get("Id") or ""] = (rel.get("Target") or "", rel.get("TargetMode") or "")
        return links

    def style(self, style_id: str) -> StyleInfo:
        return self.styles.get(style_id, StyleInfo(style_id))

    def image_uri(self, rel_id: str) -> str | None:
        """The image a relationship points at, as a data: URI (the page stays standalone); None if not an image."""
        target, mode = self.links.get(rel_id, ("", ""))
        if mode == "External" or not target:
            return None
        path = posixpath.normpath(posixpath.join("word", target))
        kind = IMAGE_TYPES.get(posixpath.splitext(path)[1].lower())
        data = self.members.get(path)
        if kind is None or data is None:
            return None
        return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"

    def hyperlink(self, rel_id: str) -> str | None:
        """An external link's address when it is a web or mail address (never javascript: or a file)."""
        target, mode = self.links.get(rel_id, ("", ""))
        return target if mode == "External" and re.match(r"^(https?:|mailto:)", target, re.IGNORECASE) else None
