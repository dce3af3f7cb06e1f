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
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from safefix import import_order
from safefix.bindings import parse
from safefix.keep import FileState, contained
from safefix.preloaded import Imports, preloaded, top_level_imports
from safefix.types import KeptOrder, OrderFailure

if TYPE_CHECKING:
    from safefix.modules import ModuleMap
    from safefix.session import Session

#: Rounds of split-and-refix (each round finds the failures the last one uncovered) before
#: the files still failing are left as they were.
MAX_ROUNDS = 12
SPLIT = b"# isort: split"
#: An import statement at the start of a line (searched only where `import` occurs: a pattern
#: anchored at every line start costs ~0.2 s over networkx's changed files, this ~0.01 s).
_STATEMENT = re.compile(rb"[ \t]*(?:from[ \t]+([.\w]+)[ \t]+import\b|import[ \t]+([.\w]+))")
_KEYWORD = re.compile(rb"import[ \t]")


def project_imports(source: bytes, tops: frozenset[str]) -> list[bytes]:
    """The targets of `source`'s import statements that may be project modules, in order."""
    found: list[bytes] = []
    line_seen = -1
    for keyword in _KEYWORD.finditer(source):
        start = source.rfind(b"\n", 0, keyword.start()) + 1
        if start == line_seen:
            continue
        line_seen = start
        statement = _STATEMENT.match(source, start)
        if statement is None:
            continue
        target = statement[1] or statement[2]
        if target.startswith(b".") or target.split(b".")[0].decode() in tops:
            found.append(target)
    return found


def dropped_imports(old: Sequence[bytes], new: Sequence[bytes]) -> list[bytes]:
    """The import targets `old` has that `new` (the same, fewer) no longer has."""
    dropped = list(old)
    for target in new:
        dropped.remove(target)
    return dropped


def _inert(state: FileState, modules: ModuleMap, tops: frozenset[str], imports: Imports) -> bool:
    """Whether every import the fix dropped loaded a module the package chain had loaded
    already (`preloaded.py`): then no import runs later than before."""
    old, new = project_imports(state.before, tops), project_imports(state.after, tops)
    for target in dropped_imports(old, new):
        text = target.decode()
        level = len(text) - len(text.lstrip("."))
        name = modules.absolute(state.path, level, text[level:] or None) if level else text
        if level and not text[level:]:
            return False  # `from . import x`: which sibling it loads is in the names
        if name is None or not preloaded(name, state.path, modules, imports):
            return False
    return True


def may_reorder(before: bytes, after: bytes, package: str, tops: frozenset[str]) -> str | None:
    """Whether a fix may change the order in which project modules bind names: the screen.

    "moved" where project imports are reordered, moved or added; "dropped" where the only
    change is that imports from the file's own package are gone (a sibling then loads later,
    perhaps inside the package's cycle); None otherwise: an import of another package dropped
    from a module (a test's unused import, say) is not followed."""
    old, new = project_imports(before, tops), project_imports(after, tops)
    if old == new:
        return None
    remaining = iter(old)
    if not all(target in remaining for target in new):
        return "moved"
    dropped = dropped_imports(old, new)
    own = package.encode() + b"."
    if any(t.startswith(own) or (t[:1] == b"." and t[1:2] != b".") for t in dropped):
        return "dropped"
    return None


def keep_import_order(session: Session, states: Sequence[FileState]) -> None:
    """Split or leave unchanged the files whose fixed import order fails where the original
    did not, until the model finds no failure the fixes introduced."""
    modules = session.ahead.modules
    tops = frozenset(name.split(".")[0] for name in modules.by_name)
    live = [s for s in states if not s.error and s.path.suffix == ".py"]
    screened = {
        s.path: may_reorder(s.before, s.after, _package(modules, s.path), tops) for s in live
    }
    imports: Imports = cache(partial(top_level_imports, modules=modules))  # once per file
    for state in live:
        if screened[state.path] == "dropped" and _inert(state, modules, tops, imports):
            screened[state.path] = None
    checked = [s for s in live if screened[s.path]]
    if not checked:
        return
    by_path = {s.path: s for s in live}
    skeletons = _Skeletons(modules, by_path)
    # a moved import is followed through the whole project (a package's order shows when its
    # parent imports it); an import dropped from a package only within that package
    scopes = [("", [modules.display_name(s.path) for s in checked if screened[s.path] == "moved"])]
    scopes += [
        (_package(modules, s.path), [modules.display_name(s.path)])
        for s in checked
        if screened[s.path] == "dropped"
    ]

    def found_now() -> list[tuple[str, import_order.Introduced]]:
        return [
            (scope, found)
            for scope, entries in scopes
            if entries
            for found in import_order.introduced(
                entries, skeletons.within(scope, fixed=False), skeletons.within(scope, fixed=True)
            )
        ]

    for _ in range(MAX_ROUNDS):
        found = found_now()
        if not found:
            return
        splitting = _split_all([f for _, f in found], by_path, modules)
        if not splitting:
            break
        _refix(session, splitting)
        skeletons.forget([s.path for s in splitting])
    for _ in checked:
        found = found_now()
        if not found:
            return
        suspected = [(scope, f, _suspects(f, checked, modules)) for scope, f in found]
        if not any(suspects for _, _, suspects in suspected):  # none left to suspect: all go
            suspected = [(found[0][0], found[0][1], [s for s in checked if not s.error])]
        for scope, failing, suspects in suspected:  # each round's failures at once
            _withhold(failing, [s for s in suspects if not s.error], skeletons, scope)


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

    def within(self, scope: str, *, fixed: bool) -> import_order.Skeletons:
        """The original or fixed tree's modules, those outside `scope` taken as imported
        already (none outside with an empty scope)."""
        inside = scope + "."

        def of(module: str) -> import_order.Skeleton | None:
            if scope and module != scope and not module.startswith(inside):
                return None
            return self._of(module, fixed=fixed)

        return of

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


#: Files whose originals are tried one at a time before every suspect is left unchanged.
MAX_TRIES = 4


def _suspects(
    introduced: import_order.Introduced, checked: Sequence[FileState], modules: ModuleMap
) -> list[FileState]:
    """The checked files that may have caused a failure: those on the failing import's path
    first, then the rest of its package."""
    on_path = {module for module, _ in introduced.failure.stack}
    family = introduced.failure.module.split(".")[0] + "."
    live = [s for s in checked if not s.error]
    first = [s for s in live if modules.display_name(s.path) in on_path]
    rest = [s for s in live if s not in first and modules.display_name(s.path).startswith(family)]
    return first + rest


def _withhold(
    introduced: import_order.Introduced,
    suspects: Sequence[FileState],
    skeletons: _Skeletons,
    scope: str,
) -> None:
    """No split restores the order: leave unchanged the suspect whose original, put back alone,
    takes the failure away (trying the likeliest few), or else every suspect."""
    reason = f"kept import order: {describe(introduced.failure, introduced.bound_line)}"

    def failing() -> bool:
        """Whether this same failure remains (another one may follow: the next round's)."""
        original, fixed = skeletons.within(scope, fixed=False), skeletons.within(scope, fixed=True)
        found = import_order.introduced([introduced.entry], original, fixed)
        return any(f.failure == introduced.failure for f in found)

    for state in suspects[:MAX_TRIES]:
        skeletons.reverted.add(state.path)
        if not failing():
            state.leave_unchanged(f"{reason}; left the file unchanged")
            return
        skeletons.reverted.discard(state.path)
    for state in suspects:
        skeletons.reverted.add(state.path)
        state.leave_unchanged(f"{reason}; left the file unchanged")


def describe(failure: OrderFailure, bound_line: int | None) -> str:
    """`a.b needs NAME from P (bound by line L) while P is initialising`."""
    bound = f" (bound by line {bound_line})" if bound_line else ""
    return (
        f"{failure.importer} needs {failure.name} from {failure.module}{bound} "
        f"while {failure.module} is initialising"
    )
