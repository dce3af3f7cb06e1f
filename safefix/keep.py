"""The keep loop: removals -> decisions -> protect -> re-fix, until every consumed name is
bound again.

Each file's work is contained: an exception while handling one file leaves that file as it
was (`failures.py`) and the loop goes on with the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from safefix import failures, ruff
from safefix.effects import EffectModules, ran_modules
from safefix.types import (
    Consumer,
    ConsumerKind,
    Decision,
    Fixed,
    KeptOrder,
    Protection,
    Removal,
    Verdict,
)

if TYPE_CHECKING:
    from safefix.cache import IndexCache
    from safefix.consumers import ConsumerIndex
    from safefix.ruff_output import JsonDiagnostic
    from safefix.session import Session

#: Protect-and-refix rounds before safefix gives up on a file and leaves it as it was.
MAX_ROUNDS = 4
#: Rules that are reported on a whole import block; a `noqa` for them would switch off sorting.
BLOCK_RULES = frozenset({"I001"})
#: Rules whose fixes delete an import statement's names: the `noqa` falls back on those ruff
#: applied to the file when no violation on the protected line names one yet.
REMOVING_RULES = frozenset({"F401", "F811"})


@dataclass
class FileState:
    """One file through the keep loop; each round updates it."""

    path: Path
    before: bytes
    after: bytes
    fixes: dict[str, int]
    removals: list[Removal] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    protections: dict[tuple[int, int, str], Protection] = field(default_factory=dict)
    #: The decision that made safefix protect each binding, by protection key.
    kept: dict[tuple[int, int, str], Decision] = field(default_factory=dict)
    error: str | None = None
    #: The error is an exception of safefix's own while handling this file.
    failed: bool = False
    #: Top-level statements of the protected original that get an `# isort: split` before
    #: them, and the import orders kept that way (`keep_order.py`).
    splits: set[int] = field(default_factory=set)
    orders: list[KeptOrder] = field(default_factory=list)

    @classmethod
    def of(cls, fixed: Fixed) -> FileState:
        return cls(fixed.path, fixed.before, fixed.after, dict(fixed.fixes), error=fixed.error)

    def leave_unchanged(self, error: str, *, failed: bool = False) -> None:
        self.error, self.failed = error, failed
        self.after = self.before
        self.removals = []
        self.orders = []


@contextmanager
def contained(state: FileState, index: ConsumerIndex | None = None) -> Iterator[None]:
    """An exception in the block leaves the file unchanged (and indexed as it stays)."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - one file's bug; Ctrl-C still ends the run
        state.leave_unchanged(failures.left_unchanged(exc), failed=True)
        if index is not None:
            index.set_file(state.path, state.before)


def keep_load_bearing(session: Session, states: list[FileState], project: Sequence[Path]) -> None:
    """Decide every removal, and protect-and-refix until every consumed name is bound again."""
    from safefix.modules import PY_SUFFIXES

    python = [s for s in states if s.path.suffix in PY_SUFFIXES]
    effects = EffectModules(session.ahead.modules)
    index = _index(session, python, project, _find_all_removals(session, python), effects)
    if index is None:
        return
    ran = _RanLookup(effects, index)
    for _ in range(MAX_ROUNDS):
        pending = [s for s in python if _decide(s, index, session, ran)]
        if not pending:
            return
        _protect(session, pending, index)
        pending = [s for s in pending if not s.error]
        if pending:
            refix(session, pending)
        for state in pending:
            with contained(state, index):
                find_removals(session, state)
            index.set_file(state.path, state.after)
    for state in python:
        if _decide(state, index, session, ran):
            names_left = ", ".join(sorted({d.removal.name for d in _unkept(state)}))
            state.leave_unchanged(f"could not keep {names_left} safely; left the file unchanged")


def _find_all_removals(session: Session, python: list[FileState]) -> dict[Path, set[str]]:
    """Every file's removals, on every core; which removed names each hands to `import *`."""
    from safefix.parallel import parallel_map

    ahead = session.ahead
    # while workers find the removals, this process readies what looking for their consumers
    # needs (on a big tree, a tenth of a second or two that would otherwise follow them)
    found = parallel_map(
        _removals_and_exports,
        [(s.path, s.before, s.after) for s in python],
        meanwhile=None if ahead.finished else ahead.finish,
    )
    exports: dict[Path, set[str]] = {}
    for state, result in zip(python, found, strict=True):
        if isinstance(result, failures.Failure):
            state.leave_unchanged(result.message, failed=True)
            continue
        removals, exported = result
        _record_removals(session, state, removals)
        exports[state.path] = exported
    return exports


def _index(
    session: Session,
    python: list[FileState],
    project: Sequence[Path],
    exports: dict[Path, set[str]],
    effects: EffectModules,
) -> ConsumerIndex | None:
    """The consumers of every removed name in the project (None: nothing was removed)."""
    from safefix.session import say

    targets: dict[str, set[str]] = {}
    star_targets: dict[str, set[str]] = {}
    modules = session.ahead.modules
    for state in python:
        if not state.removals:
            continue
        names = modules.names.get(state.path, ())
        for removal in state.removals:
            for package, attribute in effects.reached_attributes(ran_modules(removal, modules)):
                targets.setdefault(attribute, set()).add(package)
            if not removal.bound:
                continue
            targets.setdefault(removal.name, set()).update(names)
            if removal.name in exports[state.path]:
                star_targets.setdefault(removal.name, set()).update(names)
    if not targets:
        if any(state.removals for state in python):  # what they ran may still matter
            from safefix.consumers import ConsumerIndex

            return ConsumerIndex(modules)
        return None
    from safefix.consumers import build_index  # the index's modules are only needed from here

    failures.inject("index")
    contents = {s.path: s.after for s in python}
    everything = dict.fromkeys([*project, *contents])
    say(
        session.options, f"looking for consumers of {len(targets)} names in {len(everything)} files"
    )
    own = {s.path: [r.name for r in s.removals if r.bound] for s in python if s.removals}
    cache = open_cache(session)
    text_files = session.ahead.text_files
    unreadable = session.ahead.unreadable_directories
    index = build_index(
        everything, contents, targets, modules, text_files, star_targets, own, cache, unreadable
    )
    for path, why in sorted(index.unreadable.items()):
        shown = path.relative_to(session.root) if path.is_relative_to(session.root) else path
        session.notes.append(f"{shown}: cannot be read ({why}): kept every import it might use")
    if cache is not None:
        cache.save()
    return index


def open_cache(session: Session) -> IndexCache | None:
    """The project's index cache, unless the user said `--no-cache`."""
    from safefix.cache import open_cache

    return None if session.options.no_cache else open_cache(session.root, session.ahead.modules)


_Found = tuple[list[Removal] | str, set[str]]


def _removals_and_exports(item: tuple[Path, bytes, bytes]) -> _Found | failures.Failure:
    """A file's removals (or why its fix does not parse), and which of the removed names it
    would hand to `import *`: both on a worker's core (the `__all__` takes a parse)."""
    try:
        failures.inject("removals", item[0])
        return _found(item)
    except Exception as exc:  # noqa: BLE001 - here: a worker's failure would redo its share
        return failures.Failure(failures.left_unchanged(exc))


def _found(item: tuple[Path, bytes, bytes]) -> _Found:
    from safefix import bindings
    from safefix import removals as removals_mod
    from safefix.kinds import star_exports

    found = removals_mod.removals_or_error(item)
    if isinstance(found, str) or not found:
        return found, set()
    names = [removal.name for removal in found]
    after = item[2]
    if b"__all__" not in after:
        return found, {name for name in names if not name.startswith("_")}
    return found, star_exports(bindings.parse(after), names)


def find_removals(session: Session, state: FileState) -> None:
    """What ruff's fixes of `state` remove now (after a refix)."""
    from safefix import removals as removals_mod

    failures.inject("removals", state.path)
    found = removals_mod.removals_or_error((state.path, state.before, state.after))
    _record_removals(session, state, found)


def _record_removals(session: Session, state: FileState, found: list[Removal] | str) -> None:
    if isinstance(found, str):
        state.leave_unchanged(f"ruff's fix does not parse ({found}); left the file unchanged")
        return
    if found:  # naming the module needs the module map: only build it when it is needed
        modules = session.ahead.modules
        module = modules.display_name(state.path)
        # an import whose name stays bound matters only if it ran one of the project's modules
        found = [
            replace(removal, module=module)
            for removal in found
            if removal.bound or removal.effect or ran_modules(removal, modules)
        ]
    state.removals = found


@dataclass(frozen=True)
class _RanLookup:
    """What needs the modules a removed import ran: the effect modules among them, and the
    modules that reach a submodule it set through its package."""

    effects: EffectModules
    index: ConsumerIndex

    def __call__(self, removal: Removal) -> list[Consumer]:
        if not removal.runs:
            return []
        modules = self.effects.modules
        ran = ran_modules(removal, modules)
        found = self.effects.consumers(removal)
        for package, attribute in self.effects.reached_attributes(ran):
            found += [
                consumer
                for consumer in self.index.consumers_of_module(package, attribute)
                if consumer.kind is ConsumerKind.SUBMODULE
            ]
        return found


def _decide(state: FileState, index: ConsumerIndex, session: Session, ran: _RanLookup) -> bool:
    """Record decisions; True while some consumed removal is not protected successfully."""
    from safefix.policy import decide

    if state.error:
        return False
    with contained(state, index):
        keep = session.options.keep
        state.decisions = decide(state.removals, index.consumers_of, keep, ran)
    return not state.error and bool(_unkept(state))


def _unkept(state: FileState) -> list[Decision]:
    return [d for d in state.decisions if d.verdict is Verdict.KEEP]


def refix(session: Session, states: Sequence[FileState]) -> None:
    """Let ruff fix the (protected) scratch copies of `states` again."""
    from safefix.session import by_file

    result = session.fix_copies([s.path for s in states])
    found = by_file(result.remaining)
    for state in states:
        state.after = session.scratch.read(state.path)
        state.fixes = dict(result.fixed.get(state.path, {}))
        session.remaining[state.path] = found.get(state.path, [])


def _protect(session: Session, states: Sequence[FileState], index: ConsumerIndex) -> None:
    protect(session, states, _unkept, index)


def protect(
    session: Session,
    states: Sequence[FileState],
    kept: Callable[[FileState], list[Decision]],
    index: ConsumerIndex | None = None,
) -> None:
    """Protect each state's `kept` removals in the original text, learning `noqa` codes from
    ruff (the keep loop keeps the consumed ones; the import-order check, an import that loaded
    a module of a cycle first)."""
    from safefix import (
        bindings,
        restore,  # libcst costs start-up time; only runs that keep need it
    )
    from safefix.policy import restore_via_all

    scratch = session.scratch
    for state in states:
        with contained(state, index):
            failures.inject("protect", state.path)
            # no `__all__` in the text, none to parse for (a big module's parse is seconds)
            has_all = b"__all__" in state.before and bindings.has_literal_all(
                bindings.parse(state.before)
            )
            for decision in kept(state):
                removal = decision.removal
                key = (removal.line, removal.col, removal.name)
                known = state.protections.get(key)
                state.kept.setdefault(key, decision)
                state.protections[key] = Protection(
                    line=removal.line,
                    col=removal.col,
                    name=removal.name,
                    codes=known.codes if known else frozenset(),
                    # a second round means the first protection was not enough: `noqa` it
                    via_all=known is None
                    and _exported(decision)
                    and restore_via_all(
                        removal.name, has_all, session.options.restore_with, decision.consumers
                    ),
                )
            protections = list(state.protections.values())
            scratch.write(state.path, restore.protect(state.before, protections))
    noqa_states = [
        s for s in states if not s.error and any(not p.via_all for p in s.protections.values())
    ]
    if not noqa_states:
        return
    mirrored = [scratch.mirror(s.path) for s in noqa_states]
    found = ruff.diagnose(session.binary, mirrored, session.mirrored_flags(), session.scratch_cwd)
    for state, mirror in zip(noqa_states, mirrored, strict=True):
        with contained(state, index):
            codes = [d for d in found if d.path == mirror]
            _learn_codes(state, scratch.read(state.path), codes)
            protections = list(state.protections.values())
            scratch.write(state.path, restore.protect(state.before, protections))


def _exported(decision: Decision) -> bool:
    """Whether the kept name is what consumers use, so that `__all__` may list it: not when
    what the import ran is the point (an effect module, a submodule it set)."""
    ran = (ConsumerKind.EFFECT, ConsumerKind.SUBMODULE)
    return decision.removal.bound and not any(c.kind in ran for c in decision.consumers)


def _learn_codes(state: FileState, protected: bytes, diagnostics: Sequence[JsonDiagnostic]) -> None:
    """Give each noqa protection the codes of the violations whose fix would edit its line."""
    from safefix import bindings
    from safefix.import_text import import_section

    try:  # the statements that can bind a module-level name: in a big module, a small part
        tree = bindings.parse(import_section(protected))
    except SyntaxError:
        tree = bindings.parse(protected)
    lines = bindings.import_rows(tree)
    for key, protection in state.protections.items():
        if protection.via_all:
            continue
        rows = lines.get(protection.name, set())
        # only rules whose fix would edit the protected statement itself: F811 reported here
        # but deleting an earlier import, or I001 re-sorting a whole block, are left alone
        codes = {
            d.code
            for d in diagnostics
            if d.noqa_row in rows and d.edits_row(d.noqa_row) and d.code not in BLOCK_RULES
        }
        if not codes and not protection.codes:
            # the name is still used before the fixes (an annotation UP006 rewrites, say) and
            # becomes unused only after them, where ruff's first look cannot see it
            codes = set(REMOVING_RULES.intersection(state.fixes))
        state.protections[key] = replace(protection, codes=protection.codes | codes)
