"""The arithmetic proof-reads a scan's figures: a figure the OCR engine read is kept only where the one-year
relations it takes part in vouch for it (one holds, and any that fails has another cell to blame), after each
failing relation took the one other reading of one of its cells that makes it hold, when exactly one does; a
figure in no relation (table 二) is kept only when at least two readings give it and none gives another, and its
evidence says so (check "agreement"). Any other cell is unread, at
its place on the page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from generator.format import relations, schema
from generator.format.cells import parse_figure, semantic
from generator.importers.base import NO_VALUE, Evidence, ImportResult, Line

Value = relations.Value
NOTE = "扫描件：表中 {kept} 个数字由文字识别读出，并经表内勾稽关系（不在任何关系中的，经几次识别一致）核对后采用；{unread} 格无法确认，已标为未读，请对照原件填写。"


def _readings(lines: Sequence[Line]) -> dict[tuple[int, tuple[float, ...]], tuple[str, ...]]:
    found = {}
    for line in lines:
        for box, options in zip(line.boxes, line.readings, strict=False):
            if box is not None and options:
                found[line.place.page, tuple(box)] = options
    return found


def _candidates(key: str, options: Sequence[str]) -> list[tuple[str, Value]]:
    """The distinct figures among a cell's readings, the first reading's first (the reader puts its best
    first), then the one most readings give, each with the text most readings give for it ("0" rather than a
    pass's "00")."""
    kind = schema.figures()[key].kind
    texts: dict[Value, list[str]] = {}
    for raw in options:
        value = parse_figure(raw, kind).value
        if value is not None:
            texts.setdefault(value, []).append(raw)
    first = parse_figure(options[0], kind).value if options else None
    ranked = sorted(texts.items(), key=lambda item: (item[0] != first, -len(item[1])))  # stable: passes' order
    return [(max(raws, key=raws.count), value) for value, raws in ranked]


def _agree(key: str, options: Sequence[str]) -> bool:
    """Whether the readings that give a figure give the same one, and at least two do (one pass that read
    nothing in a faint cell is no disagreement; two that read differently are)."""
    kind = schema.figures()[key].kind
    values = [parse_figure(raw, kind).value for raw in options if raw]
    return len(values) == len([raw for raw in options if raw]) >= 2 and len(set(values)) == 1


def _settled(involved: dict[str, list[relations.Relation]], values: dict[str, Value]) -> set[str]:
    """The figures the arithmetic vouches for: at least one of a figure's relations holds, and each of its
    relations that fails (or cannot be summed) has another cell to blame, one none of whose relations holds (a
    misread cell breaks its row and its column alike)."""
    state = {key: [relations.holds(r, values) for r in rules] for key, rules in involved.items()}
    suspects = {key for key, results in state.items() if True not in results}
    settled = set()
    for key, rules in involved.items():
        if key not in values or True not in state[key]:
            continue
        blamed = all(
            any(other in suspects and other != key or other not in values for other in rule.keys)
            for rule, result in zip(rules, state[key], strict=True)
            if result is not True
        )
        if blamed:
            settled.add(key)
    return settled


def proofread(result: ImportResult, lines: Sequence[Line]) -> ImportResult:
    """The import with each OCR-read figure kept, corrected by its one other reading that the relations accept,
    or unread."""
    readings = _readings(lines)
    read: dict[str, list[tuple[str, Value]]] = {}
    agreed: dict[str, bool] = {}
    for key, found in result.evidence.items():
        bbox = found.place.bbox
        options = readings.get((found.place.page, tuple(bbox))) if bbox else None
        if key in schema.figures() and options:
            read[key] = _candidates(key, options)
            agreed[key] = _agree(key, options)
    current = {key: options[0][1] for key, options in read.items() if options}
    involved = {key: [r for r in relations.single_year() if key in r.keys] for key in read}

    def kept(key: str, values: dict[str, Value]) -> bool:
        """Whether no relation of the cell that held fails with its new value (one still failing may wait for
        another misread cell of its own: a column with two rows misread)."""
        return all(relations.holds(r, values) is True or relations.holds(r, current) is not True for r in involved[key])

    chosen = {key: options[0][0] for key, options in read.items() if options}
    for _ in range(len(read)):  # each round settles at least one cell, or stops
        changed = False
        failing = [r for r in relations.single_year() if relations.holds(r, current) is not True]
        for relation in failing:
            fixes = [
                (key, raw, value)
                for key in relation.keys
                if key in read
                for raw, value in read[key]
                if current.get(key) != value
                and relations.holds(relation, {**current, key: value}) is True
                and kept(key, {**current, key: value})
            ]
            if len(fixes) == 1:
                key, raw, value = fixes[0]
                current[key], chosen[key] = value, raw
                changed = True
        if not changed:
            break
    settled = _settled(involved, current)
    values = dict(result.values)
    evidence = dict(result.evidence)
    for key, found in result.evidence.items():  # a figure's cell on the scan that gave no figure to read
        if key in schema.figures() and key not in read and found.place.bbox and found.semantic not in NO_VALUE:
            values.pop(key, None)
            evidence[key] = Evidence(key, "", "unread", found.place)
    for key in read:
        found = evidence[key]
        if key in current and (key in settled if involved[key] else agreed[key]):
            kind = schema.figures()[key].kind
            values[key] = chosen[key]
            check = "arithmetic" if involved[key] else "agreement"
            evidence[key] = replace(found, raw=chosen[key], semantic=semantic(chosen[key], kind), check=check)
        else:
            values.pop(key, None)
            evidence[key] = Evidence(key, "", "unread", found.place)
    unread = sum(1 for key in schema.figures() if key in evidence and evidence[key].semantic == "unread")
    note = NOTE.format(kept=sum(1 for k in read if evidence[k].semantic != "unread"), unread=unread)
    return replace(result, values=values, evidence=evidence, notes=(*result.notes, note))
