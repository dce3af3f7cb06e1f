"""Consumer kinds: every way a file can need `module.NAME` to exist at runtime, one module each.

A kind is a module of this package that defines `KIND` (a `Kind`): what it reads, how the
index's byte screen lets its consumers through, what it finds, and its VALID / INVALID
examples, which `tests/test_kinds.py` runs. Adding a kind is adding a module; modules whose
names start with `_` are the kinds' shared parts, not kinds.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from safefix.kinds._kind import Example, Kind, Screen, TextReader
from safefix.kinds._syntax import Found, PythonFile, literal_all, resolve_target, star_exports
from safefix.modules import ModuleMap
from safefix.types import Consumer, PythonScan

__all__ = [
    "Example",
    "Kind",
    "Screen",
    "TextReader",
    "all_kinds",
    "declares",
    "literal_all",
    "namespace_markers",
    "own_markers",
    "python_consumers",
    "python_kinds",
    "resolve_target",
    "star_exports",
    "text_consumers",
    "text_declares",
]


@cache
def all_kinds() -> tuple[Kind, ...]:
    """Every kind of this package, by module name (found once; kinds are constants)."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append(module.KIND)
    return tuple(found)


@cache
def python_kinds() -> tuple[Callable[[PythonFile], None], ...]:
    """What each kind that reads Python does with a parsed tree."""
    return tuple(kind.python for kind in all_kinds() if kind.python is not None)


def python_consumers(
    path: Path,
    tree: ast.AST,
    modules: ModuleMap,
    own_module: str | None,
    wanted: frozenset[str] | None = None,
    source: bytes = b"",
) -> PythonScan:
    """Every consumer in one parsed Python file (doctests in its docstrings included).

    `wanted`: the only names anyone will ask about; the rest is skipped early (None: all).
    `source`: the file's bytes, for what the tree does not keep (comments).
    """
    found = Found()
    kinds = python_kinds()
    PythonFile(path, tree, modules, own_module, wanted, found, kinds, source=source).run()
    return PythonScan(consumers=tuple(found.consumers), star_imports=tuple(found.stars))


def text_consumers(path: Path, text: str, modules: ModuleMap) -> list[Consumer]:
    """What the kinds that read this non-Python file find in it."""
    return [
        consumer
        for kind in all_kinds()
        if kind.text is not None and kind.text.reads(path)
        for consumer in kind.text.collect(path, text, modules)
    ]


def text_names_and_suffixes() -> tuple[frozenset[str], frozenset[str]]:
    """The file names and suffixes some kind reads: what the file walk looks for."""
    readers = [kind.text for kind in all_kinds() if kind.text is not None]
    return (
        frozenset(name for reader in readers for name in reader.names),
        frozenset(suffix for reader in readers for suffix in reader.suffixes),
    )


@cache
def namespace_markers() -> tuple[bytes, ...]:
    """What marks a module that may look any of its own names up at runtime."""
    return tuple(sorted({m for kind in all_kinds() for m in kind.namespace_markers}))


@cache
def declares() -> tuple[bytes, ...]:
    """What marks a Python file that may declare a module whose names a framework reads, or
    that reads every name of a module: regular expressions."""
    literal = {re.escape(m) for kind in all_kinds() for m in kind.declares}
    return tuple(sorted(literal | {m for kind in all_kinds() for m in kind.declares_re}))


def text_declares(path: Path, data: bytes) -> bool:
    """Whether a non-Python file may declare such a module (read it, whatever it mentions)."""
    return any(
        kind.text is not None
        and kind.text.reads(path)
        and any(marker in data for marker in kind.text.markers)
        for kind in all_kinds()
    )


def own_markers() -> Iterable[bytes]:
    """What marks a line on which a module may use its own names through a string."""
    return sorted({m for kind in all_kinds() for m in kind.own_markers})
