"""The audit's memory: an SQLite database of reports (source, hash, body, year), every figure with its meaning and
evidence, the texts, the rows left out, and the findings — so next year's audit sees this year's figures.

A report is its file's content (a SHA-256 hash): auditing the same file again adds no row. Its figures are compact
rows, keys, labels and places numbered once (store_schema, store_rows). The schema's version is the database's
`user_version`; `application_id` marks the file as this tool's.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from generator.audit.record import ReportRecord
from generator.audit.store_rows import OWN_PLACE, Numbered, migrate, place_from, run_script
from generator.audit.store_schema import (
    APPLICATION_ID,
    EARLIER_TABLES,
    REPORT_TABLES,
    REVIEW_SCHEMA,
    RUN_REPORTS,
    SCHEMA,
    SCHEMA_VERSION,
    TABLES,
)
from generator.checks.findings import Finding
from generator.exceptions import InputError, OutputError
from generator.format import bodies, schema
from generator.format.model import NOWHERE, Number, ReadProblem
from generator.importers.base import Evidence, LeftOut

WITHDRAWN = "withdrawn"  # a verdict that takes a correction back: the figure as read holds again
BUSY_SECONDS = 120.0  # how long a write waits for another audit's transaction on the same database
IN_RUN = "id IN (SELECT report_id FROM run_reports WHERE run = ?)"


# What typeof() may say of a column, by its declared type (NULL where the schema allows none is refused by SQLite).
TYPE_OF = {
    "INTEGER": ("integer", "null"),
    "TEXT": ("text", "null"),
    "NUMERIC": ("integer", "real", "null"),
}
SANITY = (
    ("SELECT id FROM reports WHERE status NOT IN ('passed', 'failed', 'unreadable')", "reports.status"),
    ("SELECT report_id FROM findings WHERE severity NOT IN ('error', 'warning')", "findings.severity"),
    ("SELECT report_id FROM findings WHERE NOT json_valid(params)", "findings.params"),
    ("SELECT report_id FROM figure_rows WHERE bbox != '' AND bbox NOT GLOB '*,*,*,*'", "figures.bbox"),
)
OWN_NAMES = ", ".join(OWN_PLACE)


class DamagedDatabase(InputError):
    """The tool's database with its tables missing: the audit goes on without it, saying so."""


@dataclass(frozen=True)
class StoredReport:
    """A report's row: what the outputs list."""

    id: int
    hash: str
    source: str
    name: str
    file_type: str
    body: str
    body_kind: str
    year: int | None
    figures_found: int
    status: str
    message: str
    errors: int
    warnings: int
    previous_id: int | None
    body_key: str = ""


REPORT_COLUMNS = "id, hash, source, name, file_type, body, body_kind, year, figures_found, status, message, errors, "
REPORT_COLUMNS += "warnings, previous_id, body_key"


def label_of(key: str) -> str:
    """A key's Chinese name: a figure's label, or a metadata or narrative field's ("narrative.problems" -> its
    section's name)."""
    figure = schema.figures().get(key)
    return figure.label if figure else next((f.label for f in schema.text_fields() if f.key == key), key)


def body_key(body: str) -> str:
    return bodies.body_key(body)


def _number_text(value: object) -> str | None:
    return None if value is None else format(value, "f") if not isinstance(value, int) else str(value)


class Store:
    """The database, open for one audit; `with Store(path) as store:` commits at the end (or on each `commit`)."""

    def __init__(self, path: Path, tool_version: str, readonly: bool = False) -> None:
        """Open (or create) the database; `readonly` for a worker that only reads what the run has committed."""
        self.path, self.tool_version = path, tool_version
        self.began = 0.0
        try:
            if readonly:
                self.db = sqlite3.connect(
                    f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, timeout=BUSY_SECONDS
                )
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                # transactions as `whole` and `commit` say; another audit's writes are waited for
                self.db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_SECONDS)
        except (OSError, sqlite3.Error) as err:
            raise OutputError(f"无法打开审查数据库 {path}：{err}") from err
        self.db.row_factory = sqlite3.Row
        self.numbered = Numbered(self.db)
        if readonly:
            return
        try:
            self._prepare()
        except sqlite3.DatabaseError as err:
            self.db.close()
            raise InputError(f"{path}：不是 SQLite 数据库，或文件已损坏（{err}）。请换一个 --db 文件。") from err
        except BaseException:
            self.db.close()
            raise

    def _prepare(self) -> None:
        """Creates the tables of a new file, or checks an existing one's, holding the write lock: an audit started
        at the same moment on the same new file waits, then finds it made (not half made, with no id yet)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            moved = self._check_or_create()
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        if moved:  # the earlier rows' pages given back: a 2,000-report file goes from 85 MB to 11 MB
            self.db.execute("PRAGMA busy_timeout = 1000")
            with contextlib.suppress(sqlite3.OperationalError):  # another audit has it open: it stays as large
                self.db.execute("VACUUM")
            self.db.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA synchronous = NORMAL")

    def _check_or_create(self) -> bool:
        """True when an earlier version's file was moved to compact rows."""
        application = self.db.execute("PRAGMA application_id").fetchone()[0]
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        tables = self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if application == 0 and version == 0 and tables == 0:  # a new, empty file
            run_script(self.db, SCHEMA)
            self.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        elif application != APPLICATION_ID:
            raise InputError(
                f"{self.path}：不是本工具的审查数据库（其中已有别的数据表），为免破坏原有数据，未写入。请换一个 --db 文件。"
            )
        elif version > SCHEMA_VERSION:
            raise InputError(
                f"{self.path}：审查数据库由更新版本的 generate-report 创建（数据库版本 {version}，"
                f"本程序只认识到版本 {SCHEMA_VERSION}），请升级 generate-report 后再用它，或换一个 --db 文件。"
            )
        else:
            names = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            expected = TABLES if version == SCHEMA_VERSION else EARLIER_TABLES
            if missing := [table for table in expected if table not in names]:
                raise DamagedDatabase(f"{self.path}：审查数据库已损坏（缺少数据表 {'、'.join(missing)}）")
            try:
                run_script(self.db, RUN_REPORTS)  # a database made before runs were listed gets the list
                if version == 1:  # a version-1 database gains the review's tables
                    run_script(self.db, REVIEW_SCHEMA)
                if version < 3:  # figures once per report, as compact rows: in this same transaction
                    migrate(self.db)
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            except sqlite3.Error as err:  # the transaction is rolled back: the file is as it was
                raise OutputError(
                    f"{self.path}：审查数据库从版本 {version} 升级到版本 {SCHEMA_VERSION} 时出错（{err}），"
                    "文件保持原样，没有改动。请检查磁盘空间和文件权限后重试。"
                ) from err
            return version < 3
        return False

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        try:
            self.commit()  # what was finished stays, even after Ctrl-C: each report is whole or absent
        finally:
            self.db.close()

    def commit(self) -> None:
        if self.db.in_transaction:
            self.db.execute("COMMIT")

    def open_for(self) -> float:
        """Seconds the current write transaction has been open (0 when none is): another audit on the same
        database waits that long."""
        return time.monotonic() - self.began if self.db.in_transaction else 0.0

    @contextmanager
    def whole(self) -> Iterator[None]:
        """Writes that land together or not at all (a report, its figures and its findings), within the run's
        open transaction, which `commit` ends every so often."""
        if not self.db.in_transaction:  # the write lock at once, waiting for another audit's: never a deadlock
            self.db.execute("BEGIN IMMEDIATE")
            self.began = time.monotonic()
        self.db.execute("SAVEPOINT whole")
        try:
            yield
        except BaseException:  # Ctrl-C half-way through a report: none of it stays
            self.numbered.forget()
            self.db.execute("ROLLBACK TO whole")
            self.db.execute("RELEASE whole")
            raise
        self.db.execute("RELEASE whole")

    # --- writing ------------------------------------------------------------------------------

    def begin_run(self) -> int:
        """The number of this audit run (reports it sees are listed under it), taken in a transaction of its own
        that holds the write lock from the start: two audits started together get two numbers."""
        self.commit()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            row = self.db.execute("SELECT value FROM state WHERE name = 'last_run'").fetchone()
            last = int(row["value"]) if row and str(row["value"]).isdigit() else 0
            seen = self.db.execute("SELECT max(run) FROM run_reports").fetchone()[0]  # a tampered counter aside
            run = max(last, seen if isinstance(seen, int) else 0) + 1
            self.db.execute("INSERT OR REPLACE INTO state (name, value) VALUES ('last_run', ?)", (str(run),))
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        return run

    def known(self, content_hash: str) -> int | None:
        """The report with this content, read by this version of the tool; None if it must be read (again)."""
        row = self.db.execute("SELECT id, tool_version FROM reports WHERE hash = ?", (content_hash,)).fetchone()
        if row is None:
            return None
        if row["tool_version"] != self.tool_version:  # read by another version: read it again, replacing it
            with self.whole():
                self.db.execute("DELETE FROM reports WHERE id = ?", (row["id"],))
            return None
        return int(row["id"])

    def see(self, report_id: int, source: str, run: int) -> None:
        with self.whole():
            self.db.execute("UPDATE reports SET source = ?, seen = ? WHERE id = ?", (source, run, report_id))
            self._list(run, report_id)

    def unlist(self, run: int, report_id: int) -> None:
        """The report no longer among those the run saw (it is another file of a report the run counts)."""
        with self.whole():
            self.db.execute("DELETE FROM run_reports WHERE run = ? AND report_id = ?", (run, report_id))

    def _list(self, run: int, report_id: int) -> None:
        self.db.execute("INSERT OR IGNORE INTO run_reports (run, report_id) VALUES (?, ?)", (run, report_id))

    def add(
        self, content_hash: str, source: str, kind: str, record: ReportRecord, run: int, values: Mapping[str, Number]
    ) -> int:
        """A report read, with all it printed (`values`: each figure that parsed); its findings follow with
        `set_findings`."""
        with self.whole():
            cursor = self.db.execute(
                "INSERT INTO reports (hash, source, name, file_type, body, body_key, body_kind, year, figures_found, "
                "status, workbook, tool_version, seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'passed', ?, ?, ?)",
                (
                    content_hash,
                    source,
                    record.name,
                    kind,
                    record.body,
                    body_key(record.body),
                    record.body_kind,
                    record.year,
                    record.figures_found(),
                    int(record.workbook),
                    self.tool_version,
                    run,
                ),
            )
            report_id = int(cursor.lastrowid or 0)
            self._list(run, report_id)
            figures, place = schema.figures(), self.numbered.place
            key, label = self.numbered.key, self.numbered.label
            self.db.executemany(
                f"INSERT INTO figure_rows (report_id, key_id, raw, semantic, value, is_group, place_id, {OWN_NAMES}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        report_id,
                        key(c.key),
                        c.raw,
                        label(c.semantic),
                        _number_text(values.get(c.key) if c.key in figures else c.value),
                        int(c.key not in figures),
                        *place(c.place),
                    )
                    for c in record.cells
                ],
            )
            self.db.executemany(
                f"INSERT INTO text_rows (report_id, key_id, text, place_id, {OWN_NAMES}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(report_id, key(t.key), t.raw, *place(t.place)) for t in record.texts],
            )
            self.db.executemany(
                f"INSERT INTO left_out_rows (report_id, seq, keys, text, reason, place_id, {OWN_NAMES}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (report_id, n, " ".join(item.keys), item.text, label(item.reason), *place(item.place))
                    for n, item in enumerate(record.left_out, 1)
                ],
            )
            notes = [(note, "", "", "", NOWHERE) for note in record.notes]
            notes += [("", hint.key, hint.variant, hint.raw, hint.place) for hint in record.hints]
            self.db.executemany(
                f"INSERT INTO note_rows (report_id, seq, text, key, variant, raw, place_id, {OWN_NAMES}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(report_id, n, *note[:4], *place(note[4])) for n, note in enumerate(notes, 1)],
            )
            return report_id

    def add_unreadable(self, content_hash: str, source: str, name: str, kind: str, message: str, run: int) -> int:
        with self.whole():
            cursor = self.db.execute(
                "INSERT INTO reports (hash, source, name, file_type, status, message, tool_version, seen) "
                "VALUES (?, ?, ?, ?, 'unreadable', ?, ?, ?)",
                (content_hash, source, name, kind, message, self.tool_version, run),
            )
            self._list(run, int(cursor.lastrowid or 0))
            return int(cursor.lastrowid or 0)

    def set_findings(
        self, report_id: int, findings: Iterable[Finding], across: Iterable[Finding] = (), previous: int | None = None
    ) -> None:
        """Replace a report's findings (`across`: those found against last year's report `previous`)."""
        with self.whole():
            across = set(across)
            rows = [
                (
                    report_id,
                    n,
                    f.code,
                    f.severity,
                    f.key,
                    " ".join(f.keys or (f.key,)),
                    f.message,
                    f.location,
                    _number_text(f.expected),
                    _number_text(f.actual),
                    f.variant,
                    json.dumps(dict(f.params), ensure_ascii=False, sort_keys=True),
                    int(f in across),
                )
                for n, f in enumerate(findings, 1)
            ]
            errors = sum(1 for row in rows if row[3] == "error")
            self.db.execute("DELETE FROM findings WHERE report_id = ?", (report_id,))
            self.db.executemany(f"INSERT INTO findings VALUES ({', '.join('?' * 13)})", rows)
            self.db.execute(
                "UPDATE reports SET status = ?, errors = ?, warnings = ?, previous_id = ? WHERE id = ?",
                ("failed" if errors else "passed", errors, len(rows) - errors, previous, report_id),
            )

    def set_aside_tampered(self) -> str:
        """Removes the reports whose rows someone changed into what this tool never writes (a year that is no
        number, a figure's value that is text, a status or severity it does not know, parameters that are no
        JSON), and says so in one line ("" when there were none): they would be read as if true, or stop the
        audit. Their files are read afresh when next audited."""
        found: dict[int, str] = {}
        for table in REPORT_TABLES:  # one pass over each table
            owner = "id" if table == "reports" else "report_id"
            wrong: dict[str, str] = {}
            for column in self.db.execute(f"PRAGMA table_info({table})").fetchall():
                allowed = TYPE_OF.get(column["type"].upper())
                if table != "reports" and column["type"].upper() == "TEXT":
                    continue  # TEXT affinity turns numbers into text: only a blob differs there, and reads as one
                if allowed is not None and column["name"] != owner:
                    kinds = ", ".join(f"'{kind}'" for kind in allowed)
                    wrong[column["name"]] = f"typeof({column['name']}) NOT IN ({kinds})"
            if not wrong:
                continue
            which = " ".join(f"WHEN {test} THEN '{table}.{name}'" for name, test in wrong.items())
            query = f"SELECT {owner}, CASE {which} END FROM {table} WHERE {' OR '.join(wrong.values())}"
            for row in self.db.execute(query):
                found.setdefault(row[0], row[1])
        for query, where in SANITY:
            for row in self.db.execute(query):
                found.setdefault(row[0], where)
        found = {key: where for key, where in found.items() if isinstance(key, int)}
        if not found:
            return ""
        first = min(found)
        name = self.db.execute("SELECT name FROM reports WHERE id = ?", (first,)).fetchone()
        with self.whole():
            self.db.executemany("DELETE FROM reports WHERE id = ?", [(key,) for key in found])
        self.commit()
        which = f"{name[0] if name else first} 的 {found[first]}"
        return (
            f"{self.path}：审查数据库中有 {len(found)} 份报告的记录被改动过（如 {which}），已从数据库中移除；"
            "这些报告的文件再次审查时会重新读取。"
        )

    # --- reading ------------------------------------------------------------------------------

    def report(self, report_id: int) -> StoredReport:
        row = self.db.execute(f"SELECT {REPORT_COLUMNS} FROM reports WHERE id = ?", (report_id,)).fetchone()
        return StoredReport(**dict(row))

    def reports(self, run: int) -> Iterator[StoredReport]:
        """The reports a run saw, by body, year and source."""
        query = f"SELECT {REPORT_COLUMNS} FROM reports WHERE {IN_RUN} ORDER BY body_key = '', body_key, year, source"
        for row in self.db.execute(query, (run,)):
            yield StoredReport(**dict(row))

    def unread_count(self, report_id: int) -> int:
        """Cells of the report this tool could not settle (never counted against the body)."""
        query = "SELECT count(*) FROM figures WHERE report_id = ? AND semantic = 'unread'"
        return int(self.db.execute(query, (report_id,)).fetchone()[0])

    def located_findings(self, report_id: int) -> Iterator[dict[str, object]]:
        """The report's findings as scripts read them, each with its figure's place as fields (`source`)."""
        rows = self.db.execute(
            "SELECT f.code, f.severity, f.key, f.message, f.location, g.* FROM findings f "
            "LEFT JOIN figures g ON g.report_id = f.report_id AND g.key = f.key WHERE f.report_id = ? ORDER BY f.seq",
            (report_id,),
        )
        for row in rows.fetchall():
            found = {name: row[name] for name in ("code", "severity", "key", "message", "location")}
            # A figure's cell; for metadata or a section, the field it is about (a page prints no cell for it).
            found["source"] = place_from(row).to_dict() if row["raw"] is not None else {"field": label_of(row["key"])}
            yield found

    def previous_of(self, report: StoredReport) -> int | None:
        """The same body's report of the year before (the one seen last, if several)."""
        if not report.body_key or report.year is None:
            return None
        row = self.db.execute(
            "SELECT id FROM reports WHERE body_key = ? AND year = ? AND status != 'unreadable' "
            "ORDER BY seen DESC, id DESC LIMIT 1",
            (report.body_key, report.year - 1),
        ).fetchone()
        return int(row["id"]) if row else None

    def record(self, report_id: int) -> ReportRecord:
        """A report rebuilt from what the database holds, exactly as it was read."""
        head = self.db.execute("SELECT name, workbook FROM reports WHERE id = ?", (report_id,)).fetchone()
        cells = tuple(
            Evidence(row["key"], row["raw"], row["semantic"], place_from(row))
            for row in self.db.execute("SELECT * FROM figures WHERE report_id = ? ORDER BY key", (report_id,))
        )
        texts = tuple(
            Evidence(row["key"], row["text"], "text", place_from(row))
            for row in self.db.execute("SELECT * FROM texts WHERE report_id = ?", (report_id,))
        )
        left_out = tuple(
            LeftOut(tuple(row["keys"].split()), row["text"], row["reason"], place_from(row))
            for row in self.db.execute("SELECT * FROM left_out WHERE report_id = ? ORDER BY seq", (report_id,))
        )
        noticed = self.db.execute("SELECT * FROM notes WHERE report_id = ? ORDER BY seq", (report_id,)).fetchall()
        notes = tuple(row["text"] for row in noticed if not row["variant"])
        hints = tuple(
            ReadProblem(row["key"], row["variant"], place_from(row), row["raw"]) for row in noticed if row["variant"]
        )
        return ReportRecord(head["name"], cells, texts, left_out, notes, bool(head["workbook"]), hints)

    # --- review -------------------------------------------------------------------------------

    def add_verdict(self, verdict: Mapping[str, object], read_raw: str) -> bool:
        """Record a reviewer's verdict (a row of `verdicts`; a 更正值 also as the figure's next version), unless it
        says what the finding's last verdict says already. True when recorded."""
        last = self.db.execute(
            "SELECT verdict, note, corrected FROM verdicts WHERE report_hash = ? AND finding_id = ? "
            "ORDER BY seq DESC LIMIT 1",
            (verdict["report_hash"], verdict["finding_id"]),
        ).fetchone()
        if last is not None and tuple(last) == (verdict["verdict"], verdict["note"], verdict["corrected"]):
            return False
        if verdict["verdict"] == WITHDRAWN and not self._corrected(str(verdict["report_hash"]), str(verdict["key"])):
            return False  # nothing to withdraw
        names = list(verdict)
        with self.whole():
            cursor = self.db.execute(
                f"INSERT INTO verdicts ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [verdict[name] for name in names],
            )
            if verdict["corrected"] is not None or verdict["verdict"] == WITHDRAWN:
                self.db.execute(
                    "INSERT INTO corrections (report_hash, key, version, value, read_raw, verdict_seq) "
                    "SELECT ?, ?, coalesce(max(version), 0) + 1, ?, ?, ? FROM corrections "
                    "WHERE report_hash = ? AND key = ?",
                    (
                        verdict["report_hash"],
                        verdict["key"],
                        verdict["corrected"] or "",  # '' when withdrawn
                        read_raw,
                        cursor.lastrowid,
                        verdict["report_hash"],
                        verdict["key"],
                    ),
                )
        return True

    def _corrected(self, report_hash: str, key: str) -> bool:
        """True when the figure's last version is a correction that holds (not one withdrawn)."""
        row = self.db.execute(
            "SELECT value FROM corrections WHERE report_hash = ? AND key = ? ORDER BY version DESC LIMIT 1",
            (report_hash, key),
        ).fetchone()
        return row is not None and row["value"] != ""

    def verdicts(self, report_hash: str) -> dict[str, sqlite3.Row]:
        """The last verdict on each finding of a report's content, by finding id."""
        rows = self.db.execute("SELECT * FROM verdicts WHERE report_hash = ? ORDER BY seq", (report_hash,))
        return {row["finding_id"]: row for row in rows}

    def corrections(self, report_id: int) -> dict[str, str]:
        """Each corrected figure of a report, its last version's value, by key."""
        rows = self.db.execute(
            "SELECT c.key, c.value FROM corrections c JOIN reports r ON r.hash = c.report_hash "
            "WHERE r.id = ? ORDER BY c.version",
            (report_id,),
        )
        last = {row["key"]: row["value"] for row in rows}
        return {key: value for key, value in last.items() if value != ""}  # '' : the correction was withdrawn

    def set_states(self, report_id: int, states: Iterable[tuple[int, str, str]]) -> None:
        """Replace the report's findings' states: (seq, finding id, verdict) for each finding with a verdict."""
        with self.whole():
            self.db.execute("DELETE FROM finding_states WHERE report_id = ?", (report_id,))
            self.db.executemany(
                "INSERT INTO finding_states (report_id, seq, finding_id, verdict) VALUES (?, ?, ?, ?)",
                [(report_id, *state) for state in states],
            )

    def set_counts(self, report_id: int, errors: int, warnings: int) -> None:
        """The report's status and counts from the findings that count against it (a false alarm does not)."""
        with self.whole():
            self.db.execute(
                "UPDATE reports SET status = ?, errors = ?, warnings = ? WHERE id = ?",
                ("failed" if errors else "passed", errors, warnings, report_id),
            )
