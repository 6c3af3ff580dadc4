"""The package's layers, declared once here: every import (function-level ones too) flows from a higher layer to a
lower one, never in a cycle; imports between the package's own modules sit at the top of their files."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from generator.version import __version__

PACKAGE = ROOT / "generator"

# Lowest first. A package may import from its own modules and from any package in an earlier entry; packages that
# share an entry (readers and importers) may not import each other. "api" is generator/__init__.py.
LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(names.split())
    for names in (
        "exceptions version",
        "format",
        "readers importers",
        "checks",
        "jinja",
        "workbook",
        "render",
        "compare",
        "bulk",
        "audit",
        "api",
        "cli",
        "__main__",
    )
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
HEAVY = ("pandas", "numpy", "openpyxl", "docx", "docxtpl", "lxml", "tqdm", "python_redlines", "pdfplumber")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def layer(module: str) -> str:
    parts = module.split(".")
    return "api" if len(parts) == 1 else parts[1]


def package_imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported generator module, line, inside a function) for every import statement of a file."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nested = {
        id(sub)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for sub in ast.walk(node)
    }
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from generator.format import schema` imports the module generator.format.schema
            targets = [
                f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in MODULES else node.module
                for alias in node.names
            ]
        for target in targets:
            if target == "generator" or target.startswith("generator."):
                found.append((target, node.lineno, id(node) in nested))
    return found


GRAPH = {name: package_imports(path) for name, path in MODULES.items()}


def test_every_package_is_in_a_declared_layer():
    assert {layer(m) for m in MODULES} <= set(RANK), "a new package needs its place in LAYERS"


def test_imports_flow_from_higher_layers_to_lower_ones():
    wrong = []
    for module, imports in GRAPH.items():
        for target, line, _ in imports:
            source_layer, target_layer = layer(module), layer(target)
            if source_layer != target_layer and RANK[target_layer] >= RANK[source_layer]:
                wrong.append(f"{MODULES[module].relative_to(ROOT)}:{line} {module} -> {target}")
    assert wrong == []


def test_no_import_cycle_between_modules():
    edges = {m: sorted({t for t, _, _ in imports if t in MODULES and t != m}) for m, imports in GRAPH.items()}
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in edges[node]:
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []


# The exceptions, declared here: the library API (the top layer, which nothing imports, so no cycle can pass
# through it) loads everything when first used, so that `import generator.format.schema` loads only format/ and
# one report does not wait for the other subsystems; and the audit package's own `audit` function (the API's
# generator.audit) loads the audit's modules when it runs.
LOADED_ON_FIRST_USE = ("generator.audit.", "generator.bulk.", "generator.compare.", "generator.importers.")
NESTED_ALLOWED = {
    "generator": ("generator.",),
    "generator.audit": ("generator.audit.", "generator.version"),
    "generator.cli.start": ("generator.cli.main",),  # --version answered before the commands load
    # The scan extra (numpy, Pillow) is optional: loaded only to read a scan or show a scan's cell.
    "generator.importers.report": ("generator.importers.scan",),
    "generator.audit.evidence": ("generator.importers.scan",),
}


def test_package_imports_are_at_the_top_of_each_file():
    inside = [
        f"{MODULES[m].relative_to(ROOT)}:{line} {target}"
        for m, imports in GRAPH.items()
        for target, line, nested in imports
        if nested and not target.startswith(NESTED_ALLOWED.get(m, ()))
    ]
    assert inside == []


def test_the_lazily_loaded_names_exist_and_obey_the_layers():
    """The API's types loaded by name and the commands loaded when named: each is where its table says, and the
    table names only modules the importer could reach by the layer order."""
    import generator
    from generator.cli.main import COMMANDS

    for name, module in generator.LAZY_TYPES.items():
        assert module.startswith(LOADED_ON_FIRST_USE) and module in MODULES, module
        assert getattr(generator, name).__name__ == name
    for name, module in generator.LAZY_NAMES.items():
        assert module in MODULES and getattr(generator, name) is getattr(importlib.import_module(module), name)
    for name, (module, attribute) in COMMANDS.items():
        assert layer(module) == "cli" and module in MODULES, module
        assert getattr(importlib.import_module(module), attribute).name == name


def test_the_command_line_starts_without_the_heavy_libraries():
    """Only work that needs pandas, openpyxl or python-docx loads them: `--help` and `validate x.csv` stay quick."""
    code = "import sys, generator.cli.main; print(' '.join(sorted(m for m in sys.modules if '.' not in m)))"
    loaded = set(
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    )
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)


def test_the_version_is_answered_before_any_command_loads():
    """`generate-report --version` (scripts and installers ask it) prints the version without loading click, Jinja
    or the report's code; the same command's other arguments reach the commands."""
    code = (
        "import sys; sys.argv = ['generate-report', '--version']\n"
        "from generator.cli.start import main; main()\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    run = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    version, loaded = run.stdout.splitlines()
    assert version == f"generate-report，版本 {__version__}"
    heavy = [m for m in loaded.split() if m in ("click", "jinja2", "lxml") or m.startswith("generator.render")]
    assert heavy == []
    run = subprocess.run([sys.executable, "-m", "generator", "--help"], check=True, capture_output=True, text=True)
    assert "政府信息公开工作年度报告生成工具" in run.stdout


def test_one_report_does_not_load_the_other_subsystems():
    """`generate-report data.xlsx` imports the pipeline it runs, not the importers, comparison, batch or audit."""
    code = "import sys, generator.cli.main; print(' '.join(sorted(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    others = (
        "generator.audit.",
        "generator.bulk.",
        "generator.compare.",
        "generator.importers.text",
        "generator.cli.commands",
    )
    assert [m for m in loaded if m.startswith(others)] == []


def test_a_report_of_the_standard_template_does_not_load_python_docx(tmp_path):
    """python-docx and docxtpl cost 60 ms of imports that only a template with docxtpl's tree features or a value
    holding a page break needs (the Word file is filled as text, typeset with lxml), and Pillow 15 ms more that
    openpyxl would load; openpyxl itself (115 ms) is not needed to read a workbook's cells."""
    code = (
        "import sys; from generator.cli.main import cli\n"
        "try:\n    cli([sys.argv[1], '-o', sys.argv[2]])\n"
        "except SystemExit as done:\n    assert done.code == 0, done.code\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    sample = ROOT / "data_samples" / "mengzhou-2023.xlsx"
    run = subprocess.run([sys.executable, "-c", code, str(sample), str(tmp_path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    loaded = set(run.stdout.split())
    assert (tmp_path / "mengzhou-2023.docx").is_file() and (tmp_path / "mengzhou-2023.html").is_file()
    assert {"jinja2", "lxml"} <= loaded  # the report ran through its real path
    unused = {"docx", "docxtpl", "PIL", "numpy", "openpyxl"}  # the workbook is read from its XML (sheet_xml)
    assert loaded.isdisjoint(unused), loaded & unused


def test_the_api_names_and_the_subpackages_of_the_same_name_both_work():
    """generator.render and generator.audit are the API's functions and packages whose modules import as any."""
    code = (
        "import sys\n"
        "import generator.format.schema\n"
        "heavy = [m for m in sys.modules if m == 'jinja2' or m.startswith(('generator.checks', 'generator.render',"
        " 'generator.audit', 'generator.jinja'))]\n"
        "import generator.render.html as a, generator.audit.store as b\n"  # the issue's own words (0.2's place)
        "import generator.render.page.html as page\n"
        "import generator\n"
        "print(heavy, callable(generator.render), callable(generator.audit), page.__name__, b.__name__,"
        " a.render_html is page.render_html)"
    )
    run = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert run.stdout.split() == ["[]", "True", "True", "generator.render.page.html", "generator.audit.store", "True"]
