"""A Word part's XML as Jinja source, whichever suite saved it: the one preparation the renderer and the check share.

Word, WPS and LibreOffice each write a tag the author typed once in their own way: cut over several runs (a
spell-check mark, a bookmark, a revision id, a change of formatting), with `"` as `&quot;` or a numeric reference,
and with the quotes Word's AutoCorrect curls as the author types (`{{ “已办结” if … }}`). Each tag is joined and
read back as the author typed it, then docxtpl's clean-up (`patch_xml`: paragraph and row tags) runs as before.
"""

from __future__ import annotations

import re
from html import unescape

# docxtpl's own first two steps (patch_xml): braces cut apart by markup, then the markup inside a tag.
SPLIT_BRACES = re.compile(r"(?<={)(<[^>]*>)+(?=[\{%\#])|(?<=[%\}\#])(<[^>]*>)+(?=\})", re.DOTALL)
TAG_BODY = re.compile(r"\{%(?:(?!%\}).)*|\{\{(?:(?!\}\}).)*", re.DOTALL)
BETWEEN_TEXTS = re.compile(r"</w:t>.*?(?:<w:t>|<w:t [^>]*>)", re.DOTALL)
# Opening quote -> the straight quote it stands for; a curly one is closed by either curly quote of its kind.
QUOTES = {'"': '"', "'": "'", "“": '"', "”": '"', "‘": "'", "’": "'"}
CURLY = {'"': "“”", "'": "‘’"}


def _straight_quotes(code: str) -> str:
    """Curly quotes that open and close a string (AutoCorrect's) made straight; quotes a string holds are kept as
    its text."""
    out: list[str] = []
    quote = ""  # the straight quote of the string we are in
    curly = escaped = False
    for char in code:
        if not quote:
            if char in QUOTES:
                quote, curly = QUOTES[char], char not in "\"'"
                char = quote
        elif escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif curly and char in CURLY[quote]:
            char, quote = quote, ""
        elif not curly and char == quote:
            quote = ""
        elif char == quote:  # a straight quote inside a string AutoCorrect opened
            char = f"\\{char}"
        elif char in "“”‘’":  # a quote the string holds: an escape, which docxtpl's own quote clean-up leaves
            char = f"\\u{ord(char):04x}"
        out.append(char)
    return "".join(out)


def _plain_tag(match: re.Match[str]) -> str:
    """One tag as typed: the markup inside it dropped, entities read, curly delimiters straightened."""
    text = BETWEEN_TEXTS.sub("", match.group(0))
    return _straight_quotes(unescape(text) if "&" in text else text)


def jinja_source(xml: str) -> str:
    """The part's XML with every tag joined and read as typed, then through docxtpl's clean-up."""
    from docxtpl import DocxTemplate

    xml = TAG_BODY.sub(_plain_tag, SPLIT_BRACES.sub("", xml))
    return str(DocxTemplate.patch_xml(None, xml))  # uses nothing of the instance
