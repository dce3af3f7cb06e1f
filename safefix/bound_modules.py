"""Modules reached through a name another module binds: `services/__init__.py` does `from
backends import cache`, and a consumer writes `services.cache.RedisBackend`. The attribute kind
records that as a consumer of `RedisBackend` on the dotted path `services.cache`, which is no
module; the index asks here which module the path stands for, reading the binding module's
imports then (so a cached scan of the consumer stays right when the binding module changes)."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from safefix.bindings import parse
from safefix.modules import ModuleMap
from safefix.types import Consumer

Table = Mapping[tuple[str, str], Sequence[Consumer]]


@dataclass
class BoundModules:
    """The module each dotted path of bound names stands for, found once per path."""

    modules: ModuleMap
    read: Callable[[Path], bytes]
    _found: dict[str, str | None] = field(default_factory=dict)
    _bound: dict[str, dict[str, str]] = field(default_factory=dict)
    #: name -> the dotted paths, not modules, it is read from (`services.cache`).
    _paths: dict[str, set[str]] | None = None

    def consumers(self, table: Table, modules: Iterable[str], name: str) -> list[Consumer]:
        """The consumers of `name` read off a path of bound names that stands for one of
        `modules` (`table`: the index's consumers by (module, name); the same between calls)."""
        if self._paths is None:
            self._paths = {}
            for dotted, found in table:
                if "." in dotted and not self.modules.is_module(dotted):
                    self._paths.setdefault(found, set()).add(dotted)
        paths = self._paths.get(name)
        if not paths:
            return []
        wanted = set(modules)
        return [c for p in sorted(paths) if self.resolve(p) in wanted for c in table[(p, name)]]

    def resolve(self, dotted: str) -> str | None:
        """The project module `dotted` (`services.cache`) evaluates to, if names bound by
        imports lead there; None if it is not (known to be) a module."""
        if dotted not in self._found:
            self._found[dotted] = self._resolve(dotted)
        return self._found[dotted]

    def _resolve(self, dotted: str) -> str | None:
        parts = dotted.split(".")
        current = parts[0]
        if not self.modules.is_module(current):
            return None
        for attr in parts[1:]:
            following = f"{current}.{attr}"
            if self.modules.is_module(following):
                current = following
                continue
            bound = self._bindings(current).get(attr)
            if bound is None:
                return None
            current = bound
        return current

    def _bindings(self, module: str) -> dict[str, str]:
        """The names a module's own imports bind to project modules."""
        if module not in self._bound:
            self._bound[module] = {}
            for path in self.modules.files(module):
                try:
                    tree = parse(self.read(path), str(path))
                except (OSError, SyntaxError):
                    continue
                self._bound[module].update(self._imported(path, tree))
        return self._bound[module]

    def _imported(self, path: Path, tree: ast.Module) -> Iterator[tuple[str, str]]:
        for node in _module_level(tree):
            if isinstance(node, ast.ImportFrom):
                base = (
                    self.modules.absolute(path, node.level, node.module)
                    if node.level
                    else (node.module)
                )
                for alias in node.names:
                    target = f"{base}.{alias.name}"
                    if base and self.modules.is_module(target):
                        yield alias.asname or alias.name, target
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname and self.modules.is_module(alias.name):
                        yield alias.asname, alias.name


def _module_level(tree: ast.Module) -> Iterator[ast.stmt]:
    """The statements a module runs as it loads: its body, and the bodies of its top-level
    `if` / `try` blocks (not functions or classes)."""
    pending = list(tree.body)
    while pending:
        node = pending.pop(0)
        yield node
        if isinstance(node, ast.If):
            pending += [*node.body, *node.orelse]
        elif isinstance(node, ast.Try):
            pending += [*node.body, *node.orelse, *node.finalbody]
            pending += [s for handler in node.handlers for s in handler.body]
