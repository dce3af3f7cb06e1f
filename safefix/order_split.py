"""The `# isort: split` edit that keeps an import block's order where a cycle needs it: where
it goes (right after the statement that bound the needed name, if the statement that starts
the cycle comes later), the text ruff is given to fix again, and each split's final line."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from safefix import import_order
from safefix.bindings import parse
from safefix.keep import FileState, contained
from safefix.types import KeptOrder

if TYPE_CHECKING:
    from safefix.modules import ModuleMap
    from safefix.session import Session

SPLIT = b"# isort: split"


def split_all(
    found: Sequence[import_order.Introduced], states: dict[Path, FileState], modules: ModuleMap
) -> list[FileState]:
    """Add a split to each failing module's file where one restores the needed order, or else
    to the nearest sorted file on the failing path whose sort changed what ran first."""
    splitting: dict[Path, FileState] = {}
    bodies: dict[bytes, list[ast.stmt]] = {}
    for introduced in found:
        for state, index in _places(introduced, states, modules, bodies):
            with contained(state):
                if index is None or index in state.splits:
                    continue
                state.splits.add(index)
                failure = introduced.failure
                state.orders.append(
                    KeptOrder(
                        line=0,
                        module=failure.module,
                        name=failure.name,
                        importer=failure.importer,
                        how="isort: split",
                        bound_line=introduced.bound_line,
                    )
                )
                splitting[state.path] = state
                break
    return list(splitting.values())


def _places(
    introduced: import_order.Introduced,
    states: dict[Path, FileState],
    modules: ModuleMap,
    bodies: dict[bytes, list[ast.stmt]],
) -> Iterator[tuple[FileState, int | None]]:
    """Where a split may restore the order, likeliest first: in the failing module, right
    after the statement that bound the name; then, innermost first, in each file the fix
    sorted (I001) on the failing path, right before the statement that imports the next module
    on it, where the original ran an import before that statement that the fixed file runs
    after it (a package that loaded one module of the cycle before another)."""
    failure = introduced.failure
    state = _state_of(failure.module, states, modules)
    if state is not None and not state.error and introduced.bound_line is not None:
        yield state, _split_index(state, introduced, modules)
    for (module, _), (child, _) in reversed(list(pairwise(failure.stack))):
        state = _state_of(module, states, modules)
        if state and not state.error and "I001" in state.fixes:
            yield state, _start_index(state, child, modules, bodies)


def _start_index(
    state: FileState, child: str, modules: ModuleMap, bodies: dict[bytes, list[ast.stmt]]
) -> int | None:
    """The top-level statement of the original that imports `child`, if the original imports
    a module before it that the fixed text imports only after it (else a split keeps nothing
    in order that the sort changed)."""

    def body(source: bytes) -> list[ast.stmt]:
        if source not in bodies:
            bodies[source] = parse(source).body
        return bodies[source]

    original = body(fed_text(state))
    index, before = _imported_before(original, child, state.path, modules)
    if index is None:
        return None
    _, fixed_before = _imported_before(body(state.after), child, state.path, modules)
    return index if before - fixed_before else None


def _imported_before(
    body: Sequence[ast.stmt], child: str, path: Path, modules: ModuleMap
) -> tuple[int | None, set[str]]:
    """The index of the first statement that imports `child`, and the modules the statements
    before it import (all of the body's, if none does)."""
    seen: set[str] = set()
    for index, stmt in enumerate(body):
        if _imports(stmt, child, path, modules):
            return index, seen
        if isinstance(stmt, ast.Import):
            seen.update(alias.name for alias in stmt.names)
        elif isinstance(stmt, ast.ImportFrom):
            base = modules.absolute(path, stmt.level, stmt.module) if stmt.level else stmt.module
            if base:
                seen.add(base)
                seen.update(f"{base}.{alias.name}" for alias in stmt.names)
    return None, seen


def _state_of(module: str, states: dict[Path, FileState], modules: ModuleMap) -> FileState | None:
    for path in modules.files(module):
        if path in states:
            return states[path]
    return None


def _split_index(
    state: FileState, introduced: import_order.Introduced, modules: ModuleMap
) -> int | None:
    """The top-level statement of the original the split goes before: the one after the
    statement that bound the name, if the statement that started the cycle comes later."""
    failure = introduced.failure
    frames = [i for i, (module, _) in enumerate(failure.stack) if module == failure.module]
    if not frames or frames[-1] + 1 >= len(failure.stack):
        return None
    child = failure.stack[frames[-1] + 1][0]
    body = parse(fed_text(state)).body
    bind = _containing(body, introduced.bound_line or 0)
    start = next(
        (i for i, stmt in enumerate(body) if _imports(stmt, child, state.path, modules)), None
    )
    if bind is None or start is None or not bind < start:
        return None
    return bind + 1


def _containing(body: Sequence[ast.stmt], line: int) -> int | None:
    return next(
        (i for i, s in enumerate(body) if s.lineno <= line <= (s.end_lineno or s.lineno)), None
    )


def _imports(stmt: ast.stmt, child: str, path: Path, modules: ModuleMap) -> bool:
    """Whether running `stmt` imports module `child` (or a package above it... or below)."""
    if isinstance(stmt, ast.Import):
        return any(_on_chain(alias.name, child) for alias in stmt.names)
    if isinstance(stmt, ast.ImportFrom):
        base = modules.absolute(path, stmt.level, stmt.module) if stmt.level else stmt.module
        if base is None:
            return False
        return _on_chain(base, child) or any(f"{base}.{a.name}" == child for a in stmt.names)
    return False


def _on_chain(target: str, child: str) -> bool:
    return child == target or target.startswith(child + ".")


def split_text(source: bytes, splits: set[int]) -> bytes:
    """`source` with `# isort: split` on a line of its own before each top-level statement
    whose index is in `splits`."""
    body = parse(source).body
    lines = source.splitlines(keepends=True)
    newline = b"\r\n" if lines and lines[0].endswith(b"\r\n") else b"\n"
    for index in sorted(splits, reverse=True):
        row = body[index].lineno - 1
        lines.insert(row, SPLIT + newline)
    return b"".join(lines)


def fed_text(state: FileState) -> bytes:
    """The text safefix gives ruff to fix: the original, with its protections."""
    from safefix import restore

    protections = list(state.protections.values())
    return restore.protect(state.before, protections) if protections else state.before


def refix(session: Session, states: Sequence[FileState]) -> None:
    """Let ruff fix each split file again: its original (protected) text plus the splits."""
    from safefix import keep

    for state in states:
        with contained(state):
            session.scratch.write(state.path, split_text(fed_text(state), state.splits))
    keep.refix(session, [s for s in states if not s.error])
    for state in states:
        _place(state)


def _place(state: FileState) -> None:
    """Each split's line in the file as written, for the report."""
    rows = [i + 1 for i, line in enumerate(state.after.splitlines()) if line.strip() == SPLIT]
    placed = [o for o in state.orders if o.how == "isort: split"]
    for n, order in enumerate(placed):
        if n < len(rows):
            state.orders[state.orders.index(order)] = _with_line(order, rows[n])


def _with_line(order: KeptOrder, line: int) -> KeptOrder:
    from dataclasses import replace

    return replace(order, line=line)
