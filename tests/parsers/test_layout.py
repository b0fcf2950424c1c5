"""The parser layout: family packages stand alone, no import cycle, a public API outside.

Reads the import statements of every module with ``ast`` (also those inside
functions and under TYPE_CHECKING), resolves relative imports to module names,
and checks the rules of the layout (README, "Parser layout"):
- no module of a family package (budget/, targets/, self_eval/, tracking/)
  imports another family, and no shared module imports a family (only the
  dispatcher, ``parsers/__init__``, knows them all);
- no import cycle among the parser modules;
- code outside the parsers (dagster_project, expectations, bench, and the tests)
  imports ``dagster_project.parsers`` and its shared modules, never a family package,
  and no private (``_name``) name of a parser module. A family's rule a test checks on
  one sentence is public in ``parsers.__all__`` (change_claims, budget_amount …).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PARSERS = "dagster_project.parsers"
FAMILIES = ("budget", "targets", "self_eval", "tracking")
OUTSIDE = ("dagster_project", "expectations", "bench", "tests")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for top in OUTSIDE for p in (ROOT / top).rglob("*.py")}


MODULES = _modules()


def imports_of(name: str, source: str, is_package: bool, known=MODULES) -> list[tuple[str, int]]:
    """(imported module, line) for every import in ``source``, relative ones resolved.

    ``from X import y`` names module X.y when that is a module, else X.
    """
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)] + ([node.module] if node.module else [])
                module = ".".join(base)
            else:
                module = node.module or ""
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                out.append((sub if sub in known else module, node.lineno))
    return out


def family_of(module: str) -> str | None:
    if not module.startswith(PARSERS + "."):
        return None
    top = module[len(PARSERS) + 1 :].split(".")[0]
    return top if top in FAMILIES else None


def _edges() -> dict[str, list[tuple[str, int]]]:
    return {
        name: imports_of(name, path.read_text(encoding="utf-8"), path.name == "__init__.py")
        for name, path in MODULES.items()
    }


EDGES = _edges()


def _parser_modules() -> list[str]:
    return sorted(m for m in MODULES if m == PARSERS or m.startswith(PARSERS + "."))


def test_the_walk_sees_the_layout():
    """The resolver finds the modules and the imports the layout rests on (so the rules below bite)."""
    parsers = _parser_modules()
    assert {f"{PARSERS}.{f}" for f in FAMILIES} <= set(parsers)
    assert {f"{PARSERS}.budget.document", f"{PARSERS}.targets.forms", f"{PARSERS}.tracking.monitoring"} <= set(parsers)
    walker = {m for m, _ in EDGES[f"{PARSERS}.budget.document"]}
    assert {f"{PARSERS}.rows", f"{PARSERS}.vocabulary", f"{PARSERS}.budget.tables"} <= walker
    dispatcher = {m for m, _ in EDGES[PARSERS]}
    assert {f"{PARSERS}.{f}" for f in FAMILIES} <= dispatcher
    loading = {m for m, _ in EDGES["dagster_project.loading"]}
    assert {PARSERS, f"{PARSERS}.bounds", f"{PARSERS}.records"} <= loading
    a_test = {m for m, _ in EDGES["tests.parsers.test_targets"]}  # the tests are walked too
    assert PARSERS in a_test


def test_a_cross_family_import_is_seen():
    """The rule's own check: the import budget.py once had is resolved to the targets family."""
    source = "from ..targets import forms as targets\nif TYPE_CHECKING:\n    from ..budget.walker import Row\n"
    found = imports_of(f"{PARSERS}.budget.walker", source, False)
    assert found == [(f"{PARSERS}.targets.forms", 1), (f"{PARSERS}.budget.walker", 3)]
    assert family_of(found[0][0]) == "targets"


def test_no_family_imports_another():
    offending = []
    for module in _parser_modules():
        if module == PARSERS:
            continue  # the dispatcher hands each family its lines
        own = family_of(module)
        for target, line in EDGES[module]:
            other = family_of(target)
            if other and other != own:
                where = f"family {own}" if own else "shared module"
                offending.append(f"{module} line {line} imports {target} ({where} → family {other})")
    assert offending == []


def test_no_import_cycle_among_parser_modules():
    parsers = set(_parser_modules())
    graph = {m: sorted({t for t, _ in EDGES[m] if t in parsers and t != m}) for m in parsers}
    cycles = []
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in graph[module]:
            if state.get(target) == "open":
                cycles.append(" → ".join(path[path.index(target) :] + [module, target]))
            elif target not in state:
                visit(target, path + [module])
        state[module] = "done"

    for module in sorted(parsers):
        if module not in state:
            visit(module, [])
    assert cycles == []


def test_outside_code_uses_the_public_api():
    offending = [
        f"{module} line {line} imports {target} (a family's internals: use dagster_project.parsers)"
        for module in sorted(MODULES)
        if not module.startswith(PARSERS)
        for target, line in EDGES[module]
        if family_of(target)
    ]
    assert offending == []


def _names_family(node: ast.expr) -> bool:
    """``family``, ``st.family``, ``spec.name``: a value that says which family is read."""
    text = ast.unparse(node) if isinstance(node, ast.Name | ast.Attribute) else ""
    return text.split(".")[-1] == "family" or text.endswith("spec.name")


def _family_mentions(name: str, source: str) -> list[str]:
    """Where shared code names a family: a family constant, a family name, a ``family ==`` test."""
    family_names = set(FAMILIES) | {"target", "SELF_EVAL", "TRACKING", "TARGET", "BUDGET"}
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in family_names:
            found.append(f"{name} line {node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Name) and node.id in family_names:
            found.append(f"{name} line {node.lineno}: {node.id}")
        elif isinstance(node, ast.Constant) and node.value in family_names:
            found.append(f"{name} line {node.lineno}: {node.value!r}")
        elif isinstance(node, ast.Compare) and any(_names_family(side) for side in (node.left, *node.comparators)):
            found.append(f"{name} line {node.lineno}: {ast.unparse(node)}")
    return found


def test_the_check_sees_a_family_branch():
    source = (
        "if st.family == TRACKING:\n    pass\nlabels = vocabulary.labels(vocabulary.SELF_EVAL)\n"
        "if 'x' != st.spec.name and sum(fund_column(c, family) for c in cells) >= 2:\n    pass\n"
    )
    assert _family_mentions("m", source) == [
        "m line 1: st.family == TRACKING", "m line 1: TRACKING", "m line 3: vocabulary.SELF_EVAL",
        "m line 4: 'x' != st.spec.name",
    ]


def test_the_report_table_grid_names_no_family():
    """report_table/ reads the grid both report families print; what a family adds comes in as a
    ReportFamily declared in the family's package (self_eval/, tracking/), never as a branch."""
    grid = [m for m in MODULES if m == f"{PARSERS}.report_table" or m.startswith(f"{PARSERS}.report_table.")]
    assert len(grid) > 1
    assert [hit for m in grid for hit in _family_mentions(m, MODULES[m].read_text(encoding="utf-8"))] == []


def private_imports(name: str, source: str) -> list[str]:
    """``from dagster_project.parsers… import _name``: a module's private name used from outside it."""
    return [
        f"{name} line {node.lineno} imports {node.module}.{alias.name} (private: use the public API)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PARSERS)
        for alias in node.names
        if alias.name.startswith("_") and alias.name != "__version__"
    ]


def test_a_private_import_is_seen():
    source = "from dagster_project.parsers.report_table.reader import _dispatch, parse_report_table\n"
    assert private_imports("t", source) == [
        "t line 1 imports dagster_project.parsers.report_table.reader._dispatch (private: use the public API)"
    ]


def test_outside_code_imports_no_private_parser_name():
    outside = [m for m in sorted(MODULES) if not m.startswith(PARSERS)]
    assert [hit for m in outside for hit in private_imports(m, MODULES[m].read_text(encoding="utf-8"))] == []
