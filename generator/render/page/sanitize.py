"""The report page checked by what it is, not by what its template's source looks like: the rendered page goes
through an allowlist sanitiser (nh3) that keeps the elements, attributes and link schemes a report needs and
nothing else, and carries a strict Content-Security-Policy. `removed` names, by line, what the sanitiser drops.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from html import escape
from html.parser import HTMLParser
from typing import Any

TAGS = frozenset(
    [
        "a",
        "abbr",
        "article",
        "aside",
        "b",
        "blockquote",
        "br",
        "caption",
        "code",
        "col",
        "colgroup",
        "dd",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "i",
        "img",
        "li",
        "main",
        "meta",
        "nav",
        "ol",
        "p",
        "pre",
        "s",
        "section",
        "small",
        "span",
        "strong",
        "style",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "title",
        "tr",
        "u",
        "ul",
        "wbr",
    ]
)
EVERYWHERE = frozenset({"class", "id", "lang", "title", "role", "tabindex", "dir"})
ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "meta": {"charset", "name", "content"},
    "time": {"datetime"},
    "ol": {"start"},
}
PREFIXES = ("aria-", "data-")
SCHEMES = frozenset({"http", "https", "mailto", "data"})
URL_ATTRIBUTES = frozenset({"href", "src"})
DOCUMENT = frozenset({"html", "head", "body"})  # the page's frame: rebuilt around what is kept
# No script, no plugin, nothing fetched: the page's own styles and its pictures (data: addresses) only.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
STYLE_LOADS = re.compile(r"@import|url\s*\(|expression\s*\(|behavior\s*:|-moz-binding|</\s*style", re.IGNORECASE)
STYLE_CUT = re.compile(  # each whole: the statement, the call, the declaration
    r"@import[^;]*;?|(?:url|expression)\s*\([^)]*\)?|(?:behavior|-moz-binding)\s*:[^;}]*|</\s*style", re.IGNORECASE
)
LANG = re.compile(r'<html\b[^>]*\blang="([A-Za-z-]{2,20})"', re.IGNORECASE)
BODY = re.compile(r"<body\b[^>]*>(.*)</body\s*>", re.IGNORECASE | re.DOTALL)
# A style element's text up to the first </style>, read a run of non-"<" characters at a time (a lazy .*? tries the
# end tag at each of a 10 KB sheet's characters).
STYLE_ELEMENT = re.compile(r"<style>([^<]*(?:<(?!/style>)[^<]*)*)</style>")
HEAD = re.compile(r"<head\b[^>]*>(.*)</head\s*>", re.IGNORECASE | re.DOTALL)


def clean_page(page: str) -> str:
    """The page with only what the allowlist keeps, its frame rebuilt, and the Content-Security-Policy first in
    its head."""
    clean = _cleaner().clean
    head = HEAD.search(page)
    body = BODY.search(page)
    lang = LANG.search(page)
    head_html = clean(head.group(1)) if head else ""
    head_html = STYLE_ELEMENT.sub(lambda m: f"<style>{_clean_style(m.group(1))}</style>", head_html)
    head_html = re.sub(r"<meta content=\"[^\"]*\">", "", head_html)  # what an http-equiv left: says nothing
    body_html = re.sub(r"<meta content=\"[^\"]*\">", "", clean(body.group(1) if body else page))
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang.group(1)) if lang else "zh-CN"}">\n<head>\n{CSP_META}\n'
        f"{head_html.strip()}\n</head>\n<body>\n{body_html.strip()}\n</body>\n</html>\n"
    )


@cache
def _cleaner() -> Any:
    """The allowlist, built once per process (building it took a third of each page's cleaning)."""
    import nh3

    return nh3.Cleaner(
        tags=set(TAGS),
        clean_content_tags={"script"},
        attributes={"*": set(EVERYWHERE), **{tag: set(names) for tag, names in ATTRIBUTES.items()}},
        generic_attribute_prefixes=set(PREFIXES),
        url_schemes=set(SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


@lru_cache(maxsize=16)
def _clean_style(css: str) -> str:
    """A style sheet that loads nothing: @import, url(), expressions and bindings are cut out. Every report of a
    template set has the same sheet: it is cleaned once."""
    return STYLE_CUT.sub("", css)


def removed(page: str) -> list[tuple[int, str]]:
    """(line, what) for everything clean_page would drop from `page`: an element, an attribute, a link's scheme,
    what a style sheet would load."""
    finder = _Finder()
    finder.feed(page)
    finder.close()
    return finder.found


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag in DOCUMENT:
            return
        if tag not in TAGS:
            self.found.append((line, f"<{tag}> 元素"))
            return
        for name, value in attrs:
            allowed = name in EVERYWHERE or name in ATTRIBUTES.get(tag, ()) or name.startswith(PREFIXES)
            if not allowed:
                self.found.append((line, f"<{tag}> 的 {name} 属性"))
            elif name in URL_ATTRIBUTES and value and (scheme := _scheme(value)) and scheme not in SCHEMES:
                self.found.append((line, f"<{tag}> 的 {name}=“{scheme}:” 链接"))

    def handle_data(self, data: str) -> None:
        if self.lasttag == "style" and (match := STYLE_LOADS.search(data)):
            line = self.getpos()[0] + data.count("\n", 0, match.start())
            self.found.append((line, f"样式表中的 {match.group(0)}"))

    def handle_comment(self, data: str) -> None:
        pass  # comments are dropped, and carry nothing


def _scheme(url: str) -> str:
    """A link's scheme as a browser reads it: tabs, newlines and control characters inside it ignored."""
    compact = re.sub(r"[\x00-\x20]", "", url)
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", compact)
    return match.group(1).lower() if match else ""
