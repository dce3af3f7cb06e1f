"""Collectors: every way one file can consume `module.NAME`, as `Consumer` records.

Import statements are only the visible part. Real projects also need names through strings
(`mock.patch("app.api.requests")`, plugin lists), `getattr`-style calls, star imports, entry
points and tool settings in config files, doctests, and strings evaluated in a module's own
globals (`@pytest.mark.skipif("not HAS_X")`). Each collector reads one file and knows nothing
of removals: the index matches them up.
"""

from __future__ import annotations

import ast
import builtins
import re
import sys
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from safefix.modules import ModuleMap
from safefix.removals import is_type_checking
from safefix.types import Consumer, ConsumerKind

if TYPE_CHECKING:
    import doctest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_IDENT = r"[A-Za-z_]\w*"
_DOTTED = re.compile(rf"^{_IDENT}(?:\.{_IDENT})+$")
_COLON = re.compile(rf"^(?P<module>{_IDENT}(?:\.{_IDENT})*):(?P<attr>{_IDENT}(?:\.{_IDENT})*)$")
#: `name = module:attr [extra]`, as in entry point specs written as strings (setup.py).
_ENTRY_SPEC = re.compile(r"^\s*[\w.\-]+\s*=\s*(?P<target>[\w.]+(?::[\w.]+)?)\s*(?:\[[^\]]*\])?\s*$")
_CONFIG_TOKEN = re.compile(rf"{_IDENT}(?:[.:]{_IDENT})+")
#: Calls whose (module, "NAME") arguments need the attribute to exist.
_ATTRIBUTE_CALLS = {"getattr", "object", "setattr", "delattr"}
_MODULE_LOADERS = {"import_module", "importorskip"}
_CONDITION_CALLS = {"skipif", "xfail"}
_BUILTINS = frozenset(dir(builtins))
ENTRY_POINT_TABLES = {
    ("project", "scripts"),
    ("project", "gui-scripts"),
    ("project", "entry-points"),
}
CONFIG_FILES = frozenset({"pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini"})
DOC_SUFFIXES = frozenset({".md", ".rst", ".txt"})


@dataclass
class PythonScan:
    consumers: list[Consumer] = field(default_factory=list)
    #: Absolute names of the modules this file star-imports.
    star_imports: list[str] = field(default_factory=list)


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


def python_consumers(
    path: Path,
    tree: ast.Module,
    modules: ModuleMap,
    own_module: str | None,
    wanted: frozenset[str] | None = None,
) -> PythonScan:
    """Every consumer in one parsed Python file (doctests in its docstrings included).

    `wanted`: the only names anyone will ask about; the rest is skipped early (None: all).
    """
    collector = _Collector(path, modules, own_module, wanted)
    collector.collect(tree)
    return PythonScan(consumers=collector.found, star_imports=collector.stars)


def doc_consumers(path: Path, text: str, modules: ModuleMap) -> list[Consumer]:
    """Consumers in the `>>>` examples of a documentation file (doctest globs, Sphinx doctest)."""
    collector = _Collector(path, modules, own_module=None)
    collector.collect_doctest(text, 1, own_module=None)
    return collector.found


def config_consumers(path: Path, text: str, modules: ModuleMap) -> list[Consumer]:
    """Entry points and `module:attr` / `module.attr` settings that name project code."""
    if path.name == "pyproject.toml":
        return _toml_consumers(path, text, modules)
    found = []
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(("#", ";")):
            continue
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip().lower()
            continue
        kind = ConsumerKind.ENTRY_POINT if "entry_points" in section else ConsumerKind.CONFIG
        for token in _CONFIG_TOKEN.finditer(line):
            if target := resolve_target(token.group(), modules):
                found.append(Consumer(path, number, *target, kind, stripped))
    return found


def _toml_consumers(path: Path, text: str, modules: ModuleMap) -> list[Consumer]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    found = []
    for keys, value in _toml_strings(data, ()):
        target = resolve_target(value, modules)
        if target is None:
            continue
        is_entry = any(keys[: len(table)] == table for table in ENTRY_POINT_TABLES)
        kind = ConsumerKind.ENTRY_POINT if is_entry else ConsumerKind.CONFIG
        offset = text.find(value)
        line = text.count("\n", 0, offset) + 1 if offset >= 0 else 1
        found.append(Consumer(path, line, *target, kind, f"{'.'.join(keys)} = {value!r}"))
    return found


def _toml_strings(value: Any, keys: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, str):
        yield keys, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _toml_strings(item, (*keys, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from _toml_strings(item, keys)


def _docstring(node: ast.AST) -> tuple[int, str] | None:
    """(line, raw text) of a module, class or function docstring that holds `>>>` examples."""
    body = getattr(node, "body", None)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        value = body[0].value.value
        if isinstance(value, str) and ">>>" in value:
            return body[0].lineno, value
    return None


_BUCKETS = (
    ast.ImportFrom,
    ast.Import,
    ast.Assign,
    ast.Call,
    ast.Attribute,
    ast.Subscript,
    ast.Constant,
    ast.Name,
    ast.If,
    ast.Module,
    ast.ClassDef,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.arg,
)


class _Collector:
    """Walks parsed code once and turns what it sees into consumers."""

    def __init__(
        self,
        path: Path,
        modules: ModuleMap,
        own_module: str | None,
        wanted: frozenset[str] | None = None,
    ) -> None:
        self.path = path
        self.modules = modules
        self.own_module = own_module
        self.wanted = wanted
        self.found: list[Consumer] = []
        self.stars: list[str] = []
        self._typing: list[tuple[int, int]] = []
        self._seen: set[tuple[str, str, int, ConsumerKind]] = set()

    def _mentions(self, text: str) -> bool:
        return self.wanted is None or any(name in text for name in self.wanted)

    # ----- recording ----------------------------------------------------------------------

    def add(self, line: int, module: str, name: str, kind: ConsumerKind, text: str) -> None:
        if self.wanted is not None and name not in self.wanted:
            return
        key = (module, name, line, kind)
        if key in self._seen:
            return
        self._seen.add(key)
        typing_only = any(start <= line <= end for start, end in self._typing)
        self.found.append(Consumer(self.path, line, module, name, kind, text, typing_only))

    # ----- one parsed tree ----------------------------------------------------------------

    def collect(
        self,
        tree: ast.AST,
        line_offset: int = 0,
        doctest_of: str | None = None,
        bound_elsewhere: frozenset[str] = frozenset(),
    ) -> None:
        """Collect from `tree`; `doctest_of` is the module whose globals a doctest runs in.

        `bound_elsewhere`: names the code's other parts bind (earlier doctest examples).
        """
        nodes = _bucketed(tree)
        self._typing = [
            (n.body[0].lineno + line_offset, (n.body[-1].end_lineno or n.lineno) + line_offset)
            for n in nodes[ast.If]
            if is_type_checking(n.test)
        ]
        aliases: dict[str, set[str]] = {}
        stars: list[str] = []
        for node in nodes[ast.ImportFrom]:
            self._from_import(node, aliases, stars, line_offset, doctest_of)
        for node in nodes[ast.Import]:
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                aliases.setdefault(local, set()).add(alias.name if alias.asname else local)
        for node in nodes[ast.Assign]:
            self._module_loader(node, aliases)
        self.stars += stars
        calls: dict[int, ast.Call] = {}
        for call in nodes[ast.Call]:
            for arg in [*call.args, *(k.value for k in call.keywords)]:
                calls[id(arg)] = call
            self._call(call, aliases, call.lineno + line_offset)
        if aliases:
            for node in nodes[ast.Attribute]:
                self._attribute(node, aliases, node.lineno + line_offset, doctest_of)
        for node in nodes[ast.Subscript]:
            self._globals_subscript(node, node.lineno + line_offset)
        for node in nodes[ast.Constant]:
            if isinstance(node.value, str):
                self._string(node.value, calls.get(id(node)), node.lineno + line_offset)
        if stars or doctest_of:
            bound = _bound_names(nodes) | bound_elsewhere
            for node in nodes[ast.Name]:
                if isinstance(node.ctx, ast.Load):
                    self._name(node.id, bound, stars, node.lineno + line_offset, doctest_of)
        if doctest_of is None:
            for holder in (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef):
                for node in nodes[holder]:
                    found = _docstring(node)
                    if found and self._mentions(found[1]):
                        self.collect_doctest(found[1], found[0], self.own_module)

    def collect_doctest(self, text: str, first_line: int, own_module: str | None) -> None:
        import doctest  # costs start-up time; only files with `>>>` need it

        try:
            examples = doctest.DocTestParser().get_examples(text)
        except ValueError:  # inconsistent indentation: doctest itself would refuse to run it
            return
        if (whole := _examples_as_one(examples)) is not None:
            # the examples share the module's globals: one tree, each at its own line
            self.collect(whole, first_line - 1, own_module or "")
            return
        trees = []
        for example in examples:
            try:
                trees.append((ast.parse(example.source), example.lineno))
            except SyntaxError:
                continue
        bound: set[str] = set()
        for tree, _ in trees:
            bound |= _bound_names(_bucketed(tree))
        for tree, line in trees:
            self.collect(tree, first_line + line - 1, own_module or "", frozenset(bound))

    # ----- node kinds ---------------------------------------------------------------------

    def _kind(self, default: ConsumerKind, doctest_of: str | None) -> ConsumerKind:
        return ConsumerKind.DOCTEST if doctest_of is not None else default

    def _from_import(
        self,
        node: ast.ImportFrom,
        aliases: dict[str, set[str]],
        stars: list[str],
        offset: int,
        doctest_of: str | None,
    ) -> None:
        if node.level:
            base = self.modules.absolute(self.path, node.level, node.module)
        else:
            base = node.module
        if not base or not self.modules.is_module(base):
            return
        dots = "." * node.level
        for alias in node.names:
            if alias.name == "*":
                stars.append(base)
                continue
            text = f"from {dots}{node.module or ''} import {alias.name}"
            kind = self._kind(ConsumerKind.FROM_IMPORT, doctest_of)
            self.add(node.lineno + offset, base, alias.name, kind, text)
            submodule = f"{base}.{alias.name}"
            if self.modules.is_module(submodule):
                aliases.setdefault(alias.asname or alias.name, set()).add(submodule)

    def _module_loader(self, node: ast.Assign, aliases: dict[str, set[str]]) -> None:
        """`m = importlib.import_module("pkg.mod")` (or `pytest.importorskip`) makes `m` an alias."""
        value = node.value
        if not (
            isinstance(value, ast.Call) and _call_name(value) in _MODULE_LOADERS and value.args
        ):
            return
        module = _string_value(value.args[0])
        if module and self.modules.is_module(module):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    aliases.setdefault(target.id, set()).add(module)

    def _attribute(
        self, node: ast.Attribute, aliases: dict[str, set[str]], line: int, doctest_of: str | None
    ) -> None:
        chain = _attribute_chain(node)
        if chain is None or chain[0] not in aliases:
            return
        if self.wanted is not None and self.wanted.isdisjoint(chain):
            return
        kind = self._kind(ConsumerKind.ATTRIBUTE, doctest_of)
        for target in aliases[chain[0]]:
            current = target
            for attr in chain[1:]:
                if self.modules.is_module(current):
                    self.add(line, current, attr, kind, f"{current}.{attr}")
                following = f"{current}.{attr}"
                if not self.modules.is_module(following):
                    break
                current = following

    def _call(self, node: ast.Call, aliases: dict[str, set[str]], line: int) -> None:
        name = _call_name(node)
        if name in _ATTRIBUTE_CALLS and len(node.args) >= 2:
            if name == "setattr" and isinstance(node.func, ast.Name):
                return  # plain setattr() creates the attribute; monkeypatch.setattr needs it
            attr = _string_value(node.args[1])
            if attr and attr.isidentifier():
                for module in self._expression_modules(node.args[0], aliases):
                    text = f"{ast.unparse(node.func)}({ast.unparse(node.args[0])}, {attr!r})"
                    self.add(line, module, attr, ConsumerKind.GETATTR, text)
        elif name in _CONDITION_CALLS and self.own_module:
            condition = _string_value(node.args[0] if node.args else _keyword(node, "condition"))
            if condition:
                self._evaluated(condition, "eval", line, f"{ast.unparse(node.func)}({condition!r})")
        elif name in ("eval", "exec") and isinstance(node.func, ast.Name) and node.args:
            source = _string_value(node.args[0])
            if source and self.own_module:
                self._evaluated(source, name, line, f"{name}({source!r})")

    def _evaluated(self, source: str, mode: str, line: int, text: str) -> None:
        """Names a string evaluated in this module's own globals needs."""
        try:
            tree = ast.parse(source.strip(), mode=mode)
        except SyntaxError:
            return
        assert self.own_module is not None
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id not in _BUILTINS:
                self.add(line, self.own_module, node.id, ConsumerKind.GLOBALS, text)

    def _globals_subscript(self, node: ast.Subscript, line: int) -> None:
        value = node.value
        is_globals = (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in ("globals", "vars")
            and not value.args
        )
        name = _string_value(node.slice)
        if is_globals and name and self.own_module:
            self.add(line, self.own_module, name, ConsumerKind.GLOBALS, f"globals()[{name!r}]")

    def _string(self, value: str, call: ast.Call | None, line: int) -> None:
        if len(value) > 300 or (":" not in value and "." not in value) or not self._mentions(value):
            return
        target = resolve_target(value, self.modules)
        if target is None:
            return
        text = f"{ast.unparse(call.func)}({value!r})" if call is not None else repr(value)
        self.add(line, *target, ConsumerKind.STRING, text)

    def _name(
        self, name: str, bound: set[str], stars: list[str], line: int, doctest_of: str | None
    ) -> None:
        if (
            name in bound
            or name in _BUILTINS
            or (self.wanted is not None and name not in self.wanted)
        ):
            return
        for module in stars:
            self.add(
                line, module, name, ConsumerKind.STAR_IMPORT, f"{name} (from {module} import *)"
            )
        if doctest_of:
            self.add(line, doctest_of, name, ConsumerKind.DOCTEST, f">>> ... {name} ...")

    def _expression_modules(self, expr: ast.expr, aliases: dict[str, set[str]]) -> list[str]:
        """The project modules an expression (`m`, `pkg.mod`) evaluates to."""
        chain = (
            [expr.id]
            if isinstance(expr, ast.Name)
            else _attribute_chain(expr)
            if isinstance(expr, ast.Attribute)
            else None
        )
        if not chain or chain[0] not in aliases:
            return []
        found = []
        for target in aliases[chain[0]]:
            dotted = ".".join([target, *chain[1:]])
            if self.modules.is_module(dotted):
                found.append(dotted)
        return found


def _bucketed(tree: ast.AST) -> dict[type, list[Any]]:
    """The tree's nodes of each kind in `_BUCKETS`, in `ast.walk`'s order.

    `ast.walk` spends most of its time in generators (`iter_child_nodes`, `iter_fields`);
    this loop visits the same nodes in the same order in a little over half the time, which
    counts in files of tens of thousands of nodes.
    """
    nodes: dict[type, list[Any]] = {kind: [] for kind in _BUCKETS}
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


def _examples_as_one(examples: Sequence[doctest.Example]) -> ast.Module | None:
    """A docstring's examples parsed as one module, each at its line in the docstring (one
    parse and one walk, not one per example); None if one of them does not parse."""
    parts = []
    line = 0
    for example in examples:
        if example.lineno < line:
            return None
        parts.append("\n" * (example.lineno - line))
        parts.append(example.source)
        line = example.lineno + example.source.count("\n")
    try:
        return ast.parse("".join(parts))
    except (SyntaxError, ValueError):
        return None


def _bound_names(nodes: dict[type, list[Any]]) -> set[str]:
    """Every name the code binds anywhere: a name it binds itself is not a star-import consumer."""
    bound = {n.id for n in nodes[ast.Name] if not isinstance(n.ctx, ast.Load)}
    for kind in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
        bound.update(n.name for n in nodes[kind])
    bound.update(n.arg for n in nodes[ast.arg])
    for statement in (ast.Import, ast.ImportFrom):
        for node in nodes[statement]:
            bound.update(a.asname or a.name.split(".")[0] for a in node.names if a.name != "*")
    return bound


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in node.keywords if k.arg == name), None)


def _string_value(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _attribute_chain(node: ast.Attribute) -> list[str] | None:
    parts: list[str] = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        parts.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name):
        return None
    parts.append(current.id)
    return parts[::-1]


def star_exports(tree: ast.Module, names: Sequence[str]) -> set[str]:
    """Which of `names` a `from M import *` of this module would bind."""
    listed = literal_all(tree)
    if listed is None:
        return {n for n in names if not n.startswith("_")}
    return {n for n in names if n in listed}


def literal_all(tree: ast.Module) -> set[str] | None:
    """The names of a module's literal `__all__` list or tuple; None if it has none."""
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                value = stmt.value
                if isinstance(value, (ast.List, ast.Tuple)):
                    return {name for e in value.elts if (name := _string_value(e)) is not None}
    return None
