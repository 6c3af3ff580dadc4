"""The database stores a figure once per report version, as compact rows: at most 10 KB a report over a region's
published pages; a version-2 file (made by the tool before compact rows, tests/fixtures/audit-v2.sqlite.gz) moves
to them in one transaction, every figure, place, verdict and correction kept, and a failure half-way leaves it as
it was."""

from __future__ import annotations

import contextlib
import gzip
import sqlite3
from pathlib import Path

import pytest
from synthetic import published_page, synthetic_values

import generator
from generator.audit import store_rows
from generator.audit.store import Store
from generator.exceptions import OutputError
from generator.importers.html import read_html

FIXTURE = Path(__file__).parent / "fixtures" / "audit-v2.sqlite.gz"
BUDGET = 10 * 1024  # bytes a report


def rows(database: Path, query: str, *params: object) -> list[tuple]:
    with contextlib.closing(sqlite3.connect(database)) as db:
        return db.execute(query, params).fetchall()


def version_2(folder: Path) -> Path:
    """The fixture: three reports (a web page with a broken total, a workbook's CSV, a pasted text), audited by
    the tool of schema version 2, with three verdicts (属实, 已更正 to 12, 误报)."""
    database = folder / "审查.sqlite"
    database.write_bytes(gzip.decompress(FIXTURE.read_bytes()))
    return database


PLACE = "page, line, table_name, row_label, column_label, row_number, column_number, bbox, sheet, cell, place_text"
FIGURES = f"SELECT report_id, key, raw, semantic, value, is_group, {PLACE} FROM figures ORDER BY report_id, key"
EVERY_FIGURE = "SELECT * FROM figures ORDER BY report_id, key"
TEXTS = f"SELECT report_id, key, text, {PLACE} FROM texts ORDER BY report_id, key"
REVIEW = (
    "SELECT * FROM verdicts ORDER BY seq",
    "SELECT * FROM corrections ORDER BY report_hash, key, version",
    "SELECT * FROM finding_states ORDER BY report_id, seq",
    "SELECT * FROM findings ORDER BY report_id, seq",
    "SELECT * FROM reports ORDER BY id",
)


def test_a_version_2_file_moves_to_compact_rows_keeping_every_figure_and_verdict(tmp_path):
    database = version_2(tmp_path)
    assert rows(database, "PRAGMA user_version") == [(2,)]
    figures, texts = rows(database, FIGURES), rows(database, TEXTS)
    places = rows(database, "SELECT report_id, key, place FROM figures ORDER BY report_id, key")
    review = [rows(database, query) for query in REVIEW]
    assert len(figures) == 600 and len(texts) == 32 and [len(r) for r in review[:3]] == [3, 1, 1]
    size = database.stat().st_size
    with Store(database, "x") as store:
        assert store.begin_run() == 3
    assert rows(database, "PRAGMA freelist_count") == [(0,)] and database.stat().st_size < size  # pages given back
    with Store(database, "x") as store:
        shown = [
            (row["report_id"], row["key"], str(store_rows.place_from(row))) for row in store.db.execute(EVERY_FIGURE)
        ]
        corrected = store.corrections(1)
    assert rows(database, "PRAGMA user_version") == [(3,)]
    assert rows(database, FIGURES) == figures and rows(database, TEXTS) == texts
    assert shown == places  # the place as messages print it, from its parts
    assert [rows(database, query) for query in REVIEW] == review
    assert corrected == {"t3.granted.total": "12"}
    tables = {name for (name,) in rows(database, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"figure_rows", "keys", "labels", "places"} <= tables and "figures" not in tables
    (made,) = rows(database, "SELECT sql FROM sqlite_master WHERE name = 'verdicts'")[0]
    assert "'withdrawn'" in made  # a correction may be withdrawn
    (keys,) = rows(database, "SELECT count(*) FROM keys")[0]
    assert keys == len({key for _, key, *_ in figures} | {key for _, key, *_ in texts})
    with Store(database, "x") as store:  # opened again: version 3, nothing to move
        assert store.begin_run() == 4
    assert rows(database, FIGURES) == figures


def test_a_version_2_file_the_move_fails_half_way_is_left_as_it_was(tmp_path, monkeypatch):
    database = version_2(tmp_path)
    before = database.read_bytes()
    calls = []

    def failing(numbered, table, row):
        calls.append(table)
        if table == "texts":
            raise sqlite3.OperationalError("disk I/O error")
        return compact(numbered, table, row)

    compact = store_rows._compact
    monkeypatch.setattr(store_rows, "_compact", failing)
    with pytest.raises(
        OutputError, match="审查.sqlite：审查数据库从版本 2 升级到版本 3 时出错（disk I/O error），文件保持原样"
    ):
        Store(database, "x")
    assert "figures" in calls and rows(database, "PRAGMA user_version") == [(2,)]
    assert {name for (name,) in rows(database, "SELECT name FROM sqlite_master")} >= {"figures", "texts"}
    assert "figure_rows" not in {name for (name,) in rows(database, "SELECT name FROM sqlite_master")}
    assert rows(database, "SELECT count(*) FROM figures") == [(600,)]
    assert len(database.read_bytes()) == len(before)


def test_a_version_1_file_gains_the_review_tables_and_compact_rows(tmp_path):
    """A database written before verdicts existed: opened, moved in place, its reports kept."""
    database = version_2(tmp_path)
    with contextlib.closing(sqlite3.connect(database)) as db:
        for table in ("verdicts", "corrections", "finding_states", "run_reports"):
            db.execute(f"DROP TABLE {table}")
        db.execute("PRAGMA user_version = 1")
        db.commit()
    figures = rows(database, FIGURES)
    with Store(database, "x") as store:
        assert store.begin_run() == 3  # the state's last run
    assert rows(database, "PRAGMA user_version") == [(3,)] and rows(database, FIGURES) == figures
    tables = {name for (name,) in rows(database, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"verdicts", "corrections", "finding_states", "run_reports", "figure_rows"} <= tables


def region(folder: Path, count: int) -> None:
    """`count` bodies' reports as a region publishes them: half web pages, half their text pasted from a browser,
    ten distinct bodies' figures under `count` names (as benchmarks/bench_audit.py)."""
    folder.mkdir()
    pages = {}
    for seed in range(10):
        values = synthetic_values(seed, 2023)
        page = published_page(values)
        (folder / "page.html").write_bytes(page)
        text = "\n".join(line.text for line in read_html(folder / "page.html")).encode("utf-8")
        pages[seed] = (values["meta.body"].encode(), page, text)
    (folder / "page.html").unlink()
    for number in range(count):
        body, page, text = pages[number % 10]
        content = (page if number % 2 else text).replace(body, f"示例县第{number}局".encode())
        (folder / f"{number:04d}.{'html' if number % 2 else 'txt'}").write_bytes(content)


def test_a_report_takes_at_most_10_kb_of_the_database(tmp_path):
    region(tmp_path / "reports", 200)
    result = generator.audit([str(tmp_path / "reports")], tmp_path / "out", jobs=2)
    assert result.totals["reports"] == 200 and result.totals["unreadable"] == 0
    database = tmp_path / "out" / "审查.sqlite"
    assert rows(database, "SELECT count(*) FROM figures") == [(200 * 200,)]  # every figure kept, once
    size = database.stat().st_size
    assert size / 200 <= BUDGET, f"{size / 200:.0f} bytes a report"
