"""Python code that stands outside a module: a notebook's cells, a script, a block of the docs,
a string that `python -c` or `timeit` runs. Every kind that reads Python reads it, as it reads a
module; what it finds is labelled by where the code stood."""

from __future__ import annotations

import ast
import shlex
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from safefix.kinds._syntax import Found, PythonFile, bound_names, bucketed
from safefix.modules import ModuleMap
from safefix.types import Consumer, ConsumerKind


def parsed(source: str) -> ast.Module | None:
    """The code's tree, or None where it is not Python (a shell line, a template)."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # deep nesting too
        return None


def code_consumers(
    path: Path,
    pieces: Iterable[tuple[str, int]],
    modules: ModuleMap,
    label: ConsumerKind,
) -> list[Consumer]:
    """The consumers in pieces of code that share one namespace (a notebook's cells, a page's
    test blocks), each piece given with the line of the file it starts on. A piece that does
    not parse is skipped: the others still run."""
    from safefix.kinds import python_kinds

    pieces = list(pieces)
    whole = _as_one(pieces)
    if whole is not None:  # one tree, each piece at its own line: one walk, shared names
        trees = [(whole, 1)]
    else:
        trees = [(tree, line) for source, line in pieces if (tree := parsed(source)) is not None]
    bound: set[str] = set()
    for tree, _ in trees:
        bound |= bound_names(bucketed(tree))
    found = Found()
    for tree, line in trees:
        PythonFile(
            path, tree, modules, None, None, found, python_kinds(), line - 1, None, frozenset(bound)
        ).run()
    return [replace(consumer, kind=label) for consumer in found.consumers]


def _as_one(pieces: Sequence[tuple[str, int]]) -> ast.Module | None:
    """The pieces parsed as one module, each at its line of the file; None if they overlap or
    one of them does not parse."""
    parts = []
    line = 1
    for source, first in pieces:
        if first < line:
            return None
        parts.append("\n" * (first - line) + source.rstrip("\n") + "\n")
        line = first + source.rstrip("\n").count("\n") + 1
    return parsed("".join(parts))


def command_code(words: Sequence[str]) -> Iterator[str]:
    """The code given to Python's `-c` in a command's words (`python -c CODE`,
    `[sys.executable, "-c", CODE]`): only where a Python interpreter runs it."""
    for at, word in enumerate(words[:-1]):
        if word == "-c" and any(_is_python(w) for w in words[:at]):
            yield words[at + 1]


def shell_code(line: str) -> Iterator[str]:
    """The code a shell line (a tox command, a Makefile recipe, a `run:` step) gives `python -c`."""
    if "-c" not in line or "python" not in line:
        return
    try:
        words = shlex.split(line, comments=False)
    except ValueError:
        return
    yield from command_code(words)


def _is_python(word: str) -> bool:
    """An interpreter's word: `python`, `python3.12`, `/usr/bin/python3`, `sys.executable`."""
    name = word.rsplit("/", 1)[-1]
    return name.startswith("python") or word == "sys.executable"
