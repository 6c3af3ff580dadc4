"""The audit database's tables, version 3: a report's figures once, as compact rows (the report, the key's number,
the cell as printed, its meaning's number, the value, the place's number and the cell's own page, line and box);
the keys, the repeated texts (tables', rows' and columns' labels) and the places of a printed table once for all
reports. Views under the earlier tables' names (figures, texts, left_out, notes) give every column as before."""

from __future__ import annotations

SCHEMA_VERSION = 3  # 2: the reviewers' verdicts (REVIEW_SCHEMA); 3: figures as compact rows, keys and labels once,
# and a correction withdrawn (verdict 'withdrawn')
APPLICATION_ID = 0x47524155  # "GRAU": generate-report audit

REPORTS = """
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,            -- SHA-256 of the file as read (a page as fetched)
    source TEXT NOT NULL,                 -- the file or web address it was last audited from
    name TEXT NOT NULL,                   -- what messages call it: the file name or the web address
    file_type TEXT NOT NULL,              -- pdf, docx, html, text, xlsx, csv
    body TEXT NOT NULL DEFAULT '',        -- 发布机关, from the title or signature
    body_key TEXT NOT NULL DEFAULT '',    -- the body's name compared across years (full-width folded, no spaces)
    body_kind TEXT NOT NULL DEFAULT '',   -- 政府, 部门 or '' when its name does not say
    year INTEGER,                         -- 报告年度
    figures_found INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('passed', 'failed', 'unreadable')),
    message TEXT NOT NULL DEFAULT '',     -- why an unreadable report could not be read
    errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0,
    previous_id INTEGER REFERENCES reports(id) ON DELETE SET NULL,  -- last year's report compared with
    workbook INTEGER NOT NULL DEFAULT 0,  -- read from this tool's own .xlsx/.csv
    tool_version TEXT NOT NULL,
    seen INTEGER NOT NULL                 -- the audit run that last saw it
);
CREATE INDEX reports_body_year ON reports (body_key, year);
CREATE INDEX reports_seen ON reports (seen);
CREATE TABLE findings (
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    code TEXT NOT NULL,                   -- E-balance, W-carry, ...
    severity TEXT NOT NULL CHECK (severity IN ('error', 'warning')),
    key TEXT NOT NULL,                    -- the figure it is about: its value is in figures, never copied here
    keys TEXT NOT NULL,                   -- every figure involved, space-separated
    message TEXT NOT NULL,
    location TEXT NOT NULL,
    expected TEXT,
    actual TEXT,
    variant TEXT NOT NULL,
    params TEXT NOT NULL,                 -- JSON object of the message's parameters
    across_years INTEGER NOT NULL,        -- 1: found by comparing with last year's report (previous_id)
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
CREATE TABLE state (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# The cell's own place in each row: a PDF's page and box, a text's line and the character where its figures start.
OWN_PLACE = """page INTEGER NOT NULL DEFAULT 0, line INTEGER NOT NULL DEFAULT 0, char_offset INTEGER NOT NULL DEFAULT 0,
    bbox TEXT NOT NULL DEFAULT ''"""
COMPACT = f"""
CREATE TABLE keys (                       -- each key once (t3.new_received.total, meta.body, ...): rows use its id
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE
);
CREATE TABLE labels (                     -- each text repeated from report to report once: labels, meanings, reasons
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL UNIQUE
);
CREATE TABLE places (                     -- a cell's place in its printed table, shared by the reports laid out alike
    id INTEGER PRIMARY KEY,
    table_name INTEGER NOT NULL REFERENCES labels(id),
    row_label INTEGER NOT NULL REFERENCES labels(id),
    column_label INTEGER NOT NULL REFERENCES labels(id),
    row_number INTEGER NOT NULL,
    column_number INTEGER NOT NULL,
    sheet INTEGER NOT NULL REFERENCES labels(id),
    cell TEXT NOT NULL,
    place_text INTEGER NOT NULL REFERENCES labels(id),
    UNIQUE (table_name, row_label, column_label, row_number, column_number, sheet, cell, place_text)
);
CREATE TABLE figure_rows (                -- every cell a report printed for a figure (or a group's own row), once
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    key_id INTEGER NOT NULL REFERENCES keys(id),
    raw TEXT NOT NULL,                    -- the cell exactly as printed ('' for a blank cell)
    semantic INTEGER NOT NULL REFERENCES labels(id),  -- value, zero, blank, not_applicable, absent, text, ...
    value NUMERIC,                        -- the number, when the cell holds one
    is_group INTEGER NOT NULL DEFAULT 0,  -- a group's own row kept as printed (its items not listed)
    place_id INTEGER NOT NULL REFERENCES places(id),
    {OWN_PLACE},
    PRIMARY KEY (report_id, key_id)
) WITHOUT ROWID;
CREATE TABLE text_rows (                  -- metadata and narrative: meta.body, narrative.problems, ...
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    key_id INTEGER NOT NULL REFERENCES keys(id),
    text TEXT NOT NULL,
    place_id INTEGER NOT NULL REFERENCES places(id),
    {OWN_PLACE},
    PRIMARY KEY (report_id, key_id)
) WITHOUT ROWID;
CREATE TABLE left_out_rows (              -- printed rows not imported, with their own text and why
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    keys TEXT NOT NULL,                   -- the figure keys of the row, space-separated
    text TEXT NOT NULL,
    reason INTEGER NOT NULL REFERENCES labels(id),
    place_id INTEGER NOT NULL REFERENCES places(id),
    {OWN_PLACE},
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
CREATE TABLE note_rows (                  -- what reading noticed: an importer's note, or a workbook reader's hint
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    text TEXT NOT NULL DEFAULT '',        -- the importer's note
    key TEXT NOT NULL DEFAULT '',         -- a hint: the key, what it is (variant: sheet_name, ...) and what was read
    variant TEXT NOT NULL DEFAULT '',
    raw TEXT NOT NULL DEFAULT '',
    place_id INTEGER NOT NULL REFERENCES places(id),
    {OWN_PLACE},
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
"""

# Each view gives the place's columns by these names (store.place_from reads them).
PLACE_COLUMNS = (
    "o.page, o.line, o.char_offset, o.bbox, p.table_name, p.row_label, p.column_label, p.row_number, "
    "p.column_number, p.sheet, p.cell, p.place_text"
)
PLACE_JOIN = "JOIN place_names p ON p.id = o.place_id"
VIEWS = f"""
CREATE VIEW place_names AS SELECT p.id, t.text AS table_name, r.text AS row_label, c.text AS column_label,
    p.row_number, p.column_number, s.text AS sheet, p.cell, x.text AS place_text
    FROM places p JOIN labels t ON t.id = p.table_name JOIN labels r ON r.id = p.row_label
    JOIN labels c ON c.id = p.column_label JOIN labels s ON s.id = p.sheet JOIN labels x ON x.id = p.place_text;
CREATE VIEW figures AS SELECT o.report_id, k.key, o.raw, m.text AS semantic, o.value, o.is_group, {PLACE_COLUMNS}
    FROM figure_rows o JOIN keys k ON k.id = o.key_id JOIN labels m ON m.id = o.semantic {PLACE_JOIN};
CREATE VIEW texts AS SELECT o.report_id, k.key, o.text, {PLACE_COLUMNS}
    FROM text_rows o JOIN keys k ON k.id = o.key_id {PLACE_JOIN};
CREATE VIEW left_out AS SELECT o.report_id, o.seq, o.keys, o.text, w.text AS reason, {PLACE_COLUMNS}
    FROM left_out_rows o JOIN labels w ON w.id = o.reason {PLACE_JOIN};
CREATE VIEW notes AS SELECT o.report_id, o.seq, o.text, o.key, o.variant, o.raw, {PLACE_COLUMNS}
    FROM note_rows o {PLACE_JOIN};
"""

RUN_REPORTS = """
CREATE TABLE IF NOT EXISTS run_reports (  -- the reports each audit run saw: two runs at once each list their own
    run INTEGER NOT NULL,
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    PRIMARY KEY (run, report_id)
) WITHOUT ROWID;
"""

# What reviewers decided (审查结果.xlsx read back with --review), kept by the report's content: a report whose
# content changes starts fresh. Rows are only ever added; a finding's last verdict is the one that holds.
REVIEW_SCHEMA = """
CREATE TABLE verdicts (
    seq INTEGER PRIMARY KEY,
    finding_id TEXT NOT NULL,             -- stable: the report's hash, the rule's code and the figure's key
    report_hash TEXT NOT NULL,            -- the content of the report it is about
    body_key TEXT NOT NULL DEFAULT '',
    year INTEGER,
    code TEXT NOT NULL,
    key TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',     -- the finding as it was judged
    verdict TEXT NOT NULL CHECK (verdict IN ('confirmed', 'false_alarm', 'corrected', 'withdrawn')),
    note TEXT NOT NULL DEFAULT '',        -- the reviewer's reason (核实说明)
    corrected TEXT,                       -- 更正值, a decimal
    read_value TEXT,                      -- the figure as read from the report, kept beside it
    workbook TEXT NOT NULL DEFAULT '',    -- where it was read: the file and the cell
    recorded_at TEXT NOT NULL             -- UTC, ISO 8601
);
CREATE INDEX verdicts_report ON verdicts (report_hash, finding_id);
CREATE TABLE corrections (                -- a figure's corrected versions ('' withdrawn); figures keeps what was read
    report_hash TEXT NOT NULL,
    key TEXT NOT NULL,
    version INTEGER NOT NULL,             -- 1, 2, ...: the last one holds
    value TEXT NOT NULL,
    read_raw TEXT NOT NULL,               -- the cell as printed
    verdict_seq INTEGER NOT NULL REFERENCES verdicts(seq),
    PRIMARY KEY (report_hash, key, version)
) WITHOUT ROWID;
CREATE TABLE finding_states (             -- each finding's state after review, for the reports that have verdicts
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    finding_id TEXT NOT NULL,
    verdict TEXT NOT NULL,
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
"""

SCHEMA = REPORTS + COMPACT + VIEWS + RUN_REPORTS + REVIEW_SCHEMA
# The tables a file of each version must hold (versions 1 and 2 kept the figures' places in every row).
TABLES: tuple[str, ...] = (
    "reports",
    "keys",
    "labels",
    "places",
    "figure_rows",
    "text_rows",
    "left_out_rows",
    "note_rows",
)
TABLES += ("findings", "state")
EARLIER_TABLES = ("reports", "figures", "texts", "left_out", "notes", "findings", "state")
# The tables of rows that belong to one report (checked for rows someone changed).
REPORT_TABLES = ("reports", "figure_rows", "text_rows", "left_out_rows", "note_rows", "findings", "run_reports")
