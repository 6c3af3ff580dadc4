"""The body face this computer sets a report in, and the advance widths of its narrow characters."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from generator.render.typography.pdf import FANG, FONT_FALLBACKS, SERIF, installed_families

HALF_WIDTH = 0.5  # em: the half-width digits and signs of the GB2312 faces (仿宋_GB2312), the default
NARROW_SIGNS = "0123456789 -.,:/()"
# Advance widths in em of the signs above, read once from each face's horizontal metrics (hmtx); a face or sign
# not listed is half an em. FandolFang's digits are half an em as 仿宋_GB2312's; Noto Serif CJK's are wider.
ADVANCES: dict[str, tuple[float, ...]] = {
    FANG: (0.5,) * 10 + (0.333, 0.333, 0.278, 0.278, 0.278, 0.5, 0.389, 0.389),
    SERIF: (0.557, 0.471, 0.558, 0.557, 0.555, 0.558, 0.558, 0.549, 0.558, 0.562)
    + (0.256, 0.346, 0.327, 0.327, 0.327, 0.352, 0.364, 0.364),
}


def resolved_face(family: str, installed: frozenset[str] | None = None) -> str:
    """The face LibreOffice sets `family` in here: the family itself when installed, else its first installed
    stand-in (render.typography.pdf's fallbacks); `family` where fontconfig cannot say (Windows)."""
    present = installed_families() if installed is None else installed
    if not present or family in present:
        return family
    return next((face for face in FONT_FALLBACKS.get(family, ()) if face in present), family)


def narrow_advances(face: str) -> Mapping[str, float]:
    """The face's advance widths (em) of digits and common signs; missing ones are half an em."""
    widths = ADVANCES.get(face, (HALF_WIDTH,) * len(NARROW_SIGNS))
    return MappingProxyType(dict(zip(NARROW_SIGNS, widths, strict=True)))
