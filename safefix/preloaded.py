"""Was a module already loaded when a file's dropped import of it would have run?

An import dropped by a fix (F401) can only change import order if it was the first to load
its target. Importing `a.b.f` runs `a/__init__.py` and then `a/b/__init__.py` first (up to
where they import the branch that leads to `f`), so a target those `__init__`s import before
that point is loaded before `f` runs, whatever `f` says: dropping `f`'s import of it changes
nothing. Deciding this reads only the package chain's `__init__` files, where following the
import order through the whole package (the model) would read every module it reaches.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from safefix.bindings import parse
from safefix.modules import ModuleMap

#: The absolute names an `__init__` file's top level imports, in order (memoised by the caller).
Imports = Callable[[Path], list[str]]


def preloaded(target: str, path: Path, modules: ModuleMap, imports: Imports) -> bool:
    """Whether `target` is loaded by `path`'s package chain before `path` itself runs."""
    name = modules.display_name(path)
    parts = name.split(".")
    chain = parts[:-1]  # the packages above (a package's own __init__ is its module)
    for depth in range(1, len(chain) + 1):
        package = ".".join(chain[:depth])
        branch = ".".join(parts[: depth + 1])
        for loaded in _init_imports(package, modules, imports):
            if loaded == target or loaded.startswith(target + "."):
                return True
            if loaded == branch or loaded.startswith(branch + "."):
                break  # the branch towards `path` loads first: look one package deeper
    return False


def _init_imports(package: str, modules: ModuleMap, imports: Imports) -> Iterator[str]:
    for file in modules.files(package):
        if file.name == "__init__.py":
            yield from imports(file)


def top_level_imports(path: Path, modules: ModuleMap) -> list[str]:
    """The absolute modules `path`'s top-level statements import, in order (`from .x import
    y` names `pkg.x` and `pkg.x.y`, which may be a submodule); nothing when it does not parse."""
    try:
        tree = parse(path.read_bytes(), str(path))
    except (OSError, SyntaxError, ValueError):
        return []
    found: list[str] = []
    for stmt in _runs_on_import(tree.body):
        if isinstance(stmt, ast.Import):
            found += [alias.name for alias in stmt.names]
        elif isinstance(stmt, ast.ImportFrom):
            base = modules.absolute(path, stmt.level, stmt.module) if stmt.level else stmt.module
            if base:
                found += [base, *(f"{base}.{alias.name}" for alias in stmt.names)]
    return found


def _runs_on_import(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a module body that certainly run, in order: the body's own and a
    `try`'s (an `if` arm may not run, so its imports do not count as loading anything)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.Try):
            yield from _runs_on_import(stmt.body)
