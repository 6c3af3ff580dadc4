"""Validation findings as data: a stable code, severity, figure key(s), location fields, values and a Chinese message."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from generator.format import schema
from generator.format.cells import to_json_number
from generator.format.model import NOWHERE, Place
from generator.format.patterns import when_used

Severity = Literal["error", "warning"]

# One Chinese message template per (code, variant). The code is the stable id of FORMAT.md's rules;
# the variant only chooses the wording. Placeholders are filled from the finding's parameters.
MESSAGES: dict[tuple[str, str], str] = {
    ("E-cell", "blank"): "{where}「{label}」为空：空白不等于 0，没有发生请填写 0。",
    ("E-cell", "placeholder"): "{where}「{label}」填写了「{raw}」：请改为数字，没有发生请填写 0。",
    ("E-cell", "unit"): "{where}「{label}」填写了「{raw}」：单元格内只填数字，不要带单位。",
    ("E-cell", "text"): "{where}「{label}」填写了「{raw}」，不是数字。",
    ("E-cell", "formula"): (
        "{where}「{label}」是公式（{raw}），但文件中没有保存计算结果（文件可能由程序生成、从未在 Excel 中打开）："
        "请用 Excel 或 WPS 打开该文件、保存后再运行，或直接填写数字。"
    ),
    ("E-cell", "missing"): "{where}缺少「{label}」（{key}）。",
    ("E-cell", "absent"): "{where}报告没有列出「{label}」（只印了上一级的合计行）：该格缺失，不等于 0。",
    ("E-int", "count"): "{where}「{label}」为 {raw}：件数必须是不小于 0 的整数。",
    (
        "E-int",
        "amount",
    ): "{where}「{label}」为 {raw}：金额必须是不小于 0、至多 6 位小数的数（单位：万元；0.000001 万元即 1 分）。",
    ("E-meta", "missing"): "{where}缺少「{label}」（{key}），这是必填项。",
    ("E-meta", "year"): "{where}「{label}」为「{raw}」：请填写四位年份，如 2023。",
    ("E-row-total", "sum"): ("{where}「{row}」行：总计为 {actual}，但六类申请人之和为 {expected}。{suspect}"),
    (
        "E-col-total",
        "sum",
    ): "{where}「{column}」列：（七）总计为 {actual}，但（一）至（六）各项之和为 {expected}。{suspect}",
    ("E-balance", "sum"): (
        "{where}「{column}」列不平衡：一（本年新收）加二（上年结转）为 {expected}，"
        "（七）总计加四（结转下年度）为 {actual}，两者应相等。{suspect}"
    ),
    (
        "E-t4-total",
        "sum",
    ): "{where}「{group}」：总计为 {actual}，但结果维持、结果纠正、其他结果、尚未审结之和为 {expected}。",
    ("E-narrative", "quote"): "{where}「{label}」中引用的数字有误：{problem}",
    (
        "E-narrative",
        "mismatch",
    ): "{text_where}「{section}」写的是「{quote}」，但{where}「{label}」为 {expected}，两者应一致。",
    (
        "W-narrative",
        "mismatch",
    ): "{text_where}「{section}」写的是「{quote}」，但{where}「{label}」为 {arithmetic}，两者不一致，请核对。",
    ("W-narrative", "with_carried"): (
        "{text_where}「{section}」写的是「{quote}」：表三本年新收 {new} 件加上年结转 {carried} 件为 {new} + {carried} = "
        "{actual} 件，正文把上年结转也算在内；建议写明本年新收和上年结转各多少件。"
    ),
    ("W-meta", "missing"): "{where}未填写「{label}」（{key}）。{consequence}",
    ("W-text", "not_published"): "报告中没有找到「{label}」这一部分（或其小标题）：请核对原报告是否写了这部分内容。",
    ("W-meta", "unrecognised"): "未能从报告的标题、落款和网页标题中识别出「{label}」，请核对原报告。",
    ("W-meta", "body_kind"): "{where}「{label}」为「{raw}」，应为“政府”或“部门”；按“政府”处理。",
    ("W-meta", "sheet_name"): (
        "工作表名称「{raw}」与标准名称「{sheet_name}」只差空格或全角半角，已按「{sheet_name}」读取：建议把工作表改名为「{sheet_name}」。"
    ),
    ("W-meta", "control"): "{where}「{label}」中有不可见的控制字符（{raw}），已删去：请核对该处文字是否完整。",
    ("W-text", "control"): "{where}「{label}」中有不可见的控制字符（{raw}），已删去：请核对该处文字是否完整。",
    ("W-meta", "date"): "{where}「{label}」为「{raw}」，无法识别为日期（示例：2024-01-20 或 2024年1月20日）。",
    (
        "W-text",
        "missing",
    ): "{where}「{label}」（{key}）未填写：报告中该处将使用模板的标准表述，没有标准表述的显示【本节未填写】。",
    ("W-text", "review_results"): ("正文「总体情况」未写明工作考核、社会评议和责任追究结果（政府的年度报告须说明）。"),
    ("W-text", "no_figures"): "正文「总体情况」没有引用任何数字（如发布信息条数、受理申请件数）。",
    ("W-fee", "magnitude"): (
        "{where}「{label}」为 {actual} 万元（即 {yuan} 元），超过{kind}一年收费的合理上限（约 {ceiling} 亿元）："
        "是否把“元”当成了“万元”填写？"
    ),
    ("W-fee", "previous"): (
        "{where}「{label}」为 {actual} 万元（即 {yuan} 元），是上年 {expected} 万元的一千倍以上："
        "是否把“元”当成了“万元”填写？"
    ),
    ("W-text", "other_year"): (
        "{where}「{label}」第 {paragraph} 段写的是「{quote}」，但报告年度为 {year} 年：是否沿用了往年的文字？"
    ),
    ("W-meta", "issue_early"): (
        "{where}「{label}」为 {date}，早于 {year} 年度结束：年度报告在次年年初公布，是否沿用了上年的日期？"
    ),
    ("W-meta", "issue_late"): (
        "{where}「{label}」为 {date}，晚于{who}年度报告的公布期限 {deadline}（《政府信息公开条例》第四十九、五十条）："
        "请核对日期。"
    ),
    ("W-fee", "no_notice"): ("{where}「{label}」为 {actual}，但正文「其他需要报告的事项」称未发出收费通知，两者矛盾。"),
    ("W-review", "exceeds"): (
        "{where}复议后起诉总计为 {actual}，多于已审结的行政复议（维持+纠正+其他）{expected} 件，请核对。"
    ),
    ("W-stock", "regulations"): (
        "{where}「{label}」为 {actual}：县级及以下机关（{body}）一般无权制定规章，请核对是否应为 0。"
    ),
    # Continuity between two consecutive years (continuity.py); `old_where` is the old file's name and cell.
    ("W-carry", "mismatch"): (
        "{where}「{label}」为 {actual}，但上年 {old_where}「{old_label}」为 {expected}："
        "本年的“上年结转”应等于上年的“结转下年度继续办理”。"
    ),
    ("W-in-force", "mismatch"): (
        "{where}「{label}」为 {actual}，但上年现行有效 {old_in_force} 件（上年 {old_where}）加本年制发 {issued} 件、"
        "减本年废止 {repealed} 件应为 {expected} 件。文件也可能因有效期届满等原因失效：如属此类请在正文中说明，否则请核对。"
    ),
    ("W-stock", "repealed"): (
        "{where}「{label}」为 {actual}，多于上年现行有效 {old_in_force} 件（上年 {old_where}）与本年制发 {issued} 件"
        "之和 {expected}：废止的文件不可能多于可以废止的文件，请核对。"
    ),
    ("W-jump", "rise"): (
        "{where}「{label}」由上年的 {expected}（上年 {old_where}）增至 {actual}，是上年的 {ratio} 倍（超过 5 倍）："
        "请核对是否填错（如单位、位数）。"
    ),
    ("W-jump", "fall"): (
        "{where}「{label}」由上年的 {expected}（上年 {old_where}）降至 {actual}，仅为上年的 {ratio}（不足五分之一）："
        "请核对是否填错（如单位、位数）。"
    ),
    ("W-jump", "identical"): (
        "三张统计表的全部 {count} 个数字与上年（{old_source}）完全相同：是否沿用了上年的表格而未填写本年数据？"
    ),
    ("W-meta", "previous_invalid"): (
        "上年数据（{old_source}）本身有 {count} 个错误（如：{example}），以上与上年衔接的核对结果仅供参考。"
    ),
    ("W-meta", "previous_body"): (
        "{where}「{label}」为「{body}」，但上年数据（{old_source}）为「{old_body}」：对比的应是同一机关的两年数据，其余衔接核对已跳过。"
    ),
    ("W-meta", "body_spelling"): (
        "{where}「{label}」为「{body}」，上年数据（{old_source}）为「{old_body}」：按同一机关的两种写法对比，请核对。"
    ),
    ("W-meta", "previous_year"): (
        "{where}「{label}」为 {actual}，但上年数据（{old_source}）为 {old_year} 年，不是相邻的上一年（应为 {expected} 年）："
        "上年结转、现行有效件数的衔接核对已跳过。"
    ),
}

# What each rule checks, in a few words: the audit's outputs count problems by rule under these titles.
RULE_TITLES: dict[str, str] = {
    "E-cell": "表格数字未填写或不是数字",
    "E-int": "件数不是整数或金额超过 6 位小数",
    "E-row-total": "表三某行总计不等于六类申请人之和",
    "E-col-total": "表三某列（七）总计不等于各项之和",
    "E-balance": "表三某列新收加结转不等于办理加结转下年",
    "E-t4-total": "表四总计不等于各项之和",
    "E-narrative": "正文所写数字与表格不一致",
    "W-narrative": "已发布报告的正文所写数字与表格口径不同或不一致",
    "E-meta": "缺少发布机关或报告年度",
    "W-meta": "发布日期等基本信息缺失或与上年不衔接",
    "W-text": "正文某部分缺失或内容不全",
    "W-fee": "收费金额数额异常",
    "W-review": "复议后起诉多于已审结的复议",
    "W-stock": "规章或废止件数不合常理",
    "W-carry": "上年结转与上年报告的结转下年度不一致",
    "W-in-force": "现行有效件数与上年衔接不上",
    "W-jump": "关键数字与上年相比变化过大或完全相同",
}


# A data key in brackets after the name it stands for: 「发布日期」（meta.issue_date）.
KEY_IN_BRACKETS = re.compile(r"（(?:meta|narrative|t[234])(?:\.[A-Za-z0-9_]+)+）")


# A workbook cell ("表三!J5"): other units read it as the row of the table they printed ("表三第 5 行").
CELL_ADDRESS = when_used(r"([\u4e00-\u9fff]{2,4})!([A-Z]{1,3})(\d+)")


def without_keys(message: str) -> str:
    """A message for readers outside this tool (the audit's notice to other units): the names without the data
    keys beside them and without spreadsheet addresses, which only a user of the workbook can look up, and quoted
    as a 公文 quotes (“”, not 「」)."""
    text = CELL_ADDRESS().sub(lambda m: f"{m.group(1)}第 {m.group(3)} 行", KEY_IN_BRACKETS.sub("", message))
    return text.replace("「", "“").replace("」", "”")


def rule_title(code: str) -> str:
    return RULE_TITLES.get(code, code)


SUSPECT_NOTE = "与其他核对一并看，最可能出错的是 {location}「{label}」（现为 {value}），请先核对该格。"


@dataclass(frozen=True)
class Finding:
    """One thing validation found. `key` is the figure to look at first; `keys` every figure involved.

    The location is kept as fields (`sheet`/`cell` of a workbook, `line` of a CSV or text, `page` of a PDF;
    `table`, `row_key`, `column_key` of the figure in the schema) beside `location`, its display text.
    `variant` and `params` are what the message was rendered from.
    """

    code: str
    severity: Severity
    key: str
    message: str
    location: str = ""
    keys: tuple[str, ...] = ()
    expected: Decimal | int | None = None
    actual: Decimal | int | None = None
    variant: str = ""
    params: tuple[tuple[str, str], ...] = ()
    sheet: str = ""
    cell: str = ""
    line: int = 0
    page: int = 0
    table: str = ""
    row_key: str = ""
    column_key: str = ""
    source: Place = NOWHERE  # the figure's place as evidence: page, table, printed row and column, box, offset

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "key": self.key,
            "message": self.message,
            "location": self.location,
            "keys": list(self.keys or (self.key,)),
            "expected": to_json_number(self.expected),
            "actual": to_json_number(self.actual),
            "variant": self.variant,
            "params": dict(self.params),
            "sheet": self.sheet,
            "cell": self.cell,
            "line": self.line or None,
            "page": self.page or None,
            "table": self.table,
            "row_key": self.row_key,
            "column_key": self.column_key,
            "source": self.source.to_dict(),
        }

    def describe(self) -> str:
        """One line for the terminal: severity, code, message (which names the location)."""
        return f"[{self.level} {self.code}] {self.message}"

    @property
    def level(self) -> str:
        return "错误" if self.severity == "error" else "警告"


def make_finding(code: str, variant: str, key: str, place: Place = NOWHERE, **params: Any) -> Finding:
    """Build a finding from the catalogue; `where` (the place's display text) is filled in for the template."""
    keys = tuple(params.pop("keys", ()) or (key,))
    expected = params.get("expected")
    actual = params.get("actual")
    location = str(place.plain())
    params.setdefault("where", location)
    params.setdefault("text_where", "")
    params.setdefault("suspect", "")
    params.setdefault("key", key)
    message = MESSAGES[(code, variant)].format(**params).strip()
    severity: Severity = "error" if code.startswith("E-") else "warning"
    table, row_key, column_key = schema.split_key(key)
    shown = tuple((name, str(value)) for name, value in params.items() if name not in ("where", "suspect", "key"))
    return Finding(
        code,
        severity,
        key,
        message,
        location,
        keys,
        expected,
        actual,
        variant,
        shown,
        place.sheet,
        place.cell,
        place.line,
        place.page,
        table,
        row_key,
        column_key,
        place,
    )


@dataclass(frozen=True)
class ValidationReport:
    """All findings for one input; `valid` means no errors (warnings allowed)."""

    source: str
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.errors

    def flatten(self) -> list[tuple[str, str]]:
        """(code, key) pairs: the compact form tests assert on."""
        return [(f.code, f.key) for f in self.findings]

    def summary(self) -> str:
        verdict = "通过" if self.valid else "未通过"
        return f"{self.source}：校验{verdict}，{len(self.errors)} 个错误，{len(self.warnings)} 个警告。"

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "valid": self.valid,
            "error_count": len(self.errors),
            "warning_count": len(self.warnings),
            "findings": [f.to_dict() for f in self.findings],
        }
