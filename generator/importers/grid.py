"""A scanned page's geometry with numpy: its skew, its ruling lines, and each full-grid table's cells (a merged
cell once, at its top-left grid position), as pixel boxes of the straightened page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

Pixels = tuple[int, int, int, int]  # left, top, right, bottom
MIN_RULE = 40  # pixels: a horizontal rule is far longer than any stroke of a character at 150 dpi
MIN_COLUMN_RULE = 20  # a column's rule across one row of a table (14 points, 29 pixels) is longer than a
# stroke of the table's characters (10.5 points, 22 pixels)
THIN = 7  # pixels: a rule's thickness on a blurred scan
GAP = 6  # pixels of a rule lost to a white speck or a light scan, bridged
TOUCHING = 24  # pixels: the most of a rule one character touching it (at 150 dpi) can make thick
SPECK = 12  # ink pixels: less than any character or digit at 150 dpi
DOT = 5  # ink pixels: a speck has fewer, a figure's decimal point (inside the text, never trimmed) more
CHARACTER_GAP = 12  # pixels between two characters of one word (a space between words is wider still)
SPANNED = 0.9  # the share of a row's height a column rule covers (a speck may break it)
RESUMED = 0.6  # the share that will do for a column's rule (found in two other rows) broken in this one
COVERED = 0.3  # the share of a cell's edge a row rule covers: only rules make the mask, but text touching one breaks it
NEAR = 4  # pixels: two rules this close are one (a blurred rule is a few pixels thick)


@dataclass(frozen=True)
class Cell:
    """One cell of a table: its grid position (row and column of its top-left corner) and its box."""

    row: int
    column: int
    box: Pixels


@dataclass(frozen=True)
class Grid:
    """One ruled table on a page: its box and its cells, row by row."""

    box: Pixels
    rows: tuple[tuple[Cell, ...], ...]


def otsu(gray: np.ndarray) -> int:
    """The grey level that best splits ink from paper."""
    histogram = np.bincount(gray.ravel(), minlength=256).astype(float)
    levels = np.arange(256)
    weight = np.cumsum(histogram)
    mean = np.cumsum(histogram * levels)
    total, total_mean = weight[-1], mean[-1]
    between = (total_mean * weight - mean * total) ** 2 / np.maximum(weight * (total - weight), 1)
    return int(np.argmax(between))


def skew(ink: np.ndarray) -> float:
    """The page's rotation in degrees (counter-clockwise positive), from the angle at which its lines of text and
    rules line up best with the rows of pixels (within ±2°)."""
    from PIL import Image

    small = Image.fromarray((ink[::2, ::2] * 255).astype(np.uint8))

    def score(angle: float) -> float:
        rows = np.asarray(small.rotate(angle, resample=Image.Resampling.NEAREST)).sum(axis=1, dtype=np.float64)
        return float((rows**2).sum())

    best = max(np.arange(-2.0, 2.01, 0.2), key=score)
    return float(max(np.arange(best - 0.2, best + 0.21, 0.04), key=score))


def _opened(mask: np.ndarray, length: int, axis: int) -> np.ndarray:
    """The pixels of runs at least `length` long along `axis` (a morphological opening with a line)."""
    moved = np.moveaxis(mask, axis, -1).astype(np.int32)
    n = moved.shape[-1]
    if n < length:
        return np.zeros_like(mask, dtype=bool)
    pad = np.zeros((*moved.shape[:-1], 1), dtype=np.int32)
    sums = np.concatenate([pad, np.cumsum(moved, axis=-1)], axis=-1)
    full = (sums[..., length:] - sums[..., :-length]) == length  # a run of `length` starts at i (n - length + 1)
    starts = np.concatenate([pad, np.cumsum(full, axis=-1, dtype=np.int32)], axis=-1)
    j = np.arange(n)
    covered = (starts[..., np.minimum(j, n - length) + 1] - starts[..., np.maximum(j - length + 1, 0)]) > 0
    return np.moveaxis(covered, -1, axis)


def _thicken(mask: np.ndarray, axis: int) -> np.ndarray:
    """The mask grown by one pixel each way across `axis` (so that a rule a little off straight stays one run)."""
    grown = mask.copy()
    if axis == 1:
        grown[1:] |= mask[:-1]
        grown[:-1] |= mask[1:]
    else:
        grown[:, 1:] |= mask[:, :-1]
        grown[:, :-1] |= mask[:, 1:]
    return grown


def _bridged(mask: np.ndarray, axis: int, gap: int = GAP) -> np.ndarray:
    """The mask with gaps of up to `gap` pixels along `axis` filled (ink on both sides within reach)."""
    moved = np.moveaxis(mask, axis, -1)
    before = moved.copy()
    after = moved.copy()
    for shift in range(1, gap + 1):
        before[..., shift:] |= moved[..., :-shift]
        after[..., :-shift] |= moved[..., shift:]
    return np.moveaxis(moved | (before & after), -1, axis)


def _run_lengths(mask: np.ndarray, axis: int) -> np.ndarray:
    """For each ink pixel, the length of the run of ink it lies in along `axis` (0 off the ink)."""
    moved = np.moveaxis(mask, axis, -1)
    flat = np.concatenate([moved, np.zeros((*moved.shape[:-1], 1), dtype=bool)], axis=-1).ravel()
    starts = flat & ~np.concatenate([[False], flat[:-1]])
    ids = np.cumsum(starts) * flat
    lengths = np.bincount(ids)
    lengths[0] = 0
    out = lengths[ids].reshape(*moved.shape[:-1], moved.shape[-1] + 1)[..., :-1]
    return np.moveaxis(out, -1, axis)


def rules(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The horizontal and the vertical rules' pixels: long runs of ink that is thin across the run (a character's
    strokes cross a horizontal run of text, so text makes no long thin run)."""
    vertical = _opened(_thicken(ink & (_run_lengths(ink, 1) <= THIN), 0), MIN_COLUMN_RULE, 0)
    # A column's rule crosses a row's rule: thick across it there, it would cut a light rule into pieces too
    # short to be found (with a character's stroke touching the rule in the same cell).
    thin = ink & (_run_lengths(ink, 0) <= THIN)
    # A character touching the rule from above or below makes it thick there: where ink runs on along the line
    # between two thin stretches of it, the rule goes on under the character (a gap between two characters has
    # no ink, so text is never joined into a rule).
    under = ink & _bridged(thin, 1, TOUCHING)
    horizontal = _opened(_thicken(thin | under | (ink & vertical), 1), MIN_RULE, 1)
    return horizontal, vertical


@dataclass(frozen=True)
class Segment:
    at: int  # its y (a horizontal rule) or x (a vertical one)
    start: int
    end: int


def _runs(line: np.ndarray) -> list[tuple[int, int]]:
    edges = np.diff(np.concatenate([[0], line.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True))


def segments(mask: np.ndarray, axis: int) -> list[Segment]:
    """The rules of a mask as segments: bands of rows (axis 1: horizontal) or columns (axis 0) holding rule
    pixels, each band's runs along the rule."""
    profile: np.ndarray = np.asarray(mask.any(axis=axis))
    found = []
    for first, last in _runs(profile):
        rows = np.asarray(mask[first:last].any(axis=0) if axis == 1 else mask[:, first:last].any(axis=1))
        band: np.ndarray = _bridged(rows[None, :], 1)[0]  # a speck or a crossing rule breaks no rule in two
        found += [Segment((first + last - 1) // 2, start, end) for start, end in _runs(band)]
    return found


def _cluster(values: Sequence[int]) -> list[int]:
    out: list[list[int]] = []
    for value in sorted(values):
        if out and value - out[-1][-1] <= NEAR:
            out[-1].append(value)
        else:
            out.append([value])
    return [round(sum(group) / len(group)) for group in out]


def _share(ink: np.ndarray, x: int, top: int, bottom: int) -> float:
    """How much of the way from the rule at `top` to the one at `bottom` has ink at `x`: a column rule all of it
    (a character's stroke stops short of the rules, within the cell's padding)."""
    column = ink[top : bottom + 1, max(x - 2, 0) : x + 3].any(axis=1)
    return float(column.mean()) if column.size else 0.0


def _pieces(ink: np.ndarray, across: list[Segment], xs: list[int]) -> list[tuple[int, int, int, int, int]]:
    """Column rules found between two row rules: (x, top, bottom, index of the top rule, of the bottom rule)."""
    pairs = []
    for x in xs:
        crossing = sorted(
            (i for i, h in enumerate(across) if h.start - NEAR <= x <= h.end + NEAR), key=lambda i: across[i].at
        )
        pairs += [(x, upper, lower) for upper, lower in zip(crossing, crossing[1:], strict=False)]
    found = []
    for x, upper, lower in pairs:
        top, bottom = across[upper].at, across[lower].at
        if bottom - top > NEAR:
            share = _share(ink, x, top, bottom)
            if share >= SPANNED:
                found.append((x, top, bottom, upper, lower))
    return found


def _broken_rule(ink: np.ndarray, x: int, top: int, bottom: int) -> bool:
    """A column's rule that a speck or a light scan broke in this row: most of the way down, and touching the
    rules at both ends (a character of a cell merged across the column stops short of them)."""
    column: np.ndarray = np.asarray(ink[top : bottom + 1, max(x - 2, 0) : x + 3].any(axis=1))
    ends = min(4, column.size // 4)
    return column.size > 0 and bool(column[:ends].all() and column[-ends:].all()) and column.mean() >= RESUMED


def _covered(mask: np.ndarray, at: int, start: int, end: int) -> bool:
    """Whether a row rule runs along most of [start, end) at row `at`."""
    inset = max(2, (end - start) // 8)
    if end - start <= 2 * inset:
        return False
    band = mask[max(at - NEAR, 0) : at + NEAR + 1, start + inset : end - inset].any(axis=0)
    return float(band.mean()) >= COVERED


def grids(ink: np.ndarray, horizontal: np.ndarray, vertical: np.ndarray) -> list[Grid]:
    """The page's full-grid tables, top to bottom, each cell merged across the rules that are not drawn."""
    across = segments(horizontal, 1)
    pieces = _pieces(ink, across, sorted({s.at for s in segments(vertical, 0)}))
    parent = list(range(len(across)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for _, _, _, upper, lower in pieces:
        parent[find(upper)] = find(lower)
    found = []
    for table in {find(i) for i in range(len(across))}:
        members = [i for i in range(len(across)) if find(i) == table]
        own = [p for p in pieces if find(p[3]) == table]
        ys, xs = _cluster([across[i].at for i in members]), _cluster([p[0] for p in own])
        if len(ys) < 3 or len(xs) < 3:
            continue  # a single ruled box or a rule under a title is no table
        # A column's rule runs down at least two rows (a header's and a figure's); a stroke of a character that
        # happens to fill one short row from rule to rule does not recur at the same place.
        xs = [x for x in xs if sum(1 for p in own if abs(p[0] - x) <= NEAR) >= 2 or x in (xs[0], xs[-1])]
        own = [p for p in own if any(abs(p[0] - x) <= NEAR for x in xs)]
        found.append(_grid(ink, horizontal, ys, xs, own))
    return sorted(found, key=lambda g: g.box[1])


def _grid(
    ink: np.ndarray, horizontal: np.ndarray, ys: list[int], xs: list[int], pieces: list[tuple[int, int, int, int, int]]
) -> Grid:
    """The table's cells: grid positions joined where no rule separates them."""
    rows, columns = len(ys) - 1, len(xs) - 1
    parent = {(i, j): (i, j) for i in range(rows) for j in range(columns)}

    def root(cell: tuple[int, int]) -> tuple[int, int]:
        while parent[cell] != cell:
            cell = parent[cell]
        return cell

    def join(a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    def divided(x: int, top: int, bottom: int) -> bool:
        return any(
            abs(px - x) <= NEAR and ptop <= top + NEAR and pbottom >= bottom - NEAR
            for px, ptop, pbottom, _, _ in pieces
        ) or _broken_rule(ink, x, top, bottom)

    for i in range(rows):
        for j in range(columns):
            if j + 1 < columns and not divided(xs[j + 1], ys[i], ys[i + 1]):
                join((i, j), (i, j + 1))
            if i + 1 < rows and not _covered(horizontal, ys[i + 1], xs[j], xs[j + 1]):
                join((i, j), (i + 1, j))
    members: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for cell in parent:
        members.setdefault(root(cell), []).append(cell)
    cells = []
    for (i, j), group in members.items():
        last_row, last_column = max(r for r, _ in group), max(c for _, c in group)
        cells.append(Cell(i, j, (xs[j], ys[i], xs[last_column + 1], ys[last_row + 1])))
    by_row = [tuple(sorted((c for c in cells if c.row == i), key=lambda c: c.column)) for i in range(rows)]
    return Grid((xs[0], ys[0], xs[-1], ys[-1]), tuple(by_row))


def _groups(counts: np.ndarray, gap: int, least: int) -> list[tuple[int, int]]:
    """Runs of non-empty positions joined across gaps up to `gap`, each holding at least `least` ink pixels."""
    runs = _runs(counts > 0)
    joined: list[list[int]] = []
    for start, end in runs:
        if joined and start - joined[-1][1] <= gap:
            joined[-1][1] = end
        else:
            joined.append([start, end])
    return [(start, end) for start, end in joined if int(counts[start:end].sum()) >= least]


def ink_box(ink: np.ndarray, box: Pixels, margin: int = 3) -> Pixels | None:
    """The box of the text inside a cell, its rules and stray specks left out (a speck a few pixels across, far
    from the text, read as a digit would make a figure wrong); None for an empty cell."""
    left, top, right, bottom = box
    inner = ink[top + margin : bottom - margin + 1, left + margin : right - margin + 1]
    if inner.size == 0:
        return None
    rows = _groups(inner.sum(axis=1), 2, SPECK)
    if not rows:
        return None
    inner = inner[rows[0][0] : rows[-1][1]]
    columns = _groups(inner.sum(axis=0), CHARACTER_GAP, SPECK)
    if not columns:
        return None
    start, end = columns[0][0], columns[-1][1]
    strokes = _groups(inner[:, start:end].sum(axis=0), 0, DOT)  # a speck beside the text is no stroke of it
    if strokes:
        start, end = start + strokes[0][0], start + strokes[-1][1]
    text = inner[:, start:end]
    used = np.flatnonzero(text.sum(axis=1) > 0)
    return (
        left + margin + start,
        top + margin + rows[0][0] + int(used[0]),
        left + margin + end,
        top + margin + rows[0][0] + int(used[-1]) + 1,
    )


def glyphs(ink: np.ndarray, box: Pixels) -> list[Pixels]:
    """The boxes of the printed characters that stand apart in a text's box: runs of columns with ink (a
    figure's digits never touch; the engine reads "11" as "1" more often than it splits a digit in two)."""
    left, top, right, bottom = box
    return [
        (left + start, top, left + end, bottom) for start, end in _groups(ink[top:bottom, left:right].sum(axis=0), 0, 4)
    ]


def as_array(image: Any) -> np.ndarray:
    return np.asarray(image, dtype=np.uint8)
