"""Keep the import order an import cycle needs: after the keep loop, check every fix that
moved or dropped project imports with the static model (`import_order.py`), and where the
fixed order fails to import while the original did not, keep the original order of the two
statements involved with an `# isort: split` (ruff sorts each side of it, and leaves it be),
or else leave the file as it was.

A byte screen comes first: a file whose project imports (by target, in order) are the same
after the fix, or only fewer and none from its own package, is not parsed (`may_reorder`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from safefix import import_order
from safefix.keep import FileState, contained
from safefix.types import KeptOrder, OrderFailure

if TYPE_CHECKING:
    from safefix.modules import ModuleMap
    from safefix.session import Session

#: Rounds of split-and-refix before the files still failing are left as they were.
MAX_ROUNDS = 3
SPLIT = b"# isort: split"
_IMPORT = re.compile(
    rb"^[ \t]*(?:from[ \t]+([.\w]+)[ \t]+import\b|import[ \t]+([.\w]+))", re.MULTILINE
)


def project_imports(source: bytes, tops: frozenset[str]) -> list[bytes]:
    """The targets of `source`'s import statements that may be project modules, in order."""
    found = (m[1] or m[2] for m in _IMPORT.finditer(source))
    return [t for t in found if t.startswith(b".") or t.split(b".")[0].decode() in tops]


def may_reorder(before: bytes, after: bytes, package: str, tops: frozenset[str]) -> bool:
    """Whether a fix may change the order in which project modules bind names: the screen.

    Reordered, moved or added project imports may; dropped ones only when they import from
    the file's own package (a sibling then loads later, possibly inside the package's cycle):
    an import of another package dropped from a leaf module (a test's unused import, say)
    cannot put a cycle of that package in another order, and checking every one would parse
    most of a big project."""
    old, new = project_imports(before, tops), project_imports(after, tops)
    if old == new:
        return False
    remaining = iter(old)
    if not all(target in remaining for target in new):
        return True
    dropped = list(old)
    for target in new:
        dropped.remove(target)
    own = package.encode() + b"."
    return any(t.startswith(own) or (t[:1] == b"." and t[1:2] != b".") for t in dropped)


def keep_import_order(session: Session, states: Sequence[FileState]) -> None:
    """Split or leave unchanged the files whose fixed import order fails where the original
    did not, until the model finds no failure the fixes introduced."""
    modules = session.ahead.modules
    tops = frozenset(name.split(".")[0] for name in modules.by_name)
    live = [s for s in states if not s.error and s.path.suffix == ".py"]
    checked = [s for s in live if may_reorder(s.before, s.after, _package(modules, s.path), tops)]
    if not checked:
        return
    by_path = {s.path: s for s in live}
    entries = [modules.display_name(s.path) for s in checked]
    skeletons = _Skeletons(modules, by_path)
    for _ in range(MAX_ROUNDS):
        found = import_order.introduced(entries, skeletons.original, skeletons.fixed)
        if not found:
            return
        splitting = _split_all(found, by_path, modules)
        if not splitting:
            break
        _refix(session, splitting)
        skeletons.forget([s.path for s in splitting])
    for _ in checked:
        found = import_order.introduced(entries, skeletons.original, skeletons.fixed)
        candidates = [s for s in checked if not s.error]
        if not found or not candidates:
            return
        _withhold(found[0], candidates, skeletons)


def _package(modules: ModuleMap, path: Path) -> str:
    """The package a module's relative `from . import` names."""
    name = modules.display_name(path)
    return name if path.stem == "__init__" else name.rpartition(".")[0]


class _Skeletons:
    """Each module's skeleton, parsed once per text: unchanged files serve both trees."""

    def __init__(self, modules: ModuleMap, states: dict[Path, FileState]) -> None:
        self._modules = modules
        self._states = states
        self._cache: dict[tuple[Path, bool], import_order.Skeleton | None] = {}
        #: Files whose fixes are taken back: the fixed tree holds their original.
        self.reverted: set[Path] = set()

    def forget(self, paths: Sequence[Path]) -> None:
        for path in paths:
            self._cache.pop((path, True), None)

    def original(self, module: str) -> import_order.Skeleton | None:
        return self._of(module, fixed=False)

    def fixed(self, module: str) -> import_order.Skeleton | None:
        return self._of(module, fixed=True)

    def _of(self, module: str, *, fixed: bool) -> import_order.Skeleton | None:
        files = [f for f in self._modules.files(module) if f.suffix == ".py"]
        if not files:
            return None
        path = files[0]
        state = self._states.get(path)
        key = (path, fixed and state is not None and path not in self.reverted)
        if key not in self._cache:
            self._cache[key] = self._parse(path, state, fixed=fixed)
        return self._cache[key]

    def _parse(
        self, path: Path, state: FileState | None, *, fixed: bool
    ) -> import_order.Skeleton | None:
        from safefix.fdio import read_whole

        if state is not None:
            source = state.after if fixed and path not in self.reverted else state.before
        else:
            try:
                source = read_whole(path)
            except OSError:
                return None
        modules = self._modules

        def resolve(level: int, name: str | None) -> str | None:
            return modules.absolute(path, level, name) if level else name

        return import_order.skeleton(path, source, resolve)


def _split_all(
    found: Sequence[import_order.Introduced], states: dict[Path, FileState], modules: ModuleMap
) -> list[FileState]:
    """Add a split to each failing module's file where one restores the needed order."""
    splitting: dict[Path, FileState] = {}
    for introduced in found:
        failure = introduced.failure
        state = _state_of(failure.module, states, modules)
        if state is None or state.error or introduced.bound_line is None:
            continue
        with contained(state):
            index = _split_index(state, introduced, modules)
            if index is None or index in state.splits:
                continue
            state.splits.add(index)
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
    return list(splitting.values())


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
    body = ast.parse(fed_text(state)).body
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
    body = ast.parse(source).body
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


def _refix(session: Session, states: Sequence[FileState]) -> None:
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


def _withhold(
    introduced: import_order.Introduced, candidates: Sequence[FileState], skeletons: _Skeletons
) -> None:
    """No split restores the order: leave unchanged the one checked file whose original, put
    back alone, imports cleanly again (or else every checked file)."""
    reason = f"kept import order: {describe(introduced.failure, introduced.bound_line)}"
    for state in candidates:
        skeletons.reverted.add(state.path)
        if not import_order.introduced([introduced.entry], skeletons.original, skeletons.fixed):
            state.leave_unchanged(f"{reason}; left the file unchanged")
            return
        skeletons.reverted.discard(state.path)
    for state in candidates:
        skeletons.reverted.add(state.path)
        state.leave_unchanged(f"{reason}; left the file unchanged")


def describe(failure: OrderFailure, bound_line: int | None) -> str:
    """`a.b needs NAME from P (bound by line L) while P is initialising`."""
    bound = f" (bound by line {bound_line})" if bound_line else ""
    return (
        f"{failure.importer} needs {failure.name} from {failure.module}{bound} "
        f"while {failure.module} is initialising"
    )
