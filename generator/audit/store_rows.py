"""Rows of the audit database as this tool writes them: keys, labels and places numbered once (remembered for the
connection), a place split into its shared part and the cell's own, and a version-2 file moved to compact rows."""

from __future__ import annotations

import re
import sqlite3

from generator.audit.store_schema import COMPACT, REVIEW_SCHEMA, VIEWS
from generator.format.model import Place

OWN_PLACE = ("page", "line", "char_offset", "bbox")
OFFSET = re.compile(r"第 (\d+) 字")  # how str(Place) says the offset, which version 2 kept only there


class Numbered:
    """Keys, labels and places numbered in the database, each looked up there once per connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.known: dict[tuple[str, object], int] = {}

    def forget(self) -> None:
        """After a rollback: numbers given in it are gone."""
        self.known.clear()

    def _number(self, table: str, column: str, value: str) -> int:
        found = self.known.get((table, value))
        if found is None:
            self.db.execute(f"INSERT OR IGNORE INTO {table} ({column}) VALUES (?)", (value,))
            row = self.db.execute(f"SELECT id FROM {table} WHERE {column} = ?", (value,)).fetchone()
            found = self.known[(table, value)] = int(row[0])
        return found

    def key(self, key: str) -> int:
        return self._number("keys", "key", key)

    def label(self, text: str) -> int:
        return self._number("labels", "text", text)

    def place(self, place: Place) -> tuple[object, ...]:
        """The place's number (its table, row, column, sheet and cell) and the cell's own page, line, offset and
        box: the columns place_id, page, line, char_offset, bbox."""
        label = self.label
        shared: tuple[object, ...] = (
            label(place.table),
            label(place.row),
            label(place.column),
            place.row_number,
            place.column_number,
        )
        shared += (label(place.sheet), place.cell, label(place.text))
        found = self.known.get(("places", shared))
        if found is None:
            names = "table_name, row_label, column_label, row_number, column_number, sheet, cell, place_text"
            where = " AND ".join(f"{name} = ?" for name in names.split(", "))
            self.db.execute(f"INSERT OR IGNORE INTO places ({names}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", shared)
            row = self.db.execute(f"SELECT id FROM places WHERE {where}", shared).fetchone()
            found = self.known[("places", shared)] = int(row[0])
        bbox = ",".join(f"{v:.2f}" for v in place.bbox) if place.bbox else ""
        return found, place.page, place.line, place.offset, bbox


def place_from(row: sqlite3.Row, offset: int | None = None) -> Place:
    """The place a row of a view (figures, texts, left_out, notes) gives (`offset`: a version-2 row's, which has no
    column for it)."""
    try:
        bbox = tuple(float(v) for v in row["bbox"].split(",")) if row["bbox"] else None
    except (ValueError, AttributeError):  # a box someone edited: the place without it
        bbox = None
    return Place(
        sheet=row["sheet"],
        cell=row["cell"],
        line=row["line"],
        page=row["page"],
        table=row["table_name"],
        row=row["row_label"],
        column=row["column_label"],
        text=row["place_text"],
        row_number=row["row_number"],
        column_number=row["column_number"],
        bbox=bbox if bbox and len(bbox) == 4 else None,  # type: ignore[arg-type]
        offset=row["char_offset"] if offset is None else offset,
    )


def _earlier_place(row: sqlite3.Row) -> Place:
    """A version-2 row's place, its offset read back from the place as text."""
    offset = OFFSET.search(row["place"]) if not row["sheet"] else None
    return place_from(row, int(offset.group(1)) if offset else 0)


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Each statement of `script` inside the open transaction (executescript would commit it first)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""


COPIES = (  # each earlier table, and its compact table's columns before the place's
    ("figures", "figure_rows (report_id, key_id, raw, semantic, value, is_group"),
    ("texts", "text_rows (report_id, key_id, text"),
    ("left_out", "left_out_rows (report_id, seq, keys, text, reason"),
    ("notes", "note_rows (report_id, seq, text, key, variant, raw"),
)


def _compact(numbered: Numbered, table: str, row: sqlite3.Row) -> tuple[object, ...]:
    """An earlier row's values for its compact table's columns, keys and labels by number."""
    own: tuple[object, ...]
    if table == "figures":
        own = (numbered.key(row["key"]), row["raw"], numbered.label(row["semantic"]), row["value"], row["is_group"])
    elif table == "texts":
        own = (numbered.key(row["key"]), row["text"])
    elif table == "left_out":
        own = (row["seq"], row["keys"], row["text"], numbered.label(row["reason"]))
    else:
        own = (row["seq"], row["text"], row["key"], row["variant"], row["raw"])
    return (row["report_id"], *own, *numbered.place(_earlier_place(row)))


def migrate(db: sqlite3.Connection) -> None:
    """A version-2 file's figures, texts, rows left out and notes moved to compact rows, a report at a time, within
    the caller's transaction (a failure leaves the file as it was); the views then read them by the earlier names."""
    numbered = Numbered(db)
    run_script(db, COMPACT)
    reports = [row[0] for row in db.execute("SELECT id FROM reports ORDER BY id")]
    for table, columns in COPIES:
        count = columns.count(",") + 1 + 5  # the place: place_id and the cell's own four
        insert = f"INSERT INTO {columns}, place_id, {', '.join(OWN_PLACE)}) VALUES ({', '.join('?' * count)})"
        for report_id in reports:
            rows = db.execute(f"SELECT * FROM {table} WHERE report_id = ?", (report_id,)).fetchall()
            db.executemany(insert, [_compact(numbered, table, row) for row in rows])
    for table, _ in COPIES:
        db.execute(f"DROP TABLE {table}")
    run_script(db, VIEWS)
    _allow_withdrawn(db)


def _allow_withdrawn(db: sqlite3.Connection) -> None:
    """The verdicts table made again with version 3's check (a correction may be withdrawn), its rows kept: SQLite
    changes no check in place."""
    (made,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'verdicts'").fetchone()
    if "withdrawn" in made:
        return
    verdicts = REVIEW_SCHEMA[REVIEW_SCHEMA.index("CREATE TABLE verdicts") : REVIEW_SCHEMA.index("CREATE INDEX")]
    db.execute(verdicts.replace("CREATE TABLE verdicts", "CREATE TABLE verdicts_3", 1))
    db.execute("INSERT INTO verdicts_3 SELECT * FROM verdicts")
    db.execute("DROP TABLE verdicts")
    db.execute("ALTER TABLE verdicts_3 RENAME TO verdicts")
    db.execute("CREATE INDEX verdicts_report ON verdicts (report_hash, finding_id)")
