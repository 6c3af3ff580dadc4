"""The fill-in workbook: official tables with merged headers, locked labels, validated inputs and live checks.

Every address comes from the schema (schema.grids(), schema.figures()); the checks' cells from layout.py.
`init`, `import`, `aggregate` and the bundled samples all come from this one writer.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from generator.format import schema
from generator.format.cells import PLAIN_NUMBER, body_kind
from generator.format.grid import Grid, column_letter, column_number
from generator.workbook.layout import (
    T3_BELOW,
    T3_RIGHT,
    T4_BELOW,
    UNBALANCED,
    checks_row,
    figure_address,
    formula_cells,
    split_address,
    t3_check_columns,
)

INSTRUCTIONS_SHEET = "填写说明"
HEADER_FILL = "DDEBF7"
INPUT_FILL = "FFF2CC"
CHECK_FILL = "EDEDED"


def _cell_value(value: object) -> object:
    """Plain numbers go in as numbers, so Excel's own formulas can add them; anything else exactly as typed."""
    if isinstance(value, str) and PLAIN_NUMBER.fullmatch(value):
        return float(value) if "." in value else int(value)
    return None if value == "" else value


def _put(sheet: Any, row: int, col: int, value: object) -> Any:
    """Set a cell; text that starts with "=" stays text (openpyxl would otherwise write it as a formula)."""
    cell = sheet.cell(row, col, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    thin = Side(style="thin")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "header": PatternFill("solid", fgColor=HEADER_FILL),
        "input": PatternFill("solid", fgColor=INPUT_FILL),
        "check": PatternFill("solid", fgColor=CHECK_FILL),
        "title": Font(bold=True, size=14),
        "note": Font(italic=True, color="595959"),
        "unlocked": Protection(locked=False),
        "label": Alignment(wrap_text=True, vertical="center", horizontal="left"),
        "centre": Alignment(wrap_text=True, vertical="center", horizontal="center"),
        "top": Alignment(wrap_text=True, vertical="top", horizontal="left"),
    }


def _print_setup(sheet: Any, title_rows: int, last_row: int, last_col: int) -> None:
    """On paper as on screen: A4 landscape, one page wide, the title (and the table's heading rows) on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0  # as many pages down as it takes
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.print_title_rows = f"1:{title_rows}"
    sheet.print_area = f"A1:{column_letter(last_col - 1)}{last_row}"


def _protect(sheet: Any) -> None:
    """Labels and formulas locked, no password (staff may unprotect); column widths and row heights stay free."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _validations(sheet: Any, cells: dict[str, list[str]]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    rules = {
        "whole": ("请填写不小于 0 的整数；没有发生请填 0（空白不等于 0）。", "件数"),
        "decimal": (
            "请填写不小于 0 的数（单位：万元，至多 6 位小数，1 分即 0.000001 万元）；没有发生请填 0。",
            "金额（万元）",
        ),
    }
    for kind, addresses in cells.items():
        if not addresses:
            continue
        message, title = rules[kind]
        rule = DataValidation(
            type=kind,
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="只能填写数字",
            error=message,
            showInputMessage=True,
            promptTitle=title,
            prompt=message,
        )
        for address in addresses:
            rule.add(address)
        sheet.add_data_validation(rule)


def _merge(sheet: Any, row: int, col: int, rowspan: int, colspan: int) -> None:
    if rowspan > 1 or colspan > 1:
        sheet.merge_cells(start_row=row, start_column=col, end_row=row + rowspan - 1, end_column=col + colspan - 1)


def _table_sheet(workbook: Any, table: str, grid: Grid, values: Mapping[str, object]) -> None:
    st = _styles()
    sheet = workbook.create_sheet(schema.TABLE_SHEETS[table])
    first = schema.GRID_FIRST_ROW
    sheet.cell(1, 1, grid.caption).font = st["title"]
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=grid.n_cols)
    inputs: dict[str, list[str]] = {"whole": [], "decimal": []}
    for cell in grid.cells:
        row, col = cell.row + first, cell.col + 1
        target = _put(sheet, row, col, _cell_value(values.get(cell.key)) if cell.is_figure else cell.text)
        target.alignment = st["centre"] if cell.is_figure else st["label"]
        target.fill = st["input"] if cell.is_figure else st["header"]
        if cell.is_figure:
            target.protection = st["unlocked"]
            kind = schema.figures()[cell.key].kind
            inputs["decimal" if kind is schema.Kind.WAN_YUAN else "whole"].append(target.coordinate)
        _merge(sheet, row, col, cell.rowspan, cell.colspan)
        for r in range(row, row + cell.rowspan):
            for c in range(col, col + cell.colspan):
                sheet.cell(r, c).border = st["border"]
    _validations(sheet, inputs)
    # Table 三's three label columns carry long row labels; every other column holds a number or a short heading.
    label_cols = min(c.col for c in grid.figure_cells()) if table == "t3" else 0
    widths = [40 if col < label_cols else 14 for col in range(grid.n_cols)]
    for col, width in enumerate(widths):
        sheet.column_dimensions[column_letter(col)].width = width
    for cell in grid.cells:  # long labels wrap: give their row the lines they need (a CJK character is 2 wide)
        if not cell.is_figure and cell.rowspan == 1:
            lines = -(-len(cell.text) * 2 // max(sum(widths[cell.col : cell.col + cell.colspan]) - 2, 1))
            dims = sheet.row_dimensions[cell.row + first]
            dims.height = max(dims.height or 0, 15 * lines) if lines > 1 else dims.height
    if table in ("t3", "t4"):
        _formulas(sheet, table, grid)
    last_row = max(sheet.max_row, first + grid.n_rows - 1)
    _print_setup(sheet, first + grid.head_rows - 1, last_row, max(sheet.max_column, grid.n_cols))
    _protect(sheet)


def _label(sheet: Any, row: int, col: int, text: str, width: int) -> None:
    st = _styles()
    cell = sheet.cell(row, col, text)
    cell.alignment, cell.font = st["label"], st["note"]
    _merge(sheet, row, col, 1, width)


def _formulas(sheet: Any, table: str, grid: Grid) -> None:
    """The table's sums and checks (outside the figure grid, locked, 不平衡 highlighted) and their captions."""
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Font, PatternFill

    st = _styles()
    cells = [c for c in formula_cells() if c.sheet == schema.TABLE_SHEETS[table]]
    if table == "t3":
        first = schema.GRID_FIRST_ROW
        for letters, heading in zip(t3_check_columns(), T3_RIGHT, strict=True):
            sheet.cell(first + 1, column_number(letters), heading).alignment = st["centre"]
            _merge(sheet, first + 1, column_number(letters), grid.head_rows - 1, 1)
            sheet.column_dimensions[letters].width = 14
        sheet.cell(first, column_number(t3_check_columns()[0]), "灰色格子自动计算，勿填").font = st["note"]
        sheet.column_dimensions[column_letter(column_number(t3_check_columns()[0]) - 2)].width = 3
        label_width = column_number(split_address(figure_address("t3.new_received.natural_person"))[0]) - 1
        for i, text in enumerate(T3_BELOW):
            _label(sheet, checks_row("t3") + i, 1, text, label_width)
    else:
        for group, _, _ in schema.T4_GROUPS:
            first = column_number(split_address(figure_address(f"t4.{group}.upheld"))[0])
            for i, text in enumerate(T4_BELOW):
                _label(sheet, checks_row(table) + i, first, text, len(schema.T4_OUTCOMES) - 1)
    for check in cells:
        cell = sheet[check.cell]
        cell.value = check.formula
        cell.fill, cell.alignment, cell.border = st["check"], st["centre"], st["border"]
    highlight = CellIsRule(
        operator="equal",
        formula=[f'"{UNBALANCED}"'],
        font=Font(bold=True, color="9C0006"),
        fill=PatternFill(bgColor="FFC7CE"),
    )
    sheet.conditional_formatting.add(" ".join(c.cell for c in cells if c.is_check), highlight)


def _field_sheet(
    workbook: Any,
    title: str,
    fields: tuple[schema.TextField, ...],
    values: Mapping[str, object],
    hints: Mapping[str, str],
) -> None:
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    st = _styles()
    sheet = workbook.create_sheet(title)
    for col, (heading, width) in enumerate((("项目", 28), ("键（勿改）", 32), ("内容", 100), ("填写提示", 40)), 1):
        sheet.cell(1, col, heading).font = Font(bold=True)
        sheet.column_dimensions[column_letter(col - 1)].width = width
    narrative = title == schema.NARRATIVE_SHEET
    for field in fields:
        row = schema.text_field_row(field.key)
        sheet.cell(row, 1, field.label + ("（必填）" if field.required else "")).alignment = st["label"]
        sheet.cell(row, schema.TEXT_KEY_COLUMN, field.key)
        value = _put(sheet, row, schema.TEXT_VALUE_COLUMN, _cell_value(values.get(field.key)))
        value.alignment = st["top"]
        value.fill, value.protection, value.border = st["input"], st["unlocked"], st["border"]
        hint = sheet.cell(row, schema.TEXT_VALUE_COLUMN + 1, hints.get(field.key, field.hint))
        hint.alignment = st["label"]
        if field.key in hints:
            hint.font = Font(bold=True)
        if narrative:
            sheet.row_dimensions[row].height = 120
        if field.key == "meta.year":
            rule = DataValidation(
                type="whole", operator="between", formula1="2000", formula2="2100", showErrorMessage=True
            )
            rule.error, rule.errorTitle = "请填写四位年份，如 2023。", "报告年度"
            rule.add(value.coordinate)
            sheet.add_data_validation(rule)
        elif field.key == "meta.body_kind":
            rule = DataValidation(
                type="list", formula1=f'"{",".join(schema.BODY_KIND_NAMES.values())}"', showErrorMessage=True
            )
            rule.error, rule.errorTitle = "请选择“政府”或“部门”。", "机关类型"
            rule.add(value.coordinate)
            sheet.add_data_validation(rule)
    _print_setup(sheet, 1, max(schema.text_field_row(f.key) for f in fields), 4)
    _protect(sheet)


def _instructions(workbook: Any) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet(INSTRUCTIONS_SHEET)
    sheet.column_dimensions["A"].width = 110
    t3_sum, t3_check = t3_check_columns()
    below = checks_row("t3")
    lines = [
        ("政府信息公开工作年度报告 数据填报工作簿 填写说明", True),
        ("本工作簿按国办公开办函〔2021〕30号《中华人民共和国政府信息公开工作年度报告格式》制作。", False),
        ("1. 只在黄色格子里填写；标签和灰色格子已锁定（工作表保护没有密码，确需修改可在“审阅”中撤销保护）。", False),
        (f"2. “{schema.META_SHEET}”：填写发布机关、报告年度（必填），发布日期、机关类型（政府 / 部门）。", False),
        (
            f"3. “{schema.T2_SHEET}”“{schema.T3_SHEET}”“{schema.T4_SHEET}”：与正式报告的三张统计表相同。"
            "件数填不小于 0 的整数；收费金额单位为万元，至多 6 位小数（1 元 = 0.0001 万元，1 分 = 0.000001 万元）。",
            False,
        ),
        ("4. 没有发生的填 0。空白、“—”“/”“无”或带单位的“12件”都会被指出，不会当成 0。", False),
        (
            f"5. 表三每行的“总计”要自己填写；右侧 {t3_sum} 列自动算出六类申请人之和，{t3_check} 列显示“平衡”或“不平衡”。",
            False,
        ),
        (
            f"6. 表三下方第 {below} 至 {below + 4} 行逐列核对：（七）总计应等于（一）至（六）各项之和；"
            "一（本年新收）＋二（上年结转）应等于（七）总计＋四（结转下年度）。显示“不平衡”的列请先核对。",
            False,
        ),
        ("7. 表四下方核对三组的“总计”是否等于结果维持、结果纠正、其他结果、尚未审结之和。", False),
        (
            f"8. “{schema.NARRATIVE_SHEET}”：每个部分、每个小标题一格；一格内多段用 Alt+Enter 换行分段。"
            "总体情况须写明主要数字；政府（非部门）还须说明工作考核、社会评议和责任追究结果。",
            False,
        ),
        ("9. 自动核对只是提示：生成报告时程序会按填写的数字重新核对全部规则，不依赖这些公式的结果。", False),
        (
            "10. 填好后保存，运行：generate-report 本文件.xlsx -o 输出文件夹（只校验：generate-report validate 本文件.xlsx）。",
            False,
        ),
    ]
    for row, (text, bold) in enumerate(lines, 1):
        cell = sheet.cell(row, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=14)
    _print_setup(sheet, 1, len(lines), 1)


def write_workbook(
    values: Mapping[str, object], appendix: str | None = None, hints: Mapping[str, str] | None = None
) -> bytes:
    """The fill-in workbook holding `values` (key → value); `load` reads it back to the same data.

    `appendix` names an empty last sheet, for a caller to fill in (aggregate streams its breakdown into it);
    `hints` (key → text) replaces a field's 填写提示 with what this workbook's reader needs to know."""
    import openpyxl
    from openpyxl.workbook.properties import CalcProperties

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    _instructions(workbook)
    for table, grid in schema.grids().items():
        _table_sheet(workbook, table, grid, values)
    _field_sheet(workbook, schema.META_SHEET, schema.META_FIELDS, values, hints or {})
    _field_sheet(workbook, schema.NARRATIVE_SHEET, schema.NARRATIVE_FIELDS, values, hints or {})
    if appendix:
        workbook.create_sheet(appendix)
    # openpyxl saves no formula results: ask Excel and WPS to calculate the check cells when the file opens.
    workbook.calculation = CalcProperties(fullCalcOnLoad=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def inferred_kind(body: str | None, kind: str | None) -> str:
    """政府 or 部门 as the body's name says when no kind was given ("" when it was, or the name does not say)."""
    return "" if kind or not body else body_kind(body.strip())


def initial_values(year: int | None = None, body: str | None = None, kind: str | None = None) -> dict[str, object]:
    """基本信息 prefilled for `init`; every figure stays blank (a blank is not 0). Without `kind`, the body's name
    gives it where it says (某某市自然资源局 -> 部门)."""
    values: dict[str, object] = {}
    if body:
        values["meta.body"] = body.strip()
    if year is not None:
        values["meta.year"] = str(year)
    if kind:
        values["meta.body_kind"] = schema.BODY_KIND_NAMES.get(kind, kind)
    elif inferred := inferred_kind(body, kind):
        values["meta.body_kind"] = inferred
    return values


def inferred_kind_hint(body: str, inferred: str) -> str:
    return f"未指定，按发布机关名称“{body.strip()}”推定为{inferred}；不对时请改选 政府 或 部门。"


def new_workbook(year: int | None = None, body: str | None = None, kind: str | None = None) -> bytes:
    """A blank fill-in workbook for `generate-report init`; a kind inferred from the name is said beside it."""
    inferred = inferred_kind(body, kind)
    hints = {"meta.body_kind": inferred_kind_hint(body or "", inferred)} if inferred else {}
    return write_workbook(initial_values(year, body, kind), hints=hints)
