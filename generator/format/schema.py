"""The national report format as data: every figure's key, label, kind and workbook cell; metadata; narrative.

This module is the single source of truth. Readers, rules, templates, the sample workbook and the
`schema` command all derive from what is declared here (国办公开办函〔2021〕30号).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from generator.format.grid import Grid, GridCell, column_letter, sheet_address


class Kind(StrEnum):
    """How a figure is written: a whole count, or an amount in 万元 with at most six decimals (to the 分)."""

    COUNT = "count"
    WAN_YUAN = "wan_yuan"

    @property
    def label(self) -> str:
        return {"count": "整数（件/个）", "wan_yuan": "金额（万元，至多6位小数）"}[self.value]


@dataclass(frozen=True)
class Figure:
    """One numeric cell of tables 二, 三 or 四."""

    key: str
    label: str
    kind: Kind
    table: str  # "t2", "t3", "t4"
    sheet: str
    cell: str  # e.g. "D5"

    @property
    def location(self) -> str:
        return f"{self.sheet}!{self.cell}"


@dataclass(frozen=True)
class TextField:
    """A metadata or narrative entry; narrative may hold several paragraphs (one per line)."""

    key: str
    label: str
    required: bool = False
    heading: str = ""  # the heading the report prints above it, if any
    hint: str = ""  # what to write, shown in the workbook


# --- Section headings (fixed vocabulary: emitted verbatim) -------------------------------------

HEADINGS: dict[str, str] = {
    "overview": "一、总体情况",
    "t2": "二、主动公开政府信息情况",
    "t3": "三、收到和处理政府信息公开申请情况",
    "t4": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}

# --- Metadata and narrative -------------------------------------------------------------------

META_SHEET = "基本信息"
NARRATIVE_SHEET = "正文"

META_FIELDS: tuple[TextField, ...] = (
    TextField("meta.body", "发布机关", required=True, hint="如：孟州市人民政府"),
    TextField("meta.year", "报告年度", required=True, hint="四位年份，如 2023"),
    TextField("meta.issue_date", "发布日期", hint="如 2024-01-20 或 2024年1月20日"),
    TextField("meta.body_kind", "机关类型", hint="政府 或 部门（government / department）"),
    TextField(
        "meta.contact",
        "联系方式（可选）",
        hint="部门模板在落款下方显示为“联系方式：…”，这里只写其后的内容，如：本局办公室，电话 0391-8888888",
    ),
)

NARRATIVE_FIELDS: tuple[TextField, ...] = (
    TextField("narrative.preface", "前言（可选）", hint="法律依据、报告组成、统计期限等"),
    TextField("narrative.overview.active", "总体情况·主动公开", heading="（一）主动公开"),
    TextField("narrative.overview.on_request", "总体情况·依申请公开", heading="（二）依申请公开"),
    TextField("narrative.overview.management", "总体情况·政府信息管理", heading="（三）政府信息管理"),
    TextField(
        "narrative.overview.platform",
        "总体情况·政府信息公开平台建设",
        heading="（四）政府信息公开平台建设",
    ),
    TextField(
        "narrative.overview.supervision",
        "总体情况·监督保障",
        heading="（五）监督保障",
        hint="政府（非部门）须说明工作考核、社会评议和责任追究结果",
    ),
    TextField("narrative.problems", HEADINGS["problems"], hint="先写存在的问题，再逐条写改进措施"),
    TextField("narrative.other", HEADINGS["other"], hint="含信息处理费收取情况；无则填“无”"),
)

OPTIONAL_NARRATIVE = frozenset({"narrative.preface"})
OVERVIEW_FIELDS = tuple(f for f in NARRATIVE_FIELDS if f.key.startswith("narrative.overview."))
BODY_KINDS = {"政府": "government", "government": "government", "部门": "department", "department": "department"}
BODY_KIND_NAMES = {"government": "政府", "department": "部门"}  # what a user reads for each kind


# --- Table 二 ---------------------------------------------------------------------------------

T2_SHEET = "表二"


@dataclass(frozen=True)
class T2Block:
    caption: str
    prefix: str
    columns: tuple[tuple[str, str], ...]  # (key part, label)
    rows: tuple[tuple[str, str], ...]
    kind: Kind = Kind.COUNT


T2_BLOCKS: tuple[T2Block, ...] = (
    T2Block(
        "第二十条第（一）项",
        "t2.art20_1",
        (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")),
        (("regulations", "规章"), ("normative_docs", "行政规范性文件")),
    ),
    T2Block("第二十条第（五）项", "t2.art20_5", (("decisions", "本年处理决定数量"),), (("licensing", "行政许可"),)),
    T2Block(
        "第二十条第（六）项",
        "t2.art20_6",
        (("decisions", "本年处理决定数量"),),
        (("penalty", "行政处罚"), ("coercion", "行政强制")),
    ),
    T2Block(
        "第二十条第（八）项",
        "t2.art20_8",
        (("amount_wan_yuan", "本年收费金额（单位：万元）"),),
        (("admin_fees", "行政事业性收费"),),
        kind=Kind.WAN_YUAN,
    ),
)
T2_CONTENT_LABEL = "信息内容"

# --- Table 三 ---------------------------------------------------------------------------------

T3_SHEET = "表三"
T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANTS = "申请人情况"
T3_ORGS = "法人或其他组织"
T3_NATURAL = ("natural_person", "自然人")
T3_ORG_COLUMNS: tuple[tuple[str, str], ...] = (
    ("org_commercial", "商业企业"),
    ("org_research", "科研机构"),
    ("org_public_interest", "社会公益组织"),
    ("org_legal_service", "法律服务机构"),
    ("org_other", "其他"),
)
T3_TOTAL = ("total", "总计")
T3_COLUMNS: tuple[tuple[str, str], ...] = (T3_NATURAL, *T3_ORG_COLUMNS, T3_TOTAL)
T3_APPLICANT_COLUMNS = tuple(key for key, _ in T3_COLUMNS if key != "total")


@dataclass(frozen=True)
class T3Node:
    """A row of table 三 (key set) or a group label spanning the rows below it (children set)."""

    label: str
    key: str = ""
    children: tuple[T3Node, ...] = ()

    def leaves(self) -> list[T3Node]:
        return [self] if not self.children else [leaf for c in self.children for leaf in c.leaves()]


def _items(prefix: str, heading: str, items: tuple[tuple[str, str], ...]) -> T3Node:
    return T3Node(
        heading, children=tuple(T3Node(f"{i}.{label}", f"{prefix}.{key}") for i, (key, label) in enumerate(items, 1))
    )


T3_ROWS: tuple[T3Node, ...] = (
    T3Node("一、本年新收政府信息公开申请数量", "new_received"),
    T3Node("二、上年结转政府信息公开申请数量", "carried_over"),
    T3Node(
        "三、本年度办理结果",
        children=(
            T3Node("（一）予以公开", "granted"),
            T3Node("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial"),
            _items(
                "denied",
                "（三）不予公开",
                (
                    ("state_secret", "属于国家秘密"),
                    ("law_prohibited", "其他法律行政法规禁止公开"),
                    ("three_security_one_stability", "危及“三安全一稳定”"),
                    ("third_party_rights", "保护第三方合法权益"),
                    ("internal_affairs", "属于三类内部事务信息"),
                    ("process_info", "属于四类过程性信息"),
                    ("enforcement_file", "属于行政执法案卷"),
                    ("admin_query", "属于行政查询事项"),
                ),
            ),
            _items(
                "unable",
                "（四）无法提供",
                (
                    ("not_held", "本机关不掌握相关政府信息"),
                    ("needs_creation", "没有现成信息需要另行制作"),
                    ("still_unclear", "补正后申请内容仍不明确"),
                ),
            ),
            _items(
                "not_processed",
                "（五）不予处理",
                (
                    ("petition_complaint", "信访举报投诉类申请"),
                    ("duplicate", "重复申请"),
                    ("publication", "要求提供公开出版物"),
                    ("mass_repeated", "无正当理由大量反复申请"),
                    ("confirm_or_reissue", "要求行政机关确认或重新出具已获取信息"),
                ),
            ),
            _items(
                "other",
                "（六）其他处理",
                (
                    ("no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
                    ("unpaid_fee", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
                    ("other", "其他"),
                ),
            ),
            T3Node("（七）总计", "total_processed"),
        ),
    ),
    T3Node("四、结转下年度继续办理", "carried_forward"),
)
T3_ROW_KEYS: tuple[str, ...] = tuple(leaf.key for node in T3_ROWS for leaf in node.leaves())
# The 21 result rows （一）…（六）3 whose sum is （七）总计.
T3_RESULT_ROWS: tuple[str, ...] = T3_ROW_KEYS[2:-2]

# --- Table 四 ---------------------------------------------------------------------------------

T4_SHEET = "表四"
T4_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
T4_GROUPS: tuple[tuple[str, str, str], ...] = (  # (key, label, parent label)
    ("review", "行政复议", ""),
    ("litigation_direct", "未经复议直接起诉", "行政诉讼"),
    ("litigation_after_review", "复议后起诉", "行政诉讼"),
)

# --- Grids (the official layouts) -------------------------------------------------------------


def _t2_grid() -> Grid:
    cells: list[GridCell] = []
    row = 0
    for block in T2_BLOCKS:
        cells.append(GridCell(row, 0, text=block.caption, colspan=4, scope="colgroup"))
        span = 3 // len(block.columns)
        cells.append(GridCell(row + 1, 0, text=T2_CONTENT_LABEL, scope="col"))
        for i, (_, col_label) in enumerate(block.columns):
            cells.append(GridCell(row + 1, 1 + i * span, text=col_label, colspan=span, scope="col"))
        for r, (row_key, row_label) in enumerate(block.rows, start=row + 2):
            cells.append(GridCell(r, 0, text=row_label, scope="row"))
            for i, (col_key, col_label) in enumerate(block.columns):
                key = f"{block.prefix}.{row_key}.{col_key}"
                cells.append(GridCell(r, 1 + i * span, text=f"{row_label}·{col_label}", key=key, colspan=span))
        row += 2 + len(block.rows)
    return Grid(HEADINGS["t2"], row, 4, 0, tuple(cells))


def _t3_grid() -> Grid:
    cells = [
        GridCell(0, 0, text=T3_CORNER, rowspan=3, colspan=3),
        GridCell(0, 3, text=T3_APPLICANTS, colspan=7, scope="colgroup"),
        GridCell(1, 3, text=T3_NATURAL[1], rowspan=2, scope="col"),
        GridCell(1, 4, text=T3_ORGS, colspan=5, scope="colgroup"),
        GridCell(1, 9, text=T3_TOTAL[1], rowspan=2, scope="col"),
    ]
    cells += [GridCell(2, 4 + i, text=label, scope="col") for i, (_, label) in enumerate(T3_ORG_COLUMNS)]

    def place(node: T3Node, row: int, depth: int, path: tuple[str, ...]) -> int:
        if node.children:
            height = len(node.leaves())
            cells.append(GridCell(row, depth, text=node.label, rowspan=height, scope="rowgroup"))
            # Figure labels skip the outermost group (三、本年度办理结果): （一）…（七） are unique without it.
            inner = path + (node.label,) if depth else path
            for child in node.children:
                row = place(child, row, depth + 1, inner)
            return row
        cells.append(GridCell(row, depth, text=node.label, colspan=3 - depth, scope="row"))
        row_label = "".join(path + (node.label,))
        for i, (col_key, col_label) in enumerate(T3_COLUMNS):
            key = f"t3.{node.key}.{col_key}"
            cells.append(GridCell(row, 3 + i, text=f"{row_label}·{col_label}", key=key))
        return row + 1

    row = 3
    for node in T3_ROWS:
        row = place(node, row, 0, ())
    return Grid(HEADINGS["t3"], row, 10, 3, tuple(cells))


def _t4_grid() -> Grid:
    cells: list[GridCell] = [
        GridCell(0, 0, text="行政复议", colspan=5, scope="colgroup"),
        GridCell(0, 5, text="行政诉讼", colspan=10, scope="colgroup"),
    ]
    for g, (group_key, group_label, parent) in enumerate(T4_GROUPS):
        first = g * 5
        label_row = 2 if parent else 1
        if parent:
            cells.append(GridCell(1, first, text=group_label, colspan=5, scope="colgroup"))
        for i, (outcome_key, outcome_label) in enumerate(T4_OUTCOMES):
            cells.append(GridCell(label_row, first + i, text=outcome_label, rowspan=3 - label_row, scope="col"))
            label = "·".join(filter(None, (parent, group_label, outcome_label)))
            cells.append(GridCell(3, first + i, text=label, key=f"t4.{group_key}.{outcome_key}"))
    return Grid(HEADINGS["t4"], 4, 15, 3, tuple(cells))


TABLE_SHEETS = {"t2": T2_SHEET, "t3": T3_SHEET, "t4": T4_SHEET}
GRID_FIRST_ROW = 2  # row 1 of each table sheet holds the table's title


@cache
def grids() -> dict[str, Grid]:
    return {"t2": _t2_grid(), "t3": _t3_grid(), "t4": _t4_grid()}


@cache
def _declared_kinds() -> dict[str, Kind]:
    """The kind each table-二 block declares for its figures; every figure of tables 三 and 四 is a count."""
    return {
        f"{block.prefix}.{row}.{column}": block.kind
        for block in T2_BLOCKS
        for row, _ in block.rows
        for column, _ in block.columns
    }


@cache
def figures() -> dict[str, Figure]:
    """Every figure of the three tables, keyed and in table order (200 of them)."""
    result: dict[str, Figure] = {}
    for table, grid in grids().items():
        for cell in sorted(grid.figure_cells(), key=lambda c: (c.row, c.col)):
            address = sheet_address(cell, GRID_FIRST_ROW)
            result[cell.key] = Figure(
                cell.key, cell.text, _declared_kinds().get(cell.key, Kind.COUNT), table, TABLE_SHEETS[table], address
            )
    return result


# Sheets 基本信息 and 正文: column A the label, B the key (rows are found by it), C the value, D a hint.
TEXT_KEY_COLUMN, TEXT_VALUE_COLUMN = 2, 3


def text_field_location(key: str) -> str:
    """Where a metadata or narrative value is typed: "基本信息!C2"."""
    sheet = META_SHEET if key.startswith("meta.") else NARRATIVE_SHEET
    return f"{sheet}!{column_letter(TEXT_VALUE_COLUMN - 1)}{text_field_row(key)}"


def split_key(key: str) -> tuple[str, str, str]:
    """A figure key as (table, row key, column key): t3.denied.state_secret.total -> ("t3", "denied.state_secret",
    "total"); t4.review.upheld -> ("t4", "review", "upheld"). Other keys give three empty strings."""
    if key not in figures():
        return "", "", ""
    table, rest = key.split(".", 1)
    row, _, column = rest.rpartition(".")
    return table, row, column


def text_fields() -> tuple[TextField, ...]:
    return META_FIELDS + NARRATIVE_FIELDS


def text_field_row(key: str) -> int:
    """Row of a metadata or narrative field in its sheet (row 1 holds column titles)."""
    fields = META_FIELDS if key.startswith("meta.") else NARRATIVE_FIELDS
    return 2 + [f.key for f in fields].index(key)


def all_keys() -> list[str]:
    return [f.key for f in META_FIELDS] + list(figures()) + [f.key for f in NARRATIVE_FIELDS]


# --- Labels seen in published reports (importing a report) ------------------------------------

# Older or abbreviated labels that real reports print, mapped to the figure-key prefix of the official row
# (table 二: "t2.<block>.<row>", table 三: "t3.<row>"). The importer normalises widths, spaces, brackets and
# quotes before comparing, so only wording differences need an entry here.
IMPORT_ALIASES: dict[str, str] = {
    "规范性文件": "t2.art20_1.normative_docs",
    "其他规范性文件": "t2.art20_1.normative_docs",
    "逾期不补正": "t3.other.no_correction",
    "申请人逾期不补正": "t3.other.no_correction",
    "申请人无正当理由逾期不补正": "t3.other.no_correction",
    "逾期未缴费": "t3.other.unpaid_fee",
    "逾期未缴纳费用": "t3.other.unpaid_fee",
    "申请人逾期未缴费": "t3.other.unpaid_fee",
    "逾期未按收费通知要求缴纳费用": "t3.other.unpaid_fee",
    "申请人逾期未按收费通知要求缴纳费用": "t3.other.unpaid_fee",
    "本年度新收政府信息公开申请数量": "t3.new_received",
    "上年度结转政府信息公开申请数量": "t3.carried_over",
    "结转下年度继续办理的申请数量": "t3.carried_forward",
}
