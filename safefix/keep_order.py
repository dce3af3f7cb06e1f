"""Keep the import order an import cycle needs: after the keep loop, check every fix that
moved or dropped project imports with the static model (`import_order.py`), and where the
fixed order fails to import while the original did not, keep the original order of the two
statements involved with an `# isort: split` (ruff sorts each side of it, and leaves it be;
`order_split.py`), keep at runtime the one import a fix took away that loaded a module of the
cycle first (TC00x moved it under `if TYPE_CHECKING:`, F401 or F811 deleted it), or else
leave the file as it was.

A byte screen comes first: a file whose runtime project imports (by target, in order; those
under `if TYPE_CHECKING:` never run) are the same after the fix, or only fewer and none from
its own package, is not parsed (`may_reorder`).
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Sequence
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from safefix import import_order, keep
from safefix.keep import FileState, contained
from safefix.order_passes import Passes
from safefix.order_split import refix, split_all
from safefix.preloaded import Imports, preloaded, top_level_imports
from safefix.types import Decision, OrderFailure, Removal, Verdict

if TYPE_CHECKING:
    from safefix.modules import ModuleMap
    from safefix.session import Session

#: `SAFEFIX_ORDER_CHECK=off` skips the check: for `make bench`, which times a run without it.
ORDER_ENV = "SAFEFIX_ORDER_CHECK"
#: Rounds of split-and-refix (each round finds the failures the last one uncovered) before
#: the files still failing are left as they were.
MAX_ROUNDS = 40
#: An import statement at the start of a line (searched only where `import` occurs: a pattern
#: anchored at every line start costs ~0.2 s over networkx's changed files, this ~0.01 s).
_STATEMENT = re.compile(rb"[ \t]*(?:from[ \t]+([.\w]+)[ \t]+import\b|import[ \t]+([.\w]+))")
_KEYWORD = re.compile(rb"import[ \t]")
#: `if TYPE_CHECKING:` on a line of its own: the imports of its body never run.
_TYPING_IF = re.compile(
    rb"^([ \t]*)if[ \t]+(?:typing\.)?TYPE_CHECKING[ \t]*:[ \t]*(?:#[^\n]*|\r?)$", re.MULTILINE
)


def project_imports(source: bytes, tops: frozenset[str]) -> list[bytes]:
    """The targets of `source`'s import statements that may be project modules, in order."""
    found: list[bytes] = []
    line_seen = -1
    typing = typing_blocks(source)
    for keyword in _KEYWORD.finditer(source):
        start = source.rfind(b"\n", 0, keyword.start()) + 1
        if start == line_seen or any(low <= start < high for low, high in typing):
            continue
        line_seen = start
        statement = _STATEMENT.match(source, start)
        if statement is None:
            continue
        target = statement[1] or statement[2]
        if target.startswith(b".") or target.split(b".")[0].decode() in tops:
            found.append(target)
    return found


def typing_blocks(source: bytes) -> list[tuple[int, int]]:
    """The byte ranges of `if TYPE_CHECKING:` bodies: an import TC00x moves there no longer
    runs, which the screen must see as a dropped import (its target loads later, or never)."""
    if b"TYPE_CHECKING" not in source:
        return []
    found = []
    for match in _TYPING_IF.finditer(source):
        indent = len(match[1].expandtabs())
        start = end = source.find(b"\n", match.end()) + 1 or len(source)
        while end < len(source):
            stop = source.find(b"\n", end)
            stop = len(source) if stop < 0 else stop + 1
            line = source[end:stop]
            text = line.lstrip(b" \t")
            deeper = len(line[: len(line) - len(text)].expandtabs()) > indent
            if text.strip() and not text.startswith(b"#") and not deeper:
                break
            end = stop
        found.append((start, end))
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
    if os.environ.get(ORDER_ENV) == "off":
        return
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

    passes = Passes()

    def found_now() -> list[tuple[str, import_order.Introduced]]:
        passes.changed(skeletons.touched())
        found = [
            (scope, found)
            for scope, entries in scopes
            if entries
            for found in passes.introduced(
                scope,
                entries,
                skeletons.within(scope, fixed=False),
                skeletons.within(scope, fixed=True),
            )
        ]
        passes.settle()
        return found

    for _ in range(MAX_ROUNDS):
        found = found_now()
        if not found:
            return
        splitting = split_all([f for _, f in found], by_path, modules)
        if not splitting:
            break
        refix(session, splitting)
        skeletons.forget([s.path for s in splitting])
    # each round leaves a file unchanged or keeps one more import: a bounded number of rounds
    for _ in range(len(checked) + sum(len(s.removals) for s in checked)):
        found = found_now()
        if not found:
            return
        suspected = [(scope, f, _suspects(f, checked, modules)) for scope, f in found]
        if not any(suspects for _, _, suspects in suspected):  # none left to suspect: all go
            suspected = [(found[0][0], found[0][1], [s for s in checked if not s.error])]
        for scope, failing, suspects in suspected:  # each round's failures at once
            live = [s for s in suspects if not s.error]
            if not _keep_loader(session, failing, live, skeletons, scope):
                _withhold(failing, live, skeletons, scope)
    for state in checked if found_now() else ():  # never reached, unless the rounds run out
        skeletons.revert(state.path)
        state.leave_unchanged("kept import order: the fixes break an import cycle; left unchanged")


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
        self._paths: dict[str, Path | None] = {}
        #: Files whose fixes are taken back: the fixed tree holds their original.
        self.reverted: set[Path] = set()
        self._touched: set[Path] = set()

    def forget(self, paths: Sequence[Path]) -> None:
        """These files' fixed text changed."""
        for path in paths:
            self._cache.pop((path, True), None)
            self._touched.add(path)

    def revert(self, path: Path, *, reverted: bool = True) -> None:
        """The fixed tree holds this file's original (or, `reverted=False`, its fix again)."""
        if reverted:
            self.reverted.add(path)
        else:
            self.reverted.discard(path)
        self._touched.add(path)

    def touched(self) -> list[str]:
        """The modules whose fixed text changed since the last call."""
        touched, self._touched = self._touched, set()
        return [self._modules.display_name(path) for path in touched]

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
        if module not in self._paths:  # asked ~200 times per module on sympy
            files = [f for f in self._modules.files(module) if f.suffix == ".py"]
            self._paths[module] = files[0] if files else None
        path = self._paths[module]
        if path is None:
            return None
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


def _failing(introduced: import_order.Introduced, skeletons: _Skeletons, scope: str) -> bool:
    """Whether this same failure remains (another one may follow: the next round's)."""
    original, fixed = skeletons.within(scope, fixed=False), skeletons.within(scope, fixed=True)
    found = import_order.introduced([introduced.entry], original, fixed)
    return any(_same(f.failure, introduced.failure) for f in found)


def _same(one: OrderFailure, other: OrderFailure) -> bool:
    """The same name missing for the same importer (the lines may have moved)."""
    return (one.module, one.name, one.importer) == (other.module, other.name, other.importer)


def _keep_loader(
    session: Session,
    introduced: import_order.Introduced,
    suspects: Sequence[FileState],
    skeletons: _Skeletons,
    scope: str,
) -> bool:
    """Keep at runtime, with a noqa, the one import a fix took away (moved under
    TYPE_CHECKING by TC00x, deleted by F401 or F811) that ran a module on the failing import's
    path: without it that module loads later, inside the cycle. Every other fix of the file
    still applies. True when one such import, kept alone, takes the failure away (the
    earliest few are tried: the first to run loaded the module first)."""
    modules = session.ahead.modules
    failure = introduced.failure
    on_path = {module for module, _ in failure.stack} | {failure.module}
    reason = f"kept import order: {describe(failure, introduced.bound_line)}"
    candidates = [
        (state, removal)
        for state in suspects
        for removal in sorted(state.removals, key=lambda r: (r.line, r.col))
        if on_path.intersection(_ran(removal, modules))
    ]
    for state, removal in candidates[:MAX_TRIES]:
        saved = {name: copy.copy(getattr(state, name)) for name in _STATE_FIELDS}
        remaining = session.remaining.get(state.path)
        decision = Decision(removal, Verdict.KEEP, reason)
        state.decisions = [d for d in state.decisions if d.removal != removal] + [decision]
        with contained(state):
            keep.protect(session, [state], partial(_only, decision))
            refix(session, [state])
            keep.find_removals(session, state)
        skeletons.forget([state.path])
        if not state.error and not _failing(introduced, skeletons, scope):
            return True
        for name, value in saved.items():
            setattr(state, name, value)
        if remaining is not None:
            session.remaining[state.path] = remaining
        skeletons.forget([state.path])
    return False


#: What keeping one more import changes in a file's state (put back if it does not help).
_STATE_FIELDS = (
    "after",
    "fixes",
    "removals",
    "decisions",
    "kept",
    "protections",
    "orders",
    "error",
    "failed",
)


def _only(decision: Decision, _: FileState) -> list[Decision]:
    return [decision]


def _ran(removal: Removal, modules: ModuleMap) -> set[str]:
    """The absolute names of the modules a removed import ran."""
    found = set()
    for dotted in removal.runs:
        level = len(dotted) - len(dotted.lstrip("."))
        name = modules.absolute(removal.path, level, dotted[level:] or None) if level else dotted
        if name:
            found.add(name)
    return found


def _withhold(
    introduced: import_order.Introduced,
    suspects: Sequence[FileState],
    skeletons: _Skeletons,
    scope: str,
) -> None:
    """No split restores the order: leave unchanged the suspect whose original, put back alone,
    takes the failure away (trying the likeliest few), or else every suspect."""
    reason = f"kept import order: {describe(introduced.failure, introduced.bound_line)}"
    for state in suspects[:MAX_TRIES]:
        skeletons.revert(state.path)
        if not _failing(introduced, skeletons, scope):
            state.leave_unchanged(f"{reason}; left the file unchanged")
            return
        skeletons.revert(state.path, reverted=False)
    for state in suspects:
        skeletons.revert(state.path)
        state.leave_unchanged(f"{reason}; left the file unchanged")


def describe(failure: OrderFailure, bound_line: int | None) -> str:
    """`a.b needs NAME from P (bound by line L) while P is initialising`."""
    bound = f" (bound by line {bound_line})" if bound_line else ""
    return (
        f"{failure.importer} needs {failure.name} from {failure.module}{bound} "
        f"while {failure.module} is initialising"
    )
