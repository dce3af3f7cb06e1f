"""Does a star-importing module bind a name again after the star import that brought it?

`from .results import *` then `from .core import *` in a package `__init__`: when both export
`Dict`, the package's users get `core`'s, so a consumer of `pkg.Dict` does not consume the
`Dict` that `results` imports. Only unconditional module-level statements count (a binding
under `if` or `try` may not run), so the answer errs towards keeping. The importer is read as
it is on disk: which module served the name is a question about the program its consumers
were written against (a sort that moves `from .results import *` last would otherwise make
the unused import it exports look consumed, and keeping it would change what they get).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from safefix.bindings import bound_names, parse
from safefix.kinds._syntax import literal_all
from safefix.modules import ModuleMap

#: Reads a file's bytes (the index's copy when it has one); OSError when it cannot.
Reader = Callable[[Path], bytes]


def rebound_after_star(
    importer: Path, exporter: Path, name: str, modules: ModuleMap, read: Reader
) -> bool:
    """Whether `importer`, after `from <exporter> import *`, binds `name` again for good."""
    tree = _tree(importer, read)
    if tree is None:
        return False
    targets = set(modules.names.get(exporter, ()))
    star_seen = False
    for stmt in tree.body:
        star = _star_module(stmt, importer, modules)
        if star is not None and star in targets:
            star_seen = True
            continue
        if not star_seen:
            continue
        if star is not None:
            if any(_exports(path, name, read) for path in modules.files(star)):
                return True
        elif _binds(stmt, name):
            return True
    return False


def _tree(path: Path, read: Reader) -> ast.Module | None:
    try:
        return parse(read(path), str(path))
    except (OSError, SyntaxError):
        return None


def _star_module(stmt: ast.stmt, importer: Path, modules: ModuleMap) -> str | None:
    """The absolute module a `from M import *` statement reads, or None."""
    if not isinstance(stmt, ast.ImportFrom) or [a.name for a in stmt.names] != ["*"]:
        return None
    if not stmt.level:
        return stmt.module
    return modules.absolute(importer, stmt.level, stmt.module)


def _exports(path: Path, name: str, read: Reader) -> bool:
    """Whether `from <path's module> import *` certainly binds `name`: listed in its literal
    `__all__`, or (without one) a public name its body binds unconditionally."""
    tree = _tree(path, read)
    if tree is None:
        return False
    listed = literal_all(tree)
    if listed is not None:
        return name in listed
    return not name.startswith("_") and any(_binds(stmt, name) for stmt in tree.body)


def _binds(stmt: ast.stmt, name: str) -> bool:
    """An import, def, class or assignment of `name` in the module body."""
    return any(bound == name for bound, _, _ in bound_names(stmt))
