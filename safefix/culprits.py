"""Which changed files to leave unchanged when the fixed project breaks.

Two searches. `follow_failures` follows the failure along its traceback: it leaves unchanged
the first file on the failing import's path whose fixes change the failure, and again with the
failure that comes next, until nothing fails (a sorted `pkg/__init__.py` that hid a sorted
`pkg/utils/__init__.py`'s own cycle is found in two steps, not in a bisection of every changed
file). `find_culprits` bisects, suspects first, where a failure names no file to blame.

Pure: `probe(subset)` / `breaks(subset)` are the only contact with the world (they import the
project, or run the user's command, with only `subset` of the fixes applied), so both searches
are tested as tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

Breaks = Callable[[Sequence[Path]], bool]


@dataclass(frozen=True)
class Failure:
    """What failed with some fixes applied: the error, and the applied files on its path, most
    likely culprit first."""

    error: str
    suspects: tuple[Path, ...]


Probe = Callable[[Sequence[Path]], "Failure | None"]


def follow_failures(changed: Sequence[Path], probe: Probe) -> list[Path] | None:
    """Files to leave unchanged so that nothing fails, found along each failure's path; None
    when no single suspect of a failure changes it (then bisect).

    Each step takes back the first suspect whose removal mends or changes the failure; at the
    end each culprit is tried again alone, and applied after all when nothing fails with it.
    """
    applied = list(changed)
    culprits: list[Path] = []
    failure = probe(applied)
    while failure is not None:
        for suspect in (path for path in failure.suspects if path in applied):
            trial = [path for path in applied if path != suspect]
            after = probe(trial)
            if after is None or after.error != failure.error:
                culprits.append(suspect)
                applied, failure = trial, after
                break
        else:
            return None
    for culprit in list(culprits):
        if len(culprits) > 1 and probe([*applied, culprit]) is None:
            applied.append(culprit)
            culprits.remove(culprit)
    return culprits


def find_culprits(
    changed: Sequence[Path], breaks: Breaks, suspects: Sequence[Path] = ()
) -> list[Path]:
    """The changed files whose fixes, applied together with every other file's, break the project.

    `suspects` are the files on the failing import's path (its traceback, its packages), most
    likely first: when leaving some first ones unchanged is enough, the search stays among them,
    with every other fix applied; a blind bisection of the whole set could otherwise find a file
    that breaks something only on its own and stop there. Then bisection, with interactions:
    when neither half breaks alone, the culprits need both, and each half is searched with the
    other applied. A search finds one cause; the rest of the fixes are tried again without its
    files, until what is left no longer breaks (two independent breaks, say).
    """
    culprits: list[Path] = []
    remaining = list(changed)
    while remaining and breaks(remaining):
        found = _among_suspects(remaining, breaks, [p for p in suspects if p in remaining])
        found = found or _search(remaining, [], breaks)
        culprits += found
        remaining = [path for path in remaining if path not in found]
    return culprits


def _among_suspects(remaining: list[Path], breaks: Breaks, suspects: list[Path]) -> list[Path]:
    """Culprits among the shortest run of first suspects whose removal mends the break, or []."""
    size = 1
    while suspects:
        tried = suspects[:size]
        rest = [path for path in remaining if path not in tried]
        if not breaks(rest):
            return _search(tried, rest, breaks)
        if size >= len(suspects):
            break
        size = min(2 * size, len(suspects))
    return []


def _search(candidates: list[Path], applied: list[Path], breaks: Breaks) -> list[Path]:
    """A smallest-found set of `candidates` that breaks when applied with `applied` (which
    must break with all of `candidates` and not without them)."""
    if len(candidates) <= 1:
        return candidates
    half = len(candidates) // 2
    left, right = candidates[:half], candidates[half:]
    if breaks([*applied, *left]):
        return _search(left, applied, breaks)
    if breaks([*applied, *right]):
        return _search(right, applied, breaks)
    return _search(left, [*applied, *right], breaks) + _search(right, [*applied, *left], breaks)


def suspects(
    trace: Sequence[Path],
    packages: Sequence[Path],
    executed: Iterable[Path],
    changed: Sequence[Path],
) -> tuple[Path, ...]:
    """The changed files on a failing import's path, most likely first: the files on its
    traceback (innermost first: the line that failed, then who imported it), its packages
    (innermost first), then whatever else the import executed."""
    wanted = set(changed)
    order = [*reversed(trace), *reversed(packages), *sorted(executed)]
    return tuple(path for path in dict.fromkeys(order) if path in wanted)
