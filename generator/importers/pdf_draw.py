"""A PDF page's characters and drawings by pdfium (in C: some ten times faster than pdfminer's interpreter), as the
objects pdfplumber's table finder and text lines work on, in pdfminer's geometry: a character's box from its
origin, advance and the font's size, a path split at each move into pdfminer's line, rectangle or curve.

pdfminer still reads the file's structure (its cross-reference table, encryption and page tree, which the messages
and pdf_bounds need); pdfium only draws the pages.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from generator.exceptions import InputError
from generator.importers.pdf_bounds import (
    MAX_PAGE_CHARS,
    MAX_PAGE_CONTENT_BYTES,
    MAX_PAGE_DRAWINGS,
    MAX_PAGE_FORMS,
    MB,
    Budget,
    too_much,
)

Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]
SUBPATH = re.compile(r"m[^m]+")
CID_FONTS = frozenset({b"CIDFontType0", b"CIDFontType2"})  # pdfminer's metrics of the standard 14 are not theirs
SUBSET_TAG = re.compile(rb"^[A-Z]{6}\+")  # "BAAAAA+NotoSerifCJKjp-Bold" names a subset of NotoSerifCJKjp-Bold


def _times(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF row-vector order)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _apply(m: Matrix, x: float, y: float) -> Point:
    a, b, c, d, e, f = m
    return (a * x + c * y + e, b * x + d * y + f)


def page_ctm(page_obj: Any) -> Matrix:
    """The matrix pdfminer draws a page with (its rotation, the media box's corner at the origin)."""
    x0, y0, x1, y1 = page_obj.mediabox
    rotate = page_obj.rotate
    if rotate == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


class _Place:
    """Points of the page's user space placed as pdfplumber places pdfminer's: x from the left, top down the page."""

    def __init__(self, page: Any) -> None:
        self.ctm = page_ctm(page.page_obj)
        self.left, self.top = page.mediabox[0], page.mediabox[1]
        self.height = page.height
        self.doctop = page.initial_doctop
        self.number = page.page_number

    def point(self, x: float, y: float) -> Point:
        """A point of pdfminer's page space (after the page's matrix) as pdfplumber's (x, top)."""
        return (self.left + x, self.top + self.height - y)

    def box(self, x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
        """A box's keys as pdfplumber gives them, from two corners in pdfminer's page space."""
        x0, x1 = min(x0, x1), max(x0, x1)
        y0, y1 = min(y0, y1), max(y0, y1)
        top = self.top + self.height - y1
        return {
            "x0": self.left + x0,
            "x1": self.left + x1,
            "y0": y0,
            "y1": y1,
            "width": x1 - x0,
            "height": y1 - y0,
            "top": top,
            "bottom": top + y1 - y0,
            "doctop": self.doctop + top,
            "page_number": self.number,
        }


def drawn_objects(
    page: Any, document: Any, budget: Budget, fonts: dict[int, tuple[bytes, float] | None] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The page's chars, lines, rects, curves and images as pdfplumber's `Page.objects` holds them; a page past a
    bound of pdf_bounds is refused with its message. `fonts` keeps what the document's fonts are, page to page."""
    number = page.page_number
    budget.check_time(number)
    try:
        return _drawn(page, document, budget, {} if fonts is None else fonts)
    except InputError:
        raise
    except Exception as err:  # noqa: BLE001 - whatever a broken page makes pdfminer or pdfium meet
        raise InputError(f"{budget.name}：PDF 文件已损坏，无法读取（第 {number} 页：{err}）。") from err


def _drawn(
    page: Any, document: Any, budget: Budget, fonts: dict[int, tuple[bytes, float] | None]
) -> dict[str, list[dict[str, Any]]]:
    """drawn_objects, past the time bound, with a broken page's surprises left to it."""
    import pypdfium2.raw as raw

    number = page.page_number
    content = sum(len(stream.get_data()) for stream in page.page_obj.contents if hasattr(stream, "get_data"))
    if content > MAX_PAGE_CONTENT_BYTES:
        raise too_much(budget.name, f"第 {number} 页的内容超过 {MAX_PAGE_CONTENT_BYTES // MB} MB")
    handle = raw.FPDF_LoadPage(document, number - 1)
    if not handle:
        raise InputError(f"{budget.name}：PDF 文件已损坏，无法读取（第 {number} 页）。")
    try:
        place = _Place(page)
        textpage = raw.FPDFText_LoadPage(handle)
        try:
            chars = _chars(raw, textpage, place, budget, font_descents(page.page_obj.resources, fonts))
        finally:
            raw.FPDFText_ClosePage(textpage)
        objects: dict[str, list[dict[str, Any]]] = {"char": chars} if chars else {}
        counts = {"paths": 0, "forms": 0}
        items = (raw.FPDFPage_GetObject(handle, i) for i in range(raw.FPDFPage_CountObjects(handle)))
        for kind, item in _painted(raw, items, place.ctm, counts, budget, number):
            if kind != "image":
                item.update(place.box(*_bounds(item["pts"])))
                item["pts"] = [place.point(*p) for p in item["pts"]]
                item["path"] = [(op, *(place.point(*p) for p in points)) for op, *points in item["path"]]
            objects.setdefault(kind, []).append(item)
    finally:
        raw.FPDF_ClosePage(handle)
    return objects


def _bounds(pts: list[Point]) -> tuple[float, float, float, float]:
    xs = [x for x, _ in pts]
    ys = [y for _, y in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def _chars(
    raw: Any, textpage: Any, place: _Place, budget: Budget, descents: dict[bytes, float]
) -> list[dict[str, Any]]:
    """The page's characters as drawn (not the spaces and line ends pdfium adds), each with its box as pdfminer
    makes it: from its origin to its advance, the font's size high from the font's descent."""
    count = raw.FPDFText_CountChars(textpage)
    if count > MAX_PAGE_CHARS:
        raise too_much(budget.name, f"第 {place.number} 页有超过 {MAX_PAGE_CHARS:,} 个字符")
    if count <= 0:
        return []
    buffer = (ctypes.c_ushort * (count + 1))()
    raw.FPDFText_GetText(textpage, 0, count, buffer)
    units = list(buffer)
    box = raw.FS_RECTF()
    matrix = raw.FS_MATRIX()
    x, y = ctypes.c_double(), ctypes.c_double()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    name = ctypes.create_string_buffer(256)
    generated, text_object, loose_box, char_box = (
        raw.FPDFText_IsGenerated,
        raw.FPDFText_GetTextObject,
        raw.FPDFText_GetLooseCharBox,
        raw.FPDFText_GetCharBox,
    )
    origin, address, pointer = raw.FPDFText_GetCharOrigin, ctypes.cast, ctypes.c_void_p
    runs: dict[int | None, tuple[bool, float, float, bool]] = {}  # a text object's address -> what is the same
    drawn: list[_Drawn] = []
    for i in range(count):
        unit = units[i]
        if 0xDC00 <= unit < 0xE000 or (unit <= 0x20 and generated(textpage, i)):
            continue  # the second half of a character past U+FFFF, or a space or line end pdfium inferred
        high = 0xD800 <= unit < 0xDC00 and i + 1 < count  # the first half of a character past U+FFFF
        text = chr(0x10000 + ((unit - 0xD800) << 10) + (units[i + 1] - 0xDC00)) if high else chr(unit)
        obj = text_object(textpage, i)
        key = address(obj, pointer).value
        run = runs.get(key)
        if run is None:  # the same for every character of a text object: its matrix, font and size
            raw.FPDFText_GetMatrix(textpage, i, matrix)
            a, b, c, d, _, _ = _times((matrix.a, matrix.b, matrix.c, matrix.d, 0.0, 0.0), place.ctm)
            run = runs[key] = (
                matrix.b == 0 and matrix.c == 0 and matrix.a > 0,
                raw.FPDFText_GetFontSize(textpage, i) * matrix.d,
                _descent(raw, obj, name, descents),
                a * d > 0 and b * c <= 0,
            )
        across, size, descent, upright = run
        loose_box(textpage, i, box)
        origin(textpage, i, x, y)
        if across:  # pdfminer's box: its advance wide, the size high from the descent
            low = y.value + descent * size / 1000
            char_box(textpage, i, left, right, bottom, top)
            overhang = right.value >= box.right - 0.001  # pdfium's box spans the glyph's ink past its advance
            drawn.append(_Drawn(text, key, x.value, y.value, x.value, low, box.right, low + size, overhang, upright))
        else:
            drawn.append(_Drawn(text, key, x.value, y.value, box.left, box.bottom, box.right, box.top, False, upright))
    return [_char(place, drawn, n) for n in range(len(drawn))]


class _Drawn(NamedTuple):
    """A character as pdfium drew it, its box in the page's user space."""

    text: str
    run: int | None  # its text object
    origin: float
    baseline: float
    x0: float
    y0: float
    x1: float
    y1: float
    overhang: bool  # its ink passes its advance, which then ends at the next character's origin, if before
    upright: bool


def _char(place: _Place, drawn: list[_Drawn], n: int) -> dict[str, Any]:
    """A character's keys as pdfplumber gives them."""
    char = drawn[n]
    x1 = char.x1
    if char.overhang and n + 1 < len(drawn):
        after = drawn[n + 1]
        if after.run == char.run and after.baseline == char.baseline and char.origin < after.origin < x1:
            x1 = after.origin
    a, b, c, d, e, f = place.ctm
    left, right = a * char.x0 + c * char.y0 + e, a * x1 + c * char.y1 + e
    low, high = b * char.x0 + d * char.y0 + f, b * x1 + d * char.y1 + f
    box = place.box(left, low, right, high)
    return {
        "text": char.text,
        **box,
        "object_type": "char",
        "upright": char.upright,
        "size": box["height"],  # pdfminer's for a font written across (a vertical font's would be its width)
        "fontname": "",
        "adv": box["width"],
    }


def _descent(raw: Any, obj: Any, name: Any, descents: dict[bytes, float]) -> float:
    """The descent pdfminer takes for a text object's font: its descriptor's, else pdfium's."""
    font = raw.FPDFTextObj_GetFont(obj)
    length = raw.FPDFFont_GetBaseFontName(font, name, len(name))
    found = descents.get(name.value[: max(0, length - 1)]) if length else None
    if found is not None:
        return found
    value = ctypes.c_float()
    return float(value.value) if raw.FPDFFont_GetDescent(font, ctypes.c_float(1000), value) else 0.0


def font_descents(
    resources: Any, known: dict[int, tuple[bytes, float] | None], seen: set[int] | None = None
) -> dict[bytes, float]:
    """Each font's /Descent as pdfminer reads it (from its descriptor, or the standard 14 fonts' metrics; never
    above 0), by its base font name, in the page's resources and its forms'; `known` keeps each font object's
    for the document's other pages."""
    from pdfminer.pdftypes import PDFObjRef, resolve1

    seen = set() if seen is None else seen
    found: dict[bytes, float] = {}
    resources = resolve1(resources)
    if not isinstance(resources, dict) or id(resources) in seen:
        return found
    seen.add(id(resources))
    for ref in (resolve1(resolve1(resources.get("Font")) or {}) or {}).values():
        number = ref.objid if isinstance(ref, PDFObjRef) else None
        if number is None or number not in known:
            descent = _font_descent(resolve1(ref))
            if number is not None:
                known[number] = descent
        else:
            descent = known[number]
        if descent is not None:
            found.setdefault(*descent)
    for xobject in (resolve1(resolve1(resources.get("XObject")) or {}) or {}).values():
        xobject = resolve1(xobject)
        attrs = getattr(xobject, "attrs", None)
        if isinstance(attrs, dict) and _name(attrs.get("Subtype")) == b"Form" and len(seen) < 100:
            for key, value in font_descents(attrs.get("Resources"), known, seen).items():
                found.setdefault(key, value)
    return found


def _font_descent(spec: Any) -> tuple[bytes, float] | None:
    """A font's name as pdfium gives it (without its subset's tag) and its descent as pdfminer takes it."""
    from pdfminer.fontmetrics import FONT_METRICS
    from pdfminer.pdftypes import resolve1

    if not isinstance(spec, dict):
        return None
    base = _name(spec.get("BaseFont"))
    descendants = resolve1(spec.get("DescendantFonts"))
    if isinstance(descendants, list) and descendants:
        spec = resolve1(descendants[0])
        if not isinstance(spec, dict):
            return None
    subtype = _name(spec.get("Subtype"))
    descriptor = resolve1(spec.get("FontDescriptor"))
    if subtype == b"Type3" or not base:
        return None  # pdfminer measures a Type 3 font by its glyphs' box: pdfium's descent stands
    if subtype not in CID_FONTS and base.decode("latin-1") in FONT_METRICS:
        descent = FONT_METRICS[base.decode("latin-1")][0].get("Descent", 0)
    elif isinstance(descriptor, dict):
        descent = resolve1(descriptor.get("Descent", 0))
    else:
        return None
    if not isinstance(descent, int | float):
        return None
    return SUBSET_TAG.sub(b"", base), -abs(float(descent))


def _name(value: Any) -> bytes:
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import PSLiteral

    value = resolve1(value)
    if isinstance(value, PSLiteral):
        value = value.name
    if isinstance(value, str):
        return value.encode("latin-1", "replace")
    return value if isinstance(value, bytes) else b""


def _painted(
    raw: Any, items: Iterator[Any], outer: Matrix, counts: dict[str, int], budget: Budget, number: int
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each path's lines, rectangles and curves and each image, inside forms too (in the form's space)."""
    matrix = raw.FS_MATRIX()
    for item in items:
        kind = raw.FPDFPageObj_GetType(item)
        if kind == raw.FPDF_PAGEOBJ_FORM:
            counts["forms"] += 1
            if counts["forms"] > MAX_PAGE_FORMS:
                raise too_much(budget.name, f"第 {number} 页引用了超过 {MAX_PAGE_FORMS:,} 个图形对象")
            budget.check_time(number)
            raw.FPDFPageObj_GetMatrix(item, matrix)
            inner = _times((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
            count = raw.FPDFFormObj_CountObjects(item)
            yield from _painted(
                raw, (raw.FPDFFormObj_GetObject(item, i) for i in range(count)), inner, counts, budget, number
            )
        elif kind == raw.FPDF_PAGEOBJ_IMAGE:
            yield "image", {"object_type": "image", "page_number": number}
        elif kind == raw.FPDF_PAGEOBJ_PATH:
            counts["paths"] += 1
            if counts["paths"] > MAX_PAGE_DRAWINGS:
                raise too_much(budget.name, f"第 {number} 页有超过 {MAX_PAGE_DRAWINGS:,} 个线条或图形")
            raw.FPDFPageObj_GetMatrix(item, matrix)
            own = _times((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
            yield from _path(raw, item, own)


def _path(raw: Any, item: Any, matrix: Matrix) -> Iterator[tuple[str, dict[str, Any]]]:
    """A path object as pdfminer paints it: its operators rebuilt from pdfium's points (a closing point becomes
    `l` then `h`, three Bézier points one `c`), split at each move, each part a line, a rectangle or a curve."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(item, fill, stroke)
    width = ctypes.c_float()
    raw.FPDFPageObj_GetStrokeWidth(item, width)
    x, y = ctypes.c_float(), ctypes.c_float()
    ops: list[tuple[str, list[Point]]] = []
    bezier: list[Point] = []
    for i in range(raw.FPDFPath_CountSegments(item)):
        segment = raw.FPDFPath_GetPathSegment(item, i)
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        point = _apply(matrix, x.value, y.value)
        kind = raw.FPDFPathSegment_GetType(segment)
        if kind == raw.FPDF_SEGMENT_MOVETO:
            ops.append(("m", [point]))
        elif kind == raw.FPDF_SEGMENT_BEZIERTO:
            bezier.append(point)
            if len(bezier) < 3:
                continue
            ops.append(("c", bezier))
            bezier = []
        else:
            ops.append(("l", [point]))
        if raw.FPDFPathSegment_GetClose(segment):
            ops.append(("h", []))
    style = {"linewidth": width.value, "stroke": bool(stroke.value), "fill": fill.value != 0}
    shape = "".join(op for op, _ in ops)
    for match in SUBPATH.finditer(shape):
        yield _shape(ops[match.start() : match.end()], style)


def _shape(ops: list[tuple[str, list[Point]]], style: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """pdfminer's paint_path for one subpath: a line, a rectangle or a curve."""
    shape = "".join(op for op, _ in ops)
    start = ops[0][1][-1]
    pts = [points[-1] if points else start for _, points in ops]
    path = [(op, *(points or [start])) for op, points in ops]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:  # a redundant `l` closed with `h`
        shape = shape[:-2] + "h"
        pts.pop()
    kind = "curve"
    if shape in {"mlh", "ml"}:
        kind, pts = "line", pts[:2]
    elif shape in {"mlllh", "mllll"}:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square:
            kind = "rect"
            (left, low), (right, high) = pts[0], pts[2]  # pdfminer's corners, in its order
            pts = [(left, low), (right, low), (right, high), (left, high)]
    return kind, {"object_type": kind, "pts": pts, "path": path, **style}
