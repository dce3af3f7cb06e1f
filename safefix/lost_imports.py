"""Import statements a fix deleted, wherever they stood, and the modules they no longer run.

Losing a module-level binding is one way a removed import breaks code (`removals.py`). The
other is losing what the import *ran*: an effect module (`effects.py`) no longer imported, a
submodule no longer set as its package's attribute. Those need no lost binding: a function's
`from . import signals` binds a local nobody reads, and `import pkg.sub` beside `import pkg`
leaves `pkg` bound. So imports are compared here statement by statement, in every scope.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from safefix.bindings import is_type_checking, statement_text
from safefix.types import TYPE_CHECKING_SEGMENT, Branch


@dataclass(frozen=True)
class LostImport:
    """One name of an import statement that the fix deleted."""

    name: str
    line: int
    col: int
    #: The enclosing definitions, outermost first (empty: the module body).
    scope: Branch
    statement: str
    #: What the import ran and the file's remaining module-level imports no longer run:
    #: dotted module names, relative ones with their leading dots (`..pkg.sub`).
    runs: tuple[str, ...]


def lost_imports(
    old: ast.Module, new: ast.Module, lines: Sequence[str] = (), nested: bool = True
) -> list[LostImport]:
    """The import names of `old` that `new` no longer has in the same scope; `nested`: look
    inside functions and classes too (False when the trees are only the import sections)."""
    remaining = Counter(key for key, _, _, _ in _imports(new.body, (), nested))
    still_run = {
        module
        for key, *_ in _imports(new.body, (), False)
        if TYPE_CHECKING_SEGMENT not in key[0]
        for module in _chain(key[1], key[2])
    }
    lost = []
    for key, stmt, alias, scope in _imports(old.body, (), nested):
        if remaining[key]:
            remaining[key] -= 1
            continue
        if TYPE_CHECKING_SEGMENT in scope:
            continue  # it never ran
        name = alias.asname or alias.name.split(".")[0]
        runs = tuple(m for m in _chain(key[1], key[2]) if m not in still_run)
        text = statement_text(stmt, lines)
        lost.append(LostImport(name, stmt.lineno, stmt.col_offset, scope, text, runs))
    return lost


_Key = tuple[Branch, str, str, str | None]


def _imports(
    body: Sequence[ast.stmt], scope: Branch, nested: bool
) -> Iterator[tuple[_Key, ast.Import | ast.ImportFrom, ast.alias, Branch]]:
    """Each imported name as (scope, module, name, alias), with its statement."""
    for stmt in body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                yield (scope, alias.name, "", alias.asname), stmt, alias, scope
        elif isinstance(stmt, ast.ImportFrom):
            module = "." * stmt.level + (stmt.module or "")
            for alias in stmt.names:
                if alias.name != "*":
                    yield (scope, module, alias.name, alias.asname), stmt, alias, scope
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if nested:
                yield from _imports(stmt.body, (*scope, stmt.name), nested)
        elif isinstance(stmt, ast.If) and is_type_checking(stmt.test):
            # an import moved here (ruff's TC rules) no longer runs: it counts as lost
            yield from _imports(stmt.body, (*scope, TYPE_CHECKING_SEGMENT), nested)
            yield from _imports(stmt.orelse, scope, nested)
        else:
            for field in ("body", "orelse", "finalbody"):
                yield from _imports(getattr(stmt, field, None) or (), scope, nested)
            for part in (*getattr(stmt, "handlers", ()), *getattr(stmt, "cases", ())):
                yield from _imports(part.body, scope, nested)


def _chain(module: str, name: str) -> list[str]:
    """The modules `import module` (or `from module import name`) may run, package first:
    `a`, `a.b`, `a.b.c`; relative ones keep their dots, without the importer's own package."""
    dots = len(module) - len(module.lstrip("."))
    full = (
        module if not name else (f"{module}{name}" if module.endswith(".") else f"{module}.{name}")
    )
    parts = full[dots:].split(".")
    return [full[:dots] + ".".join(parts[: i + 1]) for i in range(len(parts)) if parts[i]]
