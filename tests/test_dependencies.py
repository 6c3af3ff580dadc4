"""Only what is used is installed: every required dependency is imported by generator/, every import is declared."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import subprocess
import sys
import tomllib
from decimal import Decimal

import pytest
from conftest import ROOT, SAMPLE_CSV

import generator
from generator.exceptions import GenerateReportError, pip_install

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def distribution(requirement: str) -> str:
    """ "python-docx>=1.1" -> "python-docx"."""
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match, requirement
    return match[0]


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_modules() -> set[str]:
    """The top-level names of everything generator/ imports (function-level imports too), outside the stdlib."""
    names: set[str] = set()
    for path in (ROOT / "generator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {name for name in names if name not in sys.stdlib_module_names and name != "generator"}


def provided_modules() -> dict[str, set[str]]:
    """Installed distribution (normalised name) -> the top-level modules it provides."""
    provided: dict[str, set[str]] = {}
    for module, dists in importlib.metadata.packages_distributions().items():
        for dist in dists:
            provided.setdefault(normal(dist), set()).add(module)
    return provided


REQUIRED = [distribution(r) for r in PROJECT["dependencies"]]
OPTIONAL = [distribution(r) for group in PROJECT["optional-dependencies"].values() for r in group]


@pytest.mark.parametrize("dist", REQUIRED)
def test_every_required_dependency_is_imported_by_the_package(dist):
    modules = provided_modules().get(normal(dist), set())
    assert modules, f"{dist} is not installed"
    assert modules & imported_modules(), f"{dist} ({', '.join(sorted(modules))}) is required but never imported"


def test_every_imported_package_is_declared():
    declared = {module for dist in REQUIRED + OPTIONAL for module in provided_modules().get(normal(dist), set())}
    assert imported_modules() - declared == set()


def test_pandas_is_an_optional_extra_not_a_requirement():
    assert "pandas" not in map(normal, REQUIRED)
    assert PROJECT["optional-dependencies"]["analysis"] == ["pandas>=2.0"]


def test_figures_frame_holds_every_figure_of_each_report():
    data = generator.load(SAMPLE_CSV)
    frame = generator.figures_frame([data, data])
    assert list(frame.columns) == ["source", "body", "year", "key", "label", "value"]
    assert len(frame) == 2 * len(data.figures)
    fees = frame[frame.key == "t2.art20_8.admin_fees.amount_wan_yuan"].iloc[0]
    assert (fees.body, fees.year, fees.value) == ("孟州市人民政府", 2023, Decimal("4351.7195"))


def test_one_report_does_not_import_pandas():
    code = f"import sys, generator; generator.validate(generator.load({str(SAMPLE_CSV)!r})); print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "False"


def test_figures_frame_without_pandas_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if the extra were not installed
    with pytest.raises(GenerateReportError) as raised:
        generator.figures_frame(generator.load(SAMPLE_CSV))
    assert str(raised.value) == '需要 pandas：请安装 python3 -m pip install "generate-report[analysis]"。'


@pytest.mark.parametrize(
    ("platform", "command"), [("win32", "py -m pip install x"), ("linux", "python3 -m pip install x")]
)
def test_install_hints_start_python_as_the_platform_does(monkeypatch, platform, command):
    monkeypatch.setattr(sys, "platform", platform)
    assert pip_install("x") == command
