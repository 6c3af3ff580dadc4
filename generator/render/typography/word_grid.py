"""The document grid of 28 characters a line, written so that Word, WPS and LibreOffice all set it.

A "lines and characters" grid narrower than the body face (28 characters of 16 pt in 156 mm) is set by Word
as a compressed pitch; LibreOffice (7.x) instead gives each character two cells and sets 14 a line. Kept as a
line grid, with the compression stated as character spacing on the text that snaps to the grid (and none on
text off the grid), every suite sets the same 28 characters and 22 lines.
"""

from __future__ import annotations

import math
import re

GRID = re.compile(r"<w:docGrid\b[^>]*/>")
CHAR_SPACE = re.compile(r'w:charSpace="(-?\d+)"')
DEFAULT_RPR = re.compile(r"(<w:rPrDefault>\s*<w:rPr>)(.*?)(</w:rPr>)", re.DOTALL)
STYLE = re.compile(r"<w:style\b(?:(?!</w:style>).)*</w:style>", re.DOTALL)
OFF_GRID = re.compile(r'<w:snapToGrid w:val="(?:0|false|off)"/>')
STYLE_RPR = re.compile(r"(<w:rPr>)(.*?)(</w:rPr>)", re.DOTALL)
SPACING = re.compile(r"<w:spacing\b[^>]*/>")
# Run properties the schema puts after w:spacing: Word refuses a part whose elements are out of order.
AFTER_SPACING = re.compile(
    r"<w:(?:w|kern|position|sz|szCs|highlight|u|effect|bdr|shd|fitText|vertAlign|rtl|cs|em|lang|eastAsianLayout"
    r"|specVanish|oMath)\b"
)


def _with_spacing(properties: str, twentieths: int) -> str:
    """The inside of a w:rPr with its character spacing set (in 1/20 pt), in the schema's order."""
    element = f'<w:spacing w:val="{twentieths}"/>'
    if SPACING.search(properties):
        return SPACING.sub(element, properties, count=1)
    later = AFTER_SPACING.search(properties)
    at = later.start() if later else len(properties)
    return properties[:at] + element + properties[at:]


def _unspaced_if_off_grid(style: str) -> str:
    """A style whose text does not snap to the grid: no spacing (Word does not compress it either)."""
    if not OFF_GRID.search(style):
        return style
    if STYLE_RPR.search(style):
        return STYLE_RPR.sub(lambda m: m.group(1) + _with_spacing(m.group(2), 0) + m.group(3), style, count=1)
    return style.replace("</w:pPr>", '</w:pPr><w:rPr><w:spacing w:val="0"/></w:rPr>', 1)


def portable_grid(document: str, styles: str) -> tuple[str, str]:
    """The body and styles with a compressed character grid restated as a line grid and character spacing;
    unchanged when the grid is a line grid already, or not narrower than the face."""
    grid = GRID.search(document)
    if grid is None or not re.search(r'w:type="(?:linesAndChars|snapToChars)"', grid.group(0)):
        return document, styles
    space = CHAR_SPACE.search(grid.group(0))
    spacing = math.floor(int(space.group(1)) / 4096 * 20) if space else 0  # 1/20 pt, never over Word's pitch
    if spacing >= 0 or not DEFAULT_RPR.search(styles):
        return document, styles
    line_grid = re.sub(r'w:type="(?:linesAndChars|snapToChars)"', 'w:type="lines"', CHAR_SPACE.sub("", grid.group(0)))
    document = GRID.sub(lambda _: re.sub(r"\s+/>", "/>", line_grid), document)
    styles = DEFAULT_RPR.sub(lambda m: m.group(1) + _with_spacing(m.group(2), spacing) + m.group(3), styles, count=1)
    return document, STYLE.sub(lambda m: _unspaced_if_off_grid(m.group(0)), styles)
