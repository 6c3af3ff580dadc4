"""Narrative compared between two years, CJK-aware: sentence by sentence, then numbers and ASCII words whole,
every other character alone.

Splitting on whitespace would make a whole Chinese paragraph one "word"; splitting numbers into digits would
turn 120→135 into 1[20→35]. Tokens are therefore: a run of digits (with inner . and ,), a run of ASCII
letters, a run of whitespace, or any other single character (a Chinese character, a punctuation mark).
Sentences (up to 。！？； or a line break) are matched first: a sentence more than half rewritten is shown
as one replaced sentence, not as fragments interleaved with the few characters it happens to share.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

Op = Literal["equal", "delete", "insert"]

TOKEN = re.compile(r"\d(?:[\d.,]*\d)?|[A-Za-z]+|\s+|.", re.DOTALL)

# An unchanged stretch this short (in tokens) between two changes is folded into them, so a rewritten
# sentence reads as one deletion and one insertion instead of a comb of single shared characters (的, ，).
# It is kept next to a change of one number or word: 162232→202785）；加大 keeps its ）； and stays readable.
SHORT_EQUAL = 2
ATOM = re.compile(r"[0-9A-Za-z]")
SENTENCE = re.compile(r"[^。！？；!?;\n]*[。！？；!?;]+[”’」』）)]*|[^。！？；!?;\n]+|\n+")
REWRITTEN = 0.5  # share of last year's sentence replaced above which the sentence is shown replaced whole


@dataclass(frozen=True)
class Segment:
    """A stretch of text that both years share (equal), only last year had (delete) or only this year has."""

    op: Op
    text: str


def tokenize(text: str) -> list[str]:
    """'受理申请120件，共 3,017 条' -> ['受', '理', '申', '请', '120', '件', '，', '共', ' ', '3,017', ' ', '条']."""
    return TOKEN.findall(text)


def _atomic(code: tuple[str, int, int, int, int], old: list[str], new: list[str]) -> bool:
    """A change of at most one number or ASCII word on each side."""
    _, i1, i2, j1, j2 = code
    changed = old[i1:i2] + new[j1:j2]
    return i2 - i1 <= 1 and j2 - j1 <= 1 and all(ATOM.match(token) for token in changed)


def _opcodes(old: list[str], new: list[str]) -> list[tuple[str, int, int, int, int]]:
    # autojunk off: in Chinese text the commonest characters (的, ，) would otherwise be ignored as junk.
    codes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    merged: list[tuple[str, int, int, int, int]] = []
    for index, code in enumerate(codes):
        tag, i1, i2, j1, j2 = code
        if tag == "equal":
            following = codes[index + 1] if index + 1 < len(codes) else None
            fold = (
                merged
                and following is not None
                and i2 - i1 <= SHORT_EQUAL
                and not _atomic(merged[-1], old, new)
                and not _atomic(following, old, new)
                and "\n" not in "".join(old[i1:i2])
            )
            if not fold:
                merged.append(code)
                continue
        if merged and merged[-1][0] == "replace":
            _, a1, _, b1, _ = merged[-1]
            merged[-1] = ("replace", a1, i2, b1, j2)
        else:
            merged.append(("replace", i1, i2, j1, j2))
    return merged


def sentences(text: str) -> list[str]:
    """'一是加强。二是完善；\n三是' -> ['一是加强。', '二是完善；', '\n', '三是'] (joined, the text again)."""
    return SENTENCE.findall(text)


def _rewritten(old: list[str], new: list[str]) -> float:
    """The share of last year's tokens (spaces aside) that this year's sentence does not keep."""
    kept = sum(size for _, _, size in difflib.SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks())
    spaces = sum(1 for token in old if token.isspace())
    return 1 - (kept - spaces) / max(len(old) - spaces, 1)


def diff_text(old: str, new: str) -> tuple[Segment, ...]:
    """Segments in reading order; a replacement is its deletion followed by its insertion."""
    segments: list[Segment] = []

    def add(op: Op, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if segments and segments[-1].op == op:
            segments[-1] = Segment(op, segments[-1].text + text)
        elif op == "delete" and len(segments) > 1 and segments[-1].op == "insert" and segments[-2].op == "delete":
            # a replacement right after a replacement: one deletion, then one insertion
            segments[-2] = Segment("delete", segments[-2].text + text)
        else:
            segments.append(Segment(op, text))

    def compare(a: list[str], b: list[str]) -> None:
        for tag, i1, i2, j1, j2 in _opcodes(a, b):
            if tag == "equal":
                add("equal", a[i1:i2])
            else:
                add("delete", a[i1:i2])
                add("insert", b[j1:j2])

    old_sentences, new_sentences = sentences(old), sentences(new)
    matcher = difflib.SequenceMatcher(None, old_sentences, new_sentences, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", old_sentences[i1:i2])
            continue
        pairs = list(zip(old_sentences[i1:i2], new_sentences[j1:j2], strict=False))
        for before, after in pairs:
            a, b = tokenize(before), tokenize(after)
            if before.strip() and after.strip() and _rewritten(a, b) <= REWRITTEN:
                compare(a, b)
            else:
                add("delete", [before])
                add("insert", [after])
        add("delete", old_sentences[i1 + len(pairs) : i2])
        add("insert", new_sentences[j1 + len(pairs) : j2])
    return tuple(segments)


def changed(segments: tuple[Segment, ...]) -> bool:
    return any(s.op != "equal" for s in segments)


def count_changes(segments: tuple[Segment, ...]) -> int:
    """How many places changed: a deletion directly followed by its insertion is one change."""
    count, previous = 0, "equal"
    for segment in segments:
        if segment.op != "equal" and not (segment.op == "insert" and previous == "delete"):
            count += 1
        previous = segment.op
    return count


def as_text(segments: tuple[Segment, ...]) -> str:
    """Word-diff notation for a terminal: [-last year's-]{+this year's+}."""
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[s.op].format(s.text) for s in segments)
