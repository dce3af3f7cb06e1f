"""A module that lists NAME in its `__all__` declares NAME public: the package's users consume
it, even where nothing in the repository imports it. ruff keeps a listed name the module binds
itself, but not the one it re-exports through `from .sub import *`: ruff removes `sub`'s unused
import, and `from pkg import *` (or `pkg.NAME`) breaks. The consumer is `pkg.NAME`; the index
follows the star import down to `sub`, where `sub` exports the name."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from safefix.kinds._kind import Example, Kind, Screen
from safefix.kinds._syntax import PythonFile, string_value
from safefix.types import ConsumerKind

_ADDERS = frozenset({"extend", "append", "insert"})


def collect(file: PythonFile) -> None:
    if file.own_module is None or file.doctest_of is not None:
        return
    for module in file.nodes[ast.Module]:
        for node, name in listed(module.body):
            text = f"__all__ of {file.own_module} lists {name!r}"
            file.add(node.lineno, file.own_module, name, ConsumerKind.PUBLIC_API, text)


def listed(body: list[ast.stmt]) -> Iterator[tuple[ast.Constant, str]]:
    """The string literals module-level code puts into `__all__`, on every branch:
    `__all__ = [...]` (literal parts of `other.__all__ + [...]` too), `__all__ += [...]`,
    `__all__.extend([...])`, `.append("x")`, `.insert(0, "x")`."""
    for stmt in body:
        if isinstance(stmt, (ast.If, ast.Try)):
            for arm in (stmt.body, stmt.orelse, getattr(stmt, "finalbody", [])):
                yield from listed(arm)
            for handler in getattr(stmt, "handlers", []):
                yield from listed(handler.body)
        elif value := _all_value(stmt):
            yield from _strings(value)


def _all_value(stmt: ast.stmt) -> ast.expr | None:
    """What a statement adds to `__all__`, if it does."""
    if isinstance(stmt, ast.Assign) and any(_is_all(t) for t in stmt.targets):
        return stmt.value
    if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) and _is_all(stmt.target):
        return stmt.value
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    if (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in _ADDERS
        and _is_all(call.func.value)
        and call.args
    ):
        return call.args[-1] if call.func.attr == "insert" else call.args[0]
    return None


def _is_all(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "__all__"


def _strings(value: ast.expr) -> Iterator[tuple[ast.Constant, str]]:
    """The string literals of a list / tuple / set display, of `a + b`, or a lone string."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        yield from _strings(value.left)
        yield from _strings(value.right)
    elif isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        for element in value.elts:
            yield from _strings(element)
    elif isinstance(value, ast.Constant) and (name := string_value(value)) is not None:
        yield value, name


KIND = Kind(
    name="public_api",
    labels=(ConsumerKind.PUBLIC_API,),
    screen=Screen.THROUGH_STAR,
    python=collect,
    valid=(
        Example("package-star", "app/__init__.py", 'from .api import *\n__all__ = ["json"]\n'),
        Example("module-star", "app/pub.py", 'from app.api import *\n__all__ = ("json",)\n'),
        Example(
            "built",
            "app/__init__.py",
            'from . import other\nfrom .api import *\n__all__ = other.__all__ + ["json"]\n',
        ),
        Example("augmented", "app/__init__.py", 'from .api import *\n__all__ += ["json"]\n'),
        Example("extended", "app/__init__.py", 'from .api import *\n__all__.extend(["json"])\n'),
        Example("appended", "app/__init__.py", 'from .api import *\n__all__.append("json")\n'),
        Example(
            "on-a-branch",
            "app/__init__.py",
            'from .api import *\ntry:\n    import x\nexcept ImportError:\n    __all__ = ["json"]\n',
        ),
    ),
    invalid=(
        Example("not-listed", "app/__init__.py", 'from .api import *\n__all__ = ["other"]\n'),
        Example("other-module", "app/__init__.py", 'from .other import *\n__all__ = ["json"]\n'),
        Example(
            "not-exported",
            "app/__init__.py",
            'from .api import *\n__all__ = ["json"]\n',
            also=(("app/api.py", 'import json\n__all__ = ["dumps"]\n'),),
        ),
        Example("no-star-import", "app/pub.py", '__all__ = ["json"]\n'),
        Example(
            "in-a-function",
            "app/__init__.py",
            'from .api import *\ndef f():\n    __all__ = ["json"]\n',
        ),
        Example(
            "a-list-named-otherwise", "app/__init__.py", 'from .api import *\nNAMES = ["json"]\n'
        ),
    ),
)
