"""What every consumer kind reads a Python file through: `PythonFile`.

A file is parsed once and its nodes are sorted by type once; every kind then looks only at
the node types it cares about. What the kinds share — which project modules a local name
stands for, which modules the file star-imports, which names it binds — is worked out here
once, on first use, so a kind that needs none of it costs nothing.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from safefix.conventions import PLACEHOLDERS
from safefix.modules import ModuleMap
from safefix.types import Consumer, ConsumerKind

_IDENT = r"[A-Za-z_]\w*"
_DOTTED = re.compile(rf"^{_IDENT}(?:\.{_IDENT})+$")
_COLON = re.compile(rf"^(?P<module>{_IDENT}(?:\.{_IDENT})*):(?P<attr>{_IDENT}(?:\.{_IDENT})*)$")
#: `name = module:attr [extra]`, as in entry point specs written as strings (setup.py).
_ENTRY_SPEC = re.compile(r"^\s*[\w.\-]+\s*=\s*(?P<target>[\w.]+(?::[\w.]+)?)\s*(?:\[[^\]]*\])?\s*$")
#: Calls that load a module by its name: the value stands for that module.
MODULE_LOADERS = frozenset({"import_module", "importorskip"})
BUILTINS = frozenset(dir(builtins))

#: The node types any kind looks at; `PythonFile.nodes` holds each, in `ast.walk`'s order.
NODE_TYPES = (
    ast.ImportFrom,
    ast.Import,
    ast.Assign,
    ast.Call,
    ast.Attribute,
    ast.Subscript,
    ast.Constant,
    ast.JoinedStr,
    ast.BinOp,
    ast.Name,
    ast.If,
    ast.Module,
    ast.ClassDef,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.arg,
    ast.AnnAssign,
    ast.NamedExpr,
)


def resolve_target(text: str, modules: ModuleMap) -> tuple[str, str] | None:
    """(module, attribute) for a string naming a project module's attribute, else None.

    Accepts `pkg.mod.NAME`, `pkg.mod:NAME` and entry point specs `cmd = pkg.mod:NAME`.
    """
    if spec := _ENTRY_SPEC.match(text):
        text = spec["target"]
    if colon := _COLON.match(text):
        module, attr = colon["module"], colon["attr"].split(".")[0]
        return (module, attr) if modules.is_module(module) else None
    if not _DOTTED.match(text) or modules.is_module(text):
        return None  # a module by itself is imported, not looked up as an attribute
    parts = text.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        module = ".".join(parts[:cut])
        if modules.is_module(module):
            return module, parts[cut]
    return None


@dataclass
class Found:
    """The consumers one file yields, each once, whichever kind and part of it finds them."""

    consumers: list[Consumer] = field(default_factory=list)
    #: The project modules star-imported, in the file or in its docstrings' examples.
    stars: list[str] = field(default_factory=list)
    seen: set[tuple[str, str, int, ConsumerKind]] = field(default_factory=set)


class PythonFile:
    """One parsed tree of a file (the file itself, or one docstring's examples), for the kinds.

    `line_offset` places a docstring's examples at their lines in the file; `doctest_of` is
    the module whose globals those examples run in (None for the file's own code).
    """

    def __init__(
        self,
        path: Path,
        tree: ast.AST,
        modules: ModuleMap,
        own_module: str | None,
        wanted: frozenset[str] | None,
        found: Found,
        kinds: Sequence[Callable[[PythonFile], None]],
        line_offset: int = 0,
        doctest_of: str | None = None,
        bound_elsewhere: frozenset[str] = frozenset(),
        source: bytes = b"",
    ) -> None:
        self.path = path
        self.modules = modules
        self.own_module = own_module
        self.wanted = wanted
        self.nodes = bucketed(tree)
        self.line_offset = line_offset
        self.doctest_of = doctest_of
        self.bound_elsewhere = bound_elsewhere
        self.found = found
        self.kinds = kinds
        #: The file's bytes, where the kinds need what the tree drops (comments); empty for a
        #: docstring's examples.
        self.source = source

    def run(self) -> PythonFile:
        """Let every kind look at this tree."""
        for collect in self.kinds:
            collect(self)
        self.found.stars += self.stars
        return self

    # ----- recording ------------------------------------------------------------------------

    def add(
        self,
        line: int,
        module: str,
        name: str,
        kind: ConsumerKind,
        text: str,
        typing_only: bool = False,
    ) -> None:
        """Record that the file consumes `module.name` at `line` (of this tree); `typing_only`:
        for type checkers only, wherever it stands."""
        if self.wanted is not None and name not in self.wanted and name not in PLACEHOLDERS:
            return
        line += self.line_offset
        key = (module, name, line, kind)
        if key in self.found.seen:
            return
        self.found.seen.add(key)
        typing_only = typing_only or any(start <= line <= end for start, end in self.typing_ranges)
        self.found.consumers.append(
            Consumer(self.path, line, module, name, kind, text, typing_only)
        )

    def label(self, kind: ConsumerKind) -> ConsumerKind:
        """`kind`, or `doctest` for what a doctest's examples do."""
        return ConsumerKind.DOCTEST if self.doctest_of is not None else kind

    def mentions(self, text: str) -> bool:
        """Whether `text` holds a wanted name at all (a cheap test before a closer look)."""
        return self.wanted is None or any(name in text for name in self.wanted)

    def collect_nested(self, tree: ast.AST, line_offset: int, bound: frozenset[str]) -> None:
        """Run every kind over a docstring's examples, which run in this module's globals."""
        doctest_of = self.own_module or ""
        PythonFile(
            self.path,
            tree,
            self.modules,
            self.own_module,
            self.wanted,
            self.found,
            self.kinds,
            line_offset,
            doctest_of,
            bound,
        ).run()

    # ----- what the kinds share -------------------------------------------------------------

    @cached_property
    def typing_ranges(self) -> list[tuple[int, int]]:
        """Lines under `if TYPE_CHECKING:`: what is consumed there is needed by type checkers."""
        from safefix.bindings import is_type_checking

        offset = self.line_offset
        return [
            (n.body[0].lineno + offset, (n.body[-1].end_lineno or n.lineno) + offset)
            for n in self.nodes[ast.If]
            if is_type_checking(n.test)
        ]

    @cached_property
    def aliases(self) -> dict[str, set[str]]:
        """Local name -> the project modules it may stand for (`import m`, `import m as a`,
        `from pkg import sub`, `a = import_module("m")`, `a: ModuleType = sys.modules["m"]`,
        `(a := import_module("m"))`)."""
        aliases: dict[str, set[str]] = {}
        for node in self.nodes[ast.ImportFrom]:
            base = self.import_base(node)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if base and alias.name != "*" and self.modules.is_module(submodule):
                    aliases.setdefault(alias.asname or alias.name, set()).add(submodule)
        for node in self.nodes[ast.Import]:
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                aliases.setdefault(local, set()).add(alias.name if alias.asname else local)
        bound = [(t, n.value) for n in self.nodes[ast.Assign] for t in n.targets]
        bound += [(n.target, n.value) for n in self.nodes[ast.AnnAssign] if n.value is not None]
        bound += [(n.target, n.value) for n in self.nodes[ast.NamedExpr]]
        for target, value in bound:
            if isinstance(target, ast.Name) and (module := self.loaded(value)) is not None:
                aliases.setdefault(target.id, set()).add(module)
        return aliases

    @cached_property
    def stars(self) -> list[str]:
        """The project modules this tree star-imports."""
        return [
            base
            for node in self.nodes[ast.ImportFrom]
            if any(alias.name == "*" for alias in node.names)
            and (base := self.import_base(node)) is not None
        ]

    @cached_property
    def bound(self) -> frozenset[str]:
        """Every name the code binds anywhere (and what earlier examples bound)."""
        return frozenset(bound_names(self.nodes)) | self.bound_elsewhere

    @cached_property
    def docstrings(self) -> list[tuple[ast.Constant, str]]:
        """The string that opens the module, each class and each function (its docstring),
        with its text."""
        found = []
        for holder in (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef):
            for node in self.nodes[holder]:
                first = node.body[0] if node.body else None
                value = first.value if isinstance(first, ast.Expr) else None
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.append((value, value.value))
        return found

    @cached_property
    def calls(self) -> dict[int, ast.Call]:
        """The call each argument node is passed to, by the argument's `id`."""
        return {
            id(arg): call
            for call in self.nodes[ast.Call]
            for arg in [*call.args, *(k.value for k in call.keywords)]
        }

    def import_base(self, node: ast.ImportFrom) -> str | None:
        """The project module a from-import imports from (None: not one of the project's)."""
        if node.level:
            base = self.modules.absolute(self.path, node.level, node.module)
        else:
            base = node.module
        return base if base and self.modules.is_module(base) else None

    def module_of(self, expr: ast.expr) -> list[str]:
        """The project modules an expression evaluates to: a name an import or a loader bound
        (`m`), an attribute chain from one (`pkg.mod`), a loader call (`import_module("m")`,
        `import_module(".m", __package__)`, `pytest.importorskip("m")`), `sys.modules["m"]`,
        a walrus `(m := ...)`, and submodules reached as attributes of any of these."""
        if isinstance(expr, ast.NamedExpr):
            return self.module_of(expr.value)
        if isinstance(expr, ast.Name):
            return [m for m in self.aliases.get(expr.id, ()) if self.modules.is_module(m)]
        if isinstance(expr, ast.Attribute):
            below = self.module_of(expr.value)
            dotted = (f"{module}.{expr.attr}" for module in below)
            return [module for module in dotted if self.modules.is_module(module)]
        loaded = self.loaded(expr)
        return [loaded] if loaded is not None else []

    def loaded(self, expr: ast.expr) -> str | None:
        """The project module a loader call or a `sys.modules[...]` lookup names, if literal."""
        if isinstance(expr, ast.NamedExpr):
            return self.loaded(expr.value)
        if isinstance(expr, ast.Subscript) and _is_sys_modules(expr.value):
            name = string_value(expr.slice)
        elif isinstance(expr, ast.Call) and call_name(expr) in MODULE_LOADERS and expr.args:
            name = self._loader_name(expr)
        else:
            return None
        return name if name and self.modules.is_module(name) else None

    def _loader_name(self, call: ast.Call) -> str | None:
        """`import_module(name, package)`'s absolute name: a relative one (`.x`, `..x`) is
        resolved against `package`, a string or this module's own `__package__`."""
        name = string_value(call.args[0])
        if name is None or not name.startswith("."):
            return name
        package_arg = call.args[1] if len(call.args) > 1 else keyword(call, "package")
        package = string_value(package_arg)
        if package is None:
            own = isinstance(package_arg, ast.Name) and package_arg.id == "__package__"
            package = self._own_package() if own else None
        if package is None:
            return None
        level = len(name) - len(name.lstrip("."))
        parts = package.split(".")
        if level > len(parts):
            return None
        base = ".".join(parts[: len(parts) - level + 1])
        rest = name[level:]
        return f"{base}.{rest}" if rest else base

    def _own_package(self) -> str | None:
        """This module's `__package__`: itself for a package's `__init__`, else its parent."""
        if not self.own_module:
            return None
        if self.path.stem == "__init__":
            return self.own_module
        return self.own_module.rpartition(".")[0] or None


def _is_sys_modules(node: ast.expr) -> bool:
    """`sys.modules`."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "modules"
        and isinstance(node.value, ast.Name)
        and node.value.id == "sys"
    )


def bucketed(tree: ast.AST) -> dict[type, list[Any]]:
    """The tree's nodes of each type in `NODE_TYPES`, in `ast.walk`'s order.

    `ast.walk` spends most of its time in generators (`iter_child_nodes`, `iter_fields`);
    this loop visits the same nodes in the same order in a little over half the time, which
    counts in files of tens of thousands of nodes.
    """
    nodes: dict[type, list[Any]] = {kind: [] for kind in NODE_TYPES}
    todo = deque([tree])
    take, add = todo.popleft, todo.append
    while todo:
        node = take()
        bucket = nodes.get(type(node))
        if bucket is not None:
            bucket.append(node)
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, ast.AST):
                add(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        add(item)
    return nodes


def bound_names(nodes: dict[type, list[Any]]) -> set[str]:
    """Every name the code binds anywhere: a name it binds itself is consumed from nowhere."""
    bound = {n.id for n in nodes[ast.Name] if not isinstance(n.ctx, ast.Load)}
    for kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
        bound.update(n.name for n in nodes[kind])
    bound.update(n.arg for n in nodes[ast.arg])
    for statement in (ast.Import, ast.ImportFrom):
        for node in nodes[statement]:
            bound.update(a.asname or a.name.split(".")[0] for a in node.names if a.name != "*")
    return bound


#: Calls whose string argument is a logger's name: a dotted name that need not be any attribute
#: (`logging.getLogger("app.api.retry")`, `structlog.get_logger(...)`, `log.getChild(...)`).
LOGGER_CALLS = frozenset({"getLogger", "get_logger", "getChild", "Logger", "LoggerAdapter"})


def may_create(call: ast.Call) -> bool:
    """Whether the call creates the attribute when it is missing (`mock.patch(...,
    create=True)`, `monkeypatch.setattr(..., raising=False)`): then it needs nothing."""
    create, raising = keyword(call, "create"), keyword(call, "raising")
    return (isinstance(create, ast.Constant) and create.value is True) or (
        isinstance(raising, ast.Constant) and raising.value is False
    )


def names_no_attribute(call: ast.Call | None) -> bool:
    """Whether a dotted string passed to `call` needs no attribute to exist: a logger's name,
    or a patch target the call creates when it is missing."""
    return call is not None and (call_name(call) in LOGGER_CALLS or may_create(call))


def call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def keyword(node: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in node.keywords if k.arg == name), None)


def string_value(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def attribute_chain(node: ast.Attribute) -> list[str] | None:
    """`a.b.c` as ["a", "b", "c"]; None when it does not start at a plain name."""
    parts: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        parts.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name):
        return None
    parts.append(current.id)
    return parts[::-1]


def aliased_chains(file: PythonFile) -> Iterator[tuple[ast.Attribute, list[str]]]:
    """Each attribute chain that starts at a name an import bound and names a wanted name:
    where a module is reached through a name (`pkg.mod.NAME`, `m.NAME`)."""
    aliases = file.aliases
    if not aliases:
        return
    for node in file.nodes[ast.Attribute]:
        chain = attribute_chain(node)
        if chain is None or chain[0] not in aliases:
            continue
        if file.wanted is not None and file.wanted.isdisjoint(chain):
            continue
        yield node, chain


def literal_all(tree: ast.Module) -> set[str] | None:
    """The names of a module's literal `__all__` list or tuple; None if it has none."""
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                value = stmt.value
                if isinstance(value, (ast.List, ast.Tuple)):
                    return {name for e in value.elts if (name := string_value(e)) is not None}
    return None


def star_exports(tree: ast.Module, names: Sequence[str]) -> set[str]:
    """Which of `names` a `from M import *` of this module would bind."""
    listed = literal_all(tree)
    if listed is None:
        return {n for n in names if not n.startswith("_")}
    return {n for n in names if n in listed}
