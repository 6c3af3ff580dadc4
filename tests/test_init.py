"""`generate-report init`: the fill-in workbook's layout, protection and validation, and its live checks after a
real recalculation by LibreOffice (as Excel or WPS would do when staff open and save it)."""

from __future__ import annotations

import openpyxl
import pytest
from conftest import SAMPLE_CSV, SAMPLE_XLSX, soffice_convert

from generator import load, validate
from generator.format import schema
from generator.format.grid import sheet_address
from generator.workbook.layout import BALANCED, INCOMPLETE, UNBALANCED, check_cells, formula_cells
from generator.workbook.writer import INSTRUCTIONS_SHEET, new_workbook


def fill(path, values: dict[str, str]) -> None:
    """Type values into the input cells with openpyxl, as staff would in Excel (numbers as numbers)."""
    workbook = openpyxl.load_workbook(path)
    for key, value in values.items():
        if key in schema.figures():
            fig = schema.figures()[key]
            workbook[fig.sheet][fig.cell] = float(value) if "." in value else int(value)
        elif key.startswith(("meta.", "narrative.")):
            sheet = schema.META_SHEET if key.startswith("meta.") else schema.NARRATIVE_SHEET
            workbook[sheet].cell(schema.text_field_row(key), 3, value)
    workbook.save(path)


def check_values(path) -> dict[str, object]:
    workbook = openpyxl.load_workbook(path, data_only=True)
    return {name: workbook[c.sheet][c.cell].value for name, c in check_cells().items()}


def test_init_prefills_the_metadata_and_leaves_every_figure_blank(run, tmp_path):
    result = run("init", "2024.xlsx", "--year", 2024, "--body", "某县交通运输局", "--kind", "department")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "已生成：2024.xlsx"
    data = load(tmp_path / "2024.xlsx")
    assert (data.body, data.year, data.meta["body_kind"]) == ("某县交通运输局", 2024, "department")
    assert data.figures == {}
    report = validate(data)
    figure_findings = [f for f in report.errors if f.key in schema.figures()]
    assert len(figure_findings) == 200
    assert all(f.code == "E-cell" and "为空" in f.message for f in figure_findings)  # blank, never read as 0


@pytest.mark.parametrize(("typed", "kind"), [("局", "department"), ("部门", "department"), ("人民政府", "government")])
def test_init_kind_is_read_as_the_body_kind_cell_is(run, tmp_path, typed, kind):
    """What a clerk types in 机关类型 (局, 委, 办 mean a department) is what --kind takes."""
    assert run("init", "k.xlsx", "--kind", typed).exit_code == 0
    assert load(tmp_path / "k.xlsx").meta["body_kind"] == kind


KIND_HINT = (schema.META_SHEET, schema.text_field_row("meta.body_kind"), schema.TEXT_VALUE_COLUMN + 1)


def kind_cells(path) -> tuple[object, object]:
    """The 机关类型 row of 基本信息 as a clerk sees it: (the value, its 填写提示)."""
    sheet_name, row, hint_column = KIND_HINT
    sheet = openpyxl.load_workbook(path)[sheet_name]
    return sheet.cell(row, hint_column - 1).value, sheet.cell(row, hint_column).value


@pytest.mark.parametrize(
    ("body", "kind", "named"),
    [
        ("某某市自然资源局", "department", "部门"),
        ("某某县发展和改革委", "department", "部门"),
        ("某某区人民政府办公室", "department", "部门"),
        ("某某市政务服务中心", "department", "部门"),
        ("某某省财政厅", "department", "部门"),
        ("某某县人民政府", "government", "政府"),
        ("某某街道办事处", "government", "政府"),
    ],
)
def test_init_infers_the_kind_from_the_body_and_says_so(run, tmp_path, body, kind, named):
    result = run("init", "k.xlsx", "--body", body)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == f"机关类型：按名称推定为{named}（不对时在“基本信息”中改选，或加 --kind）。"
    assert load(tmp_path / "k.xlsx").meta["body_kind"] == kind
    assert kind_cells(tmp_path / "k.xlsx") == (
        named,
        f"未指定，按发布机关名称“{body}”推定为{named}；不对时请改选 政府 或 部门。",
    )


def test_init_kind_given_or_not_inferable_is_not_said_to_be_inferred(run, tmp_path):
    assert run("init", "given.xlsx", "--body", "某某市自然资源局", "--kind", "政府").exit_code == 0
    assert kind_cells(tmp_path / "given.xlsx") == ("政府", "政府 或 部门（government / department）")
    result = run("init", "unclear.xlsx", "--body", "某某乡")  # a 乡's full name ends in 人民政府
    assert "机关类型" not in result.stdout
    assert kind_cells(tmp_path / "unclear.xlsx") == (None, "政府 或 部门（government / department）")


def test_init_without_options_leaves_the_metadata_to_fill(run, tmp_path):
    assert run("init", "blank.xlsx").exit_code == 0
    report = validate(load(tmp_path / "blank.xlsx"))
    assert ("E-meta", "meta.body") in report.flatten() and ("E-meta", "meta.year") in report.flatten()


def test_init_never_overwrites_without_overwrite(run, tmp_path):
    target = tmp_path / "已填写.xlsx"
    target.write_bytes(b"filled in by staff")
    result = run("init", target)
    assert result.exit_code == 3
    assert (
        result.stderr
        == f"错误：{target} 已存在；为免覆盖已填写的数据，未写入。请换一个文件名，或加 --overwrite 覆盖。\n"
    )
    assert target.read_bytes() == b"filled in by staff"
    assert run("init", target, "--overwrite").exit_code == 0
    assert load(target).figures == {}


def test_init_still_takes_the_old_spelling_force_with_a_notice(run, tmp_path):
    target = tmp_path / "旧写法.xlsx"
    target.write_bytes(b"old")
    result = run("init", target, "--force")
    assert result.exit_code == 0
    assert result.stderr == "提示：--force 在此命令中已改名为 --overwrite（覆盖已有文件），旧写法仍可使用。\n"
    assert load(target).figures == {}


@pytest.mark.parametrize(
    "args",
    [["init", "x.csv"], ["init", "x.xlsx", "--year", "1999"], ["init", "x.xlsx", "--kind", "ministry"], ["init"]],
)
def test_init_usage_errors_exit_2(run, tmp_path, args):
    assert run(*args).exit_code == 2
    assert list(tmp_path.glob("x.*")) == []


def test_layout_protection_and_validation_come_from_the_schema(tmp_path):
    path = tmp_path / "new.xlsx"
    path.write_bytes(new_workbook(2024, "甲市人民政府", "government"))
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames[0] == INSTRUCTIONS_SHEET
    assert "平衡" in " ".join(str(c.value) for c in workbook[INSTRUCTIONS_SHEET]["A"])
    figure_cells = {(f.sheet, f.cell): f for f in schema.figures().values()}
    for table, grid in schema.grids().items():
        sheet = workbook[schema.TABLE_SHEETS[table]]
        assert sheet.protection.sheet and not sheet.protection.password
        merged = {str(r) for r in sheet.merged_cells.ranges}
        rules = {str(cell): rule.type for rule in sheet.data_validations.dataValidation for cell in rule.sqref}
        for cell in grid.cells:
            address = sheet_address(cell, schema.GRID_FIRST_ROW)
            if cell.rowspan > 1 or cell.colspan > 1:
                end = sheet_address(
                    type(cell)(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1), schema.GRID_FIRST_ROW
                )
                assert f"{address}:{end}" in merged
            if cell.is_figure:
                fig = figure_cells[(sheet.title, address)]
                assert sheet[address].protection.locked is False
                assert sheet[address].value is None
                expected = "decimal" if fig.kind is schema.Kind.WAN_YUAN else "whole"
                assert rules[address] == expected, address
            else:
                assert sheet[address].protection.locked is True
                assert sheet[address].value == cell.text
        assert sum(1 for a in rules if (sheet.title, a) in figure_cells) == len(grid.figure_cells())
    for sheet_name, fields in (
        (schema.META_SHEET, schema.META_FIELDS),
        (schema.NARRATIVE_SHEET, schema.NARRATIVE_FIELDS),
    ):
        sheet = workbook[sheet_name]
        assert sheet.protection.sheet
        for field in fields:
            row = schema.text_field_row(field.key)
            assert sheet.cell(row, 2).value == field.key and sheet.cell(row, 2).protection.locked is True
            assert sheet.cell(row, 3).protection.locked is False
    assert workbook[schema.META_SHEET].cell(schema.text_field_row("meta.body_kind"), 3).value == "政府"


def test_formula_cells_sit_outside_the_figure_grid(tmp_path):
    path = tmp_path / "new.xlsx"
    path.write_bytes(new_workbook())
    workbook = openpyxl.load_workbook(path)
    figure_cells = {(f.sheet, f.cell) for f in schema.figures().values()}
    grids = {schema.TABLE_SHEETS[t]: g for t, g in schema.grids().items()}
    assert len(check_cells()) == 25 + 7 * 2 + 3
    assert len(formula_cells()) == len(check_cells()) + 25 + 7 * 3 + 3  # the sums the checks compare with
    for formula in formula_cells():
        assert (formula.sheet, formula.cell) not in figure_cells
        cell = workbook[formula.sheet][formula.cell]
        grid = grids[formula.sheet]
        inside = cell.row < schema.GRID_FIRST_ROW + grid.n_rows and cell.column <= grid.n_cols
        assert not inside, formula
        assert cell.value == formula.formula and cell.protection.locked is True
        assert formula.formula.startswith("=IF(COUNT(" if formula.is_check else ("=SUM(", "="))
    assert check_cells()["t3.balance.natural_person"].formula == (
        '=IF(COUNT(D5,D6,D28,D29)<4,"未填完",IF(D33=D34,"平衡","不平衡"))'
    )


def test_the_bundled_sample_comes_from_the_same_writer():
    workbook = openpyxl.load_workbook(SAMPLE_XLSX)
    assert workbook.sheetnames[0] == INSTRUCTIONS_SHEET
    for check in check_cells().values():
        assert workbook[check.sheet][check.cell].value == check.formula
    # openpyxl saves no formula results: the reader must not care, it reads only the typed figures.
    assert set(check_values(SAMPLE_XLSX).values()) == {None}
    assert validate(load(SAMPLE_XLSX)).valid


def test_fill_recalculate_and_read_back(tmp_path, sample_values):
    """init, type the sample's figures, let LibreOffice recalculate and save: the same figures, all checks 平衡;
    break one figure and blank another: the checks show 不平衡 and 未填完 where they should, nowhere else."""
    good, broken = tmp_path / "good.xlsx", tmp_path / "broken.xlsx"
    for path in (good, broken):
        path.write_bytes(new_workbook(2023, "孟州市人民政府", "government"))
    fill(good, sample_values)
    changed = dict(sample_values)
    changed["t3.carried_forward.natural_person"] = "1"  # 一+二 = 93 but (七)+四 = 94; the row no longer adds up
    changed.pop("t4.review.pending")
    fill(broken, changed)

    recalculated = soffice_convert(good, "xlsx", tmp_path / "lo")
    data = load(recalculated)
    expected = load(SAMPLE_CSV)
    assert dict(data.figures) == dict(expected.figures) and len(data.figures) == 200
    assert dict(data.narrative) == dict(expected.narrative)
    assert validate(data).valid
    assert set(check_values(recalculated).values()) == {BALANCED}

    recalculated = soffice_convert(broken, "xlsx", tmp_path / "lo2")
    checks = check_values(recalculated)
    assert {name for name, value in checks.items() if value == UNBALANCED} == {
        "t3.balance.natural_person",
        "t3.row.carried_forward",
    }
    assert {name for name, value in checks.items() if value == INCOMPLETE} == {"t4.total.review"}
    data = load(recalculated)
    assert data.figures["t3.carried_forward.natural_person"] == 1  # the typed figure, not a formula's opinion
    report = validate(data)
    assert ("E-cell", "t4.review.pending") in report.flatten()
    assert {"E-balance", "E-row-total"} <= {code for code, _ in report.flatten()}
