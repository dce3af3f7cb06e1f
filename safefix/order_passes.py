"""The import-order check's passes over the fixed tree, each re-running only what can differ.

Each pass of `keep_order.py` splits or reverts a few files and looks again; on a package
whose `__init__` imports everything (sympy: ~1,300 sorted files), one pass imports every
entry module and one failure inside the package masks the next, so a pass after each fix
cost O(entries x modules) again (16 passes, ~150 s). A module's import depends only on the
skeletons of the modules it loaded: an entry whose last run loaded no module changed since
keeps its result. Which modules each run loaded is kept as a bit set (an int), one bit per
module, so the memory is a few hundred bytes per entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from safefix.import_order import Introduced, Reads, Runs, Skeletons


@dataclass
class _Entry:
    #: What the entry's last run read of its package chain's state, and the modules it
    #: loaded itself, one bit each (None: unknown, always re-run).
    reads: Reads | None
    loaded: int
    found: Introduced | None


@dataclass
class Passes:
    """Per scope, each entry's last result in the fixed tree and what it depended on."""

    _bits: dict[str, int] = field(default_factory=dict)
    _entries: dict[tuple[str, str], _Entry] = field(default_factory=dict)
    #: The original tree never changes: its runs are shared by every pass, per scope.
    _before: dict[str, Runs] = field(default_factory=dict)
    _changed: int = 0
    _touched: set[str] = field(default_factory=set)

    def changed(self, modules: Iterable[str]) -> None:
        """These modules' fixed text changed (refixed with a split, or put back as it was)."""
        for module in modules:
            self._changed |= self._bit(module)
            self._touched.add(module)

    def introduced(
        self, scope: str, entries: Sequence[str], original: Skeletons, fixed: Skeletons
    ) -> list[Introduced]:
        """`import_order.introduced(entries, original, fixed)`, re-running only the entries
        whose last run loaded a module changed since or read a part of its package chain's
        state that differs now (all of them the first time)."""
        before = self._before.setdefault(scope, Runs(original))
        after = Runs(fixed)
        stale = self._changed and self._reaches(scope)
        found: dict[object, Introduced] = {}
        for entry in entries:
            known = self._entries.get((scope, entry))
            if known is None or (stale and not self._same(entry, known, after)):
                known = self._run(entry, before, after)
                self._entries[(scope, entry)] = known
            if known.found is not None:  # one failure, whichever entry reached it first
                failure = known.found.failure
                found.setdefault((failure.module, failure.name, failure.importer), known.found)
        return list(found.values())

    def settle(self) -> None:
        """Every scope has been looked at again since the last changes."""
        self._changed = 0
        self._touched = set()

    def _reaches(self, scope: str) -> bool:
        """Whether a changed module is inside `scope` (the model sees no module outside)."""
        inside = scope + "."
        return not scope or any(m == scope or m.startswith(inside) for m in self._touched)

    def _same(self, entry: str, known: _Entry, after: Runs) -> bool:
        """Whether the entry's run now would load the same modules, from the same state."""
        reads = known.reads
        if reads is None or known.loaded & self._changed:
            return False
        return after.state(entry, reads.reads) == reads.state

    def _run(self, entry: str, before: Runs, after: Runs) -> _Entry:
        reached: list[Reads | None] = [None]

        def note(reads: Reads | None) -> None:
            reached[0] = reads

        failure, _ = after.result(entry, reached=note)
        reads = reached[0]
        loaded = 0
        for module in reads.loaded if reads is not None else ():
            loaded |= self._bit(module)
        if failure is None:
            return _Entry(reads, loaded, None)
        failed, line = before.result(entry, (failure.module, failure.name))
        found = Introduced(entry, failure, line) if failed is None else None
        return _Entry(reads, loaded, found)

    def _bit(self, module: str) -> int:
        index = self._bits.setdefault(module, len(self._bits))
        return 1 << index
