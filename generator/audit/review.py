"""The reviewers' verdicts: each finding's stable id, 审查结果.xlsx's 核实结论 / 核实说明 / 更正值 read back
(`audit --review`), recorded in the database, and applied on every run — a false alarm no longer counts against
its body, a corrected figure is checked again by every rule."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

from generator.audit.record import cell_text
from generator.audit.run import Comparison, compare
from generator.audit.store import IN_RUN, WITHDRAWN, Store, StoredReport, label_of
from generator.exceptions import InputError
from generator.format import schema
from generator.format.cells import parse_figure

RESULTS_SHEET = "审查结果"
CORRECTIONS_SHEET = "更正"  # the corrected figures, each with its finding's id: a 更正值 cleared there withdraws it
UNREVIEWED = "未核实"
STATE_TEXT = {"confirmed": "属实", "false_alarm": "误报", "corrected": "已更正"}
VERDICTS = {text: name for name, text in STATE_TEXT.items()}
STATES = (UNREVIEWED, *STATE_TEXT.values())  # the order the outputs list them in
STATE_NAMES = {UNREVIEWED: "unreviewed", **VERDICTS}
# The columns a reviewer fills in, after the findings' own: the id first, so a row can always be traced back.
REVIEW_COLUMNS = (("编号", 14), ("核实结论", 10), ("核实说明", 40), ("更正值", 10))
KIND_TEXT = {schema.Kind.COUNT: "不小于 0 的整数", schema.Kind.WAN_YUAN: "不小于 0、至多 6 位小数的金额"}
ID_COLUMN, VERDICT_COLUMN, NOTE_COLUMN, CORRECTED_COLUMN = (name for name, _ in REVIEW_COLUMNS)


def finding_ids(content_hash: str, findings: Iterable[tuple[str, str]]) -> list[str]:
    """Each finding's id, from the report's content, the rule's code and the figure's key (a second finding of the
    same code and key gets "-2"): the same on every run while the report's content stays the same."""
    seen: Counter[tuple[str, str]] = Counter()
    ids = []
    for code, key in findings:
        seen[(code, key)] += 1
        digest = hashlib.sha256(f"{content_hash}\n{code}\n{key}".encode()).hexdigest()[:10].upper()
        ids.append(f"F{digest}" if seen[(code, key)] == 1 else f"F{digest}-{seen[(code, key)]}")
    return ids


@dataclass(frozen=True)
class Review:
    """One row of the workbook a reviewer filled in: the finding's id, the verdict, the reason, the corrected value,
    and the row's place (for messages)."""

    finding_id: str
    verdict: str  # confirmed, false_alarm, corrected; withdrawn: a correction taken back
    note: str
    corrected: str | None  # a decimal, as text
    where: str  # the id's cell: 工作表“审查结果”M5 格
    corrected_where: str  # the 更正值's cell


def _text(value: object) -> str:
    return "" if value is None else cell_text(value).strip()


def read_review(path: Path) -> list[Review]:
    """The verdicts filled into a 审查结果.xlsx (also one WPS, Excel or LibreOffice saved again); InputError naming
    the sheet and cell of the first one that cannot be taken."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError as err:
        raise InputError(f"找不到核实结果文件：{path}") from err
    except Exception as err:  # openpyxl raises many kinds for a file that is no workbook
        raise InputError(
            f"{path}：无法作为 .xlsx 工作簿打开，不是本工具生成的审查结果（{type(err).__name__}）。"
        ) from err
    try:
        if RESULTS_SHEET not in workbook.sheetnames:
            raise InputError(f"{path}：没有“{RESULTS_SHEET}”工作表，不是本工具生成的审查结果。")
        rows = workbook[RESULTS_SHEET].iter_rows(values_only=True)
        header = [_text(value) for value in next(rows, ())]
        columns = {}
        for name, _ in REVIEW_COLUMNS:
            if name not in header:
                raise InputError(
                    f"{path}：工作表“{RESULTS_SHEET}”第 1 行没有“{name}”列，不是本工具生成的审查结果"
                    "（请填写 audit 生成的 审查结果.xlsx）。"
                )
            columns[name] = header.index(name)
        found = []
        for number, row in enumerate(rows, 2):
            values = {name: _text(row[n]) if n < len(row) else "" for name, n in columns.items()}

            def cell(name: str, row_number: int = number) -> str:
                return f"工作表“{RESULTS_SHEET}”{get_column_letter(columns[name] + 1)}{row_number} 格"

            found_review = _review(path, values, cell)
            if found_review is not None:
                found.append(found_review)
        if CORRECTIONS_SHEET in workbook.sheetnames:
            found += _corrections_sheet(path, workbook[CORRECTIONS_SHEET], {r.finding_id: r for r in found})
        return found
    finally:
        workbook.close()


def _corrections_sheet(path: Path, sheet: Any, reviewed: dict[str, Review]) -> list[Review]:
    """The 更正 sheet's rows: a 更正值 cleared withdraws the correction, one changed corrects the figure again (a row
    the findings sheet also judges must say the same there)."""
    from openpyxl.utils import get_column_letter

    rows = sheet.iter_rows(values_only=True)
    header = [_text(value) for value in next(rows, ())]
    if any(name not in header for name in (ID_COLUMN, NOTE_COLUMN, CORRECTED_COLUMN)):
        return []  # a workbook of an earlier version: its corrections carry no id
    columns = {name: header.index(name) for name in (ID_COLUMN, NOTE_COLUMN, CORRECTED_COLUMN)}
    found = []
    for number, row in enumerate(rows, 2):
        values = {name: _text(row[n]) if n < len(row) else "" for name, n in columns.items()}
        if not values[ID_COLUMN]:
            continue

        def cell(name: str, row_number: int = number) -> str:
            return f"工作表“{CORRECTIONS_SHEET}”{get_column_letter(columns[name] + 1)}{row_number} 格"

        if values[CORRECTED_COLUMN]:
            review = _review(path, {**values, VERDICT_COLUMN: STATE_TEXT["corrected"]}, cell)
        else:
            review = Review(values[ID_COLUMN], WITHDRAWN, values[NOTE_COLUMN], None, cell(ID_COLUMN), "")
        assert review is not None
        same = reviewed.get(review.finding_id)
        if same is None:
            found.append(review)
        elif same.corrected != review.corrected:
            raise InputError(
                f"{path}：{cell(CORRECTED_COLUMN)}的更正值与{same.where.removesuffix('格')}所在行的更正值不一致，"
                "请只在一处修改。"
            )
    return found


def _review(path: Path, values: dict[str, str], cell: Callable[[str], str]) -> Review | None:
    verdict, corrected = values[VERDICT_COLUMN], values[CORRECTED_COLUMN]
    if not verdict and not corrected:
        return None  # not reviewed yet (a note alone decides nothing)
    if verdict and verdict not in VERDICTS:
        raise InputError(f"{path}：{cell(VERDICT_COLUMN)}的核实结论“{verdict}”无法识别：应为 属实、误报 或 已更正。")
    if not values[ID_COLUMN]:
        raise InputError(f"{path}：{cell(ID_COLUMN)}没有编号：这一行不是本工具列出的问题，无法记录核实结论。")
    if corrected:
        if verdict and VERDICTS[verdict] != "corrected":
            raise InputError(
                f"{path}：{cell(CORRECTED_COLUMN)}填了更正值，但核实结论是“{verdict}”：更正了数字请填“已更正”。"
            )
        parsed = parse_figure(corrected, schema.Kind.WAN_YUAN)
        if parsed.value is None:
            raise InputError(f"{path}：{cell(CORRECTED_COLUMN)}的更正值“{corrected}”不是数字（应为不小于 0 的数）。")
        corrected = format(parsed.value, "f")
    elif VERDICTS[verdict] == "corrected":
        raise InputError(
            f"{path}：{cell(VERDICT_COLUMN)}的核实结论是“已更正”，请在 {cell(CORRECTED_COLUMN)}填写更正值。"
        )
    verdict = VERDICTS[verdict or "已更正"]
    return Review(
        values[ID_COLUMN], verdict, values[NOTE_COLUMN], corrected or None, cell(ID_COLUMN), cell(CORRECTED_COLUMN)
    )


def _known_findings(store: Store) -> dict[str, dict[str, Any]]:
    """Every finding the database holds (and every one judged before), by id."""
    known: dict[str, dict[str, Any]] = {}
    for row in store.db.execute(
        "SELECT finding_id, report_hash, body_key, year, code, key, message FROM verdicts ORDER BY seq"
    ):
        known[row["finding_id"]] = dict(row)
    rows = store.db.execute(
        "SELECT r.id, r.hash, r.body_key, r.year, f.code, f.key, f.message FROM findings f "
        "JOIN reports r ON r.id = f.report_id ORDER BY r.id, f.seq"
    ).fetchall()
    for _, grouped in groupby(rows, key=lambda row: row["id"]):
        group = list(grouped)
        ids = finding_ids(group[0]["hash"], [(r["code"], r["key"]) for r in group])
        for row, finding_id in zip(group, ids, strict=True):
            known[finding_id] = {"finding_id": finding_id, "report_hash": row["hash"]}
            known[finding_id] |= {name: row[name] for name in ("body_key", "year", "code", "key", "message")}
    return known


def record_review(store: Store, path: Path, reviews: list[Review]) -> int:
    """Record the verdicts (all checked first: one that cannot be taken records none); returns how many are new."""
    known = _known_findings(store)
    figures = schema.figures()
    for review in reviews:
        finding = known.get(review.finding_id)
        if finding is None:
            raise InputError(
                f"{path}：{review.where}的编号“{review.finding_id}”在审查数据库 {store.path} 中找不到"
                "（这份审查结果是用别的数据库审查出来的？）。"
            )
        if review.corrected is not None:
            figure = figures.get(finding["key"])
            if figure is None:
                raise InputError(f"{path}：{review.corrected_where}：这个问题不针对某个统计数字，不能填写更正值。")
            if parse_figure(review.corrected, figure.kind).value is None:
                raise InputError(
                    f"{path}：{review.corrected_where}的更正值“{review.corrected}”不能作为“{figure.label}”"
                    f"（应为{KIND_TEXT[figure.kind]}）。"
                )
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    recorded = 0
    for review in reviews:
        finding = known[review.finding_id]
        read = store.db.execute(
            "SELECT g.raw FROM figures g JOIN reports r ON r.id = g.report_id WHERE r.hash = ? AND g.key = ?",
            (finding["report_hash"], finding["key"]),
        ).fetchone()
        verdict = {
            **finding,
            "verdict": review.verdict,
            "note": review.note,
            "corrected": review.corrected,
            "read_value": read["raw"] if read else None,
            "workbook": f"{path.name} {review.where}",
            "recorded_at": now,
        }
        recorded += store.add_verdict(verdict, read["raw"] if read else "")
    store.commit()
    return recorded


def settle(store: Store, run: int) -> None:
    """Apply every verdict to the run's reports: the ones with corrected figures (theirs or last year's) checked
    again on them, then each finding's state, and the counts without the false alarms."""
    corrected = store.db.execute(
        "SELECT r.id FROM reports r WHERE r." + IN_RUN + " AND r.status != 'unreadable' AND (r.hash IN "
        "(SELECT report_hash FROM corrections) OR r.previous_id IN (SELECT p.id FROM reports p JOIN corrections c "
        "ON c.report_hash = p.hash))",
        (run,),
    ).fetchall()
    for row in corrected:
        report = store.report(row["id"])
        done = compare(Comparison(store.path, report.id, store.previous_of(report)), store)
        if done.findings is not None:
            store.set_findings(done.report_id, done.findings, done.across, done.previous)
    reviewed = store.db.execute(
        "SELECT r.id FROM reports r WHERE r." + IN_RUN + " AND r.hash IN (SELECT report_hash FROM verdicts)", (run,)
    ).fetchall()
    for row in reviewed:
        report = store.report(row["id"])
        verdicts = store.verdicts(report.hash)
        findings = store.db.execute(
            "SELECT seq, code, key, severity FROM findings WHERE report_id = ? ORDER BY seq", (report.id,)
        ).fetchall()
        ids = finding_ids(report.hash, [(f["code"], f["key"]) for f in findings])
        held = {i: row["verdict"] for i, row in verdicts.items() if row["verdict"] in STATE_TEXT}  # not withdrawn
        states = [(f["seq"], i, held[i]) for f, i in zip(findings, ids, strict=True) if i in held]
        dismissed = {seq for seq, _, verdict in states if verdict == "false_alarm"}
        counted = Counter(f["severity"] for f in findings if f["seq"] not in dismissed)
        store.set_states(report.id, states)
        store.set_counts(report.id, counted["error"], counted["warning"])
    store.commit()


@dataclass(frozen=True)
class FindingState:
    """A finding's id and where its review stands: 未核实, 属实, 误报 or 已更正, with the reviewer's reason."""

    finding_id: str
    state: str = UNREVIEWED
    note: str = ""
    corrected: str = ""

    @property
    def counts(self) -> bool:
        return self.state != STATE_TEXT["false_alarm"]

    @property
    def name(self) -> str:
        """unreviewed, confirmed, false_alarm or corrected: the page's class and filter name."""
        return STATE_NAMES[self.state]


def states(store: Store, report: StoredReport) -> dict[int, FindingState]:
    """Each finding of the report by seq, with its id and its state."""
    verdicts = store.verdicts(report.hash)
    findings = store.db.execute(
        "SELECT seq, code, key FROM findings WHERE report_id = ? ORDER BY seq", (report.id,)
    ).fetchall()
    ids = finding_ids(report.hash, [(f["code"], f["key"]) for f in findings])
    shown = {}
    for finding, finding_id in zip(findings, ids, strict=True):
        verdict = verdicts.get(finding_id)
        shown[finding["seq"]] = (
            FindingState(finding_id, STATE_TEXT[verdict["verdict"]], verdict["note"], verdict["corrected"] or "")
            if verdict and verdict["verdict"] in STATE_TEXT
            else FindingState(finding_id)  # none, or a correction withdrawn
        )
    return shown


@dataclass(frozen=True)
class Correction:
    """A figure a reviewer corrected: the value read from the report beside the one that now holds."""

    body: str
    year: int | None
    key: str
    label: str
    read: str
    value: str
    note: str
    recorded_at: str
    finding_id: str = ""  # the finding it was corrected on: its row in the 更正 sheet withdraws it when cleared


def corrections(store: Store, report: StoredReport) -> list[Correction]:
    """The report's corrected figures, each at its last version."""
    rows = store.db.execute(
        "SELECT c.key, c.value, c.read_raw, v.note, v.recorded_at, v.finding_id FROM corrections c "
        "JOIN verdicts v ON v.seq = c.verdict_seq WHERE c.report_hash = ? ORDER BY c.key, c.version",
        (report.hash,),
    )
    last = {row["key"]: row for row in rows}
    return [
        Correction(
            report.body or report.name,
            report.year,
            key,
            label_of(key),
            row["read_raw"],
            row["value"],
            row["note"],
            row["recorded_at"],
            row["finding_id"],
        )
        for key, row in last.items()
        if row["value"] != ""  # withdrawn
    ]


@dataclass(frozen=True)
class StaleVerdict:
    """A verdict on an earlier version of a report the run saw changed: it no longer applies."""

    body: str
    year: int | None
    code: str
    key: str
    message: str
    state: str
    note: str


def stale_verdicts(store: Store, run: int) -> Iterator[StaleVerdict]:
    """The verdicts on reports whose body and year the run saw with other content (the last one of each)."""
    rows = store.db.execute(
        "SELECT v.*, n.body FROM verdicts v JOIN reports n ON n.body_key = v.body_key AND n.year = v.year "
        "WHERE v.body_key != '' AND n." + IN_RUN + " AND n.status != 'unreadable' AND v.report_hash NOT IN "
        f"(SELECT hash FROM reports WHERE {IN_RUN}) ORDER BY n.body_key, v.year, v.seq",
        (run, run),
    ).fetchall()
    last = {row["finding_id"]: row for row in rows}
    for row in last.values():
        if row["verdict"] not in STATE_TEXT:
            continue  # a correction withdrawn: nothing to apply
        yield StaleVerdict(
            row["body"], row["year"], row["code"], row["key"], row["message"], STATE_TEXT[row["verdict"]], row["note"]
        )


def review_counts(store: Store, run: int) -> dict[str, int]:
    """The run's findings by state (unreviewed, confirmed, false_alarm, corrected: a finding still found after its
    figure was corrected), the figures corrected, and `reviewed`: findings with any verdict."""
    rows = store.db.execute(
        "SELECT coalesce(s.verdict, 'unreviewed') AS state, count(*) AS n FROM findings f "
        "JOIN reports r ON r.id = f.report_id LEFT JOIN finding_states s ON s.report_id = f.report_id "
        "AND s.seq = f.seq WHERE r." + IN_RUN + " GROUP BY state",
        (run,),
    )
    counts = dict.fromkeys(STATE_NAMES.values(), 0) | {row["state"]: row["n"] for row in rows}
    counts["corrected_figures"] = store.db.execute(
        "SELECT count(*) FROM corrections c WHERE c.report_hash IN "
        f"(SELECT hash FROM reports WHERE {IN_RUN}) AND c.value != '' AND c.version = (SELECT max(version) "
        "FROM corrections l WHERE l.report_hash = c.report_hash AND l.key = c.key)",
        (run,),
    ).fetchone()[0]
    counts["reviewed"] = counts["confirmed"] + counts["false_alarm"] + counts["corrected"]
    counts["reviewed"] += counts["corrected_figures"]
    return counts
