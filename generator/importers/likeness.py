"""Digits read by their likeness to the page's own: the figures every pass of the engine read alike give each
digit's look in this scan's print, and a digit the engine cannot read is the one it is clearly most like."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from generator.importers import grid

SIZE = (20, 12)  # rows, columns a character is scaled to before comparing
ALIKE = 0.9  # the correlation a character must reach with a digit's look
APART = 0.1  # and by how much it must beat the next most alike digit
WIDTH = 0.35  # and its width may differ from the digit's by this share at most ("1" is narrow, "4" is not)


def _shape(gray: np.ndarray, box: grid.Pixels) -> np.ndarray:
    """A character's ink, scaled to SIZE and normalised (mean 0, length 1) for correlation."""
    from PIL import Image

    left, top, right, bottom = box
    piece = Image.fromarray(255 - gray[top:bottom, left:right]).resize(SIZE[::-1], Image.Resampling.BILINEAR)
    values = np.asarray(piece, dtype=np.float64).ravel()
    values -= values.mean()
    norm = np.linalg.norm(values)
    return values / norm if norm else values


class Looks:
    """Each digit's look on one page, from the characters of figures read alike by every pass."""

    def __init__(self, gray: np.ndarray, ink: np.ndarray, known: Sequence[tuple[grid.Pixels, str]]) -> None:
        self.gray, self.ink = gray, ink
        samples: dict[str, list[tuple[np.ndarray, int]]] = {}
        for box, text in known:
            characters = grid.glyphs(ink, box)
            if text.isdigit() and len(characters) == len(text):
                for character, digit in zip(characters, text, strict=True):
                    samples.setdefault(digit, []).append((_shape(gray, character), character[2] - character[0]))
        self.looks = {
            digit: (np.mean([s for s, _ in found], axis=0), float(np.median([w for _, w in found])))
            for digit, found in samples.items()
        }

    def read(self, box: grid.Pixels) -> str:
        """The figure in a cell, each character the digit it is clearly most like; "" when one is like none."""
        out = ""
        for character in grid.glyphs(self.ink, box):
            shape, width = _shape(self.gray, character), character[2] - character[0]
            scores = sorted(
                (
                    (float(look @ shape) / (float(np.linalg.norm(look)) or 1.0), digit)
                    for digit, (look, usual) in self.looks.items()
                    if abs(width - usual) <= WIDTH * max(usual, 1)
                ),
                reverse=True,
            )
            if not scores or scores[0][0] < ALIKE or (len(scores) > 1 and scores[0][0] - scores[1][0] < APART):
                return ""
            out += scores[0][1]
        return out
