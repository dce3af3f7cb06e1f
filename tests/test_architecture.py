"""The shape of `safefix/`: no import cycle among its modules, and a run with nothing to fix
imports none of the stages it does not need (their start-up is most of such a run's cost)."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

from support import REPO, ruff, run

PACKAGE = REPO / "safefix"


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, modules: set[str]) -> set[str]:
    """The `safefix` modules a module imports, wherever the import stands: at module level,
    inside functions (which run when first needed) and under `if TYPE_CHECKING:` (which never
    runs, but a cycle there still knots the modules together for a reader and for mypy)."""
    module = module_name(path)
    package = module if path.stem == "__init__" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against this module's package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *filter(None, [base])])
            for alias in node.names:  # `from safefix import ruff` imports the module
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else base)
    return {name for name in found if name in modules and name != module}


def graph() -> dict[str, set[str]]:
    """Every module of `safefix/` (subpackages too) and the package modules it imports."""
    # `safefix/__init__.py` is the facade (`__version__`, a lazy `run`) that every import of a
    # submodule runs first anyway: an edge to or from it knots no two stages together
    paths = sorted(p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "__init__.py")
    modules = {module_name(path) for path in paths}
    return {module_name(path): imports(path, modules) for path in paths}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return found


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_among_safefix_modules() -> None:
    edges = graph()
    assert {"safefix.ruff", "safefix.keep"} <= edges["safefix.pipeline"]  # `keep`: in a function
    assert "safefix.ahead" in edges["safefix.session"]  # under TYPE_CHECKING only
    assert cycles(edges) == []


#: Prints the modules a CLI run imported, whichever way it exits.
WRAPPER = """
import json, sys
from safefix.cli import main
try:
    main(sys.argv[1:])
finally:
    sys.stderr.write("MODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""
#: Never imported by a run whose lint finds nothing to fix.
NOT_FOR_A_CLEAN_RUN = {
    "libcst",
    "re2",
    "safefix.consumers",
    "safefix.kinds",
    "safefix.screen",
    "safefix.bindings",
    "safefix.cache",
    "safefix.keep",
    "safefix.restore",
    "safefix.restore_cst",
    "safefix.removals",
    "safefix.policy",
}


def modules_of_a_run(project: Path) -> set[str]:
    proc = run([sys.executable, "-c", WRAPPER, "."], project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "All checks passed!" in proc.stdout
    line = proc.stderr.splitlines()[-1]
    assert line.startswith("MODULES ")
    return set(json.loads(line.removeprefix("MODULES ")))


def test_a_clean_run_imports_no_stage_it_does_not_need(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ruff.lint]\nselect = ["F401"]\n')
    (tmp_path / "app").mkdir()
    (tmp_path / "app/__init__.py").write_text("")
    (tmp_path / "app/main.py").write_text("import os\n\nprint(os.sep)\n")
    cold = modules_of_a_run(tmp_path)  # no ruff cache: a lint, and stand-ins made beside it
    assert "safefix.flows" in cold
    assert not cold & NOT_FOR_A_CLEAN_RUN, cold & NOT_FOR_A_CLEAN_RUN
    assert ruff(tmp_path, "check", "-q", ".").returncode == 0
    warm = modules_of_a_run(tmp_path)  # ruff's cache: its lint alone says there is no work
    assert not warm & NOT_FOR_A_CLEAN_RUN, warm & NOT_FOR_A_CLEAN_RUN
    assert not warm & {"safefix.workspace", "safefix.ahead", "tempfile"}
