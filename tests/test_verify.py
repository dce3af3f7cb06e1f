"""The culprit searches as tables: which fixed files `--verify` leaves unchanged."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from safefix.culprits import Failure, find_culprits, follow_failures, suspects

FILES = [Path(f"{name}.py") for name in "abcdefgh"]


def _breaking(*causes: str) -> tuple[list[frozenset[str]], list[Sequence[Path]]]:
    """Causes like "a" or "c+f" (both needed); the subsets tried are recorded."""
    return [frozenset(cause.split("+")) for cause in causes], []


@pytest.mark.parametrize(
    ("causes", "culprits"),
    [
        pytest.param([], [], id="nothing-breaks"),
        pytest.param(["a"], ["a"], id="first-file-left-half"),
        pytest.param(["h"], ["h"], id="last-file-right-half"),
        pytest.param(["d"], ["d"], id="left-half-then-right-quarter"),
        pytest.param(["c+f"], ["c", "f"], id="interaction-across-halves"),
        pytest.param(["a+b"], ["a", "b"], id="interaction-within-a-half"),
        pytest.param(["b", "g"], ["b", "g"], id="two-independent-breaks"),
        pytest.param(["b+g", "e"], ["e", "b", "g"], id="interaction-and-a-single"),
    ],
)
def test_find_culprits(causes: list[str], culprits: list[str]) -> None:
    sets, tried = _breaking(*causes)

    def breaks(subset: Sequence[Path]) -> bool:
        tried.append(subset)
        names = {path.stem for path in subset}
        return any(cause <= names for cause in sets)

    found = find_culprits(FILES, breaks)
    assert [path.stem for path in found] == culprits
    assert not breaks([path for path in FILES if path not in found])  # what is written imports
    assert len(tried) <= 4 * len(FILES)


def test_one_file_is_its_own_culprit() -> None:
    assert find_culprits(FILES[:1], lambda subset: bool(subset)) == FILES[:1]


def _chain(*links: tuple[str, str]) -> Callable[[Sequence[Path]], Failure | None]:
    """A probe for failures that hide one another: `("a", "b")` means while a.py's fix is
    applied, the import fails with error "a", and b.py is the suspect its traceback names
    (a chain like networkx's sorted __init__ files, each failure masking the next)."""

    def probe(subset: Sequence[Path]) -> Failure | None:
        applied = {path.stem for path in subset}
        for cause, blamed in links:
            if cause in applied:
                return Failure(cause, (Path(f"{blamed}.py"), Path(f"{cause}.py")))
        return None

    return probe


@pytest.mark.parametrize(
    ("links", "culprits"),
    [
        pytest.param([], [], id="nothing-fails"),
        pytest.param([("c", "c")], ["c"], id="the-trace-names-the-culprit"),
        pytest.param([("c", "a")], ["c"], id="an-innocent-suspect-is-passed-over"),
        pytest.param([("c", "c"), ("f", "f"), ("b", "b")], ["c", "f", "b"], id="a-chain"),
    ],
)
def test_follow_failures(links: list[tuple[str, str]], culprits: list[str]) -> None:
    tried: list[Sequence[Path]] = []
    probe = _chain(*links)

    def recorded(subset: Sequence[Path]) -> Failure | None:
        tried.append(subset)
        return probe(subset)

    found = follow_failures(FILES, recorded)
    assert found is not None
    assert [path.stem for path in found] == culprits
    assert probe([path for path in FILES if path not in found]) is None
    assert len(tried) <= 3 * len(culprits) + 1


def test_follow_failures_gives_up_when_no_suspect_changes_the_failure() -> None:
    def probe(subset: Sequence[Path]) -> Failure | None:
        both = {"b", "g"} <= {path.stem for path in subset}
        return Failure("b+g", (Path("a.py"),)) if both else None

    assert follow_failures(FILES, probe) is None


def test_follow_failures_applies_a_culprit_the_next_ones_made_unneeded() -> None:
    def probe(subset: Sequence[Path]) -> Failure | None:
        applied = {path.stem for path in subset}
        if {"a", "c"} <= applied:  # a breaks only with c; c breaks on its own too
            return Failure("a+c", (Path("a.py"), Path("c.py")))
        if "c" in applied:
            return Failure("c", (Path("c.py"),))
        return None

    assert follow_failures(FILES, probe) == [Path("c.py")]


def test_find_culprits_searches_the_suspects_first() -> None:
    tried: list[Sequence[Path]] = []

    def breaks(subset: Sequence[Path]) -> bool:
        tried.append(subset)
        names = {path.stem for path in subset}
        return "a" in names or "g" in names  # a breaks alone: a blind bisection finds it first

    found = find_culprits(FILES, breaks, (Path("g.py"), Path("a.py")))
    assert [path.stem for path in found] == ["g", "a"]
    assert len(tried) < 8


@pytest.mark.parametrize(
    ("trace", "packages", "executed", "expected"),
    [
        pytest.param(["p", "q", "r"], [], [], ["r", "q", "p"], id="innermost-frame-first"),
        pytest.param(
            ["p"], ["r", "p"], ["a", "b"], ["p", "r", "a", "b"], id="then-packages-then-rest"
        ),
        pytest.param(["x", "q"], [], ["x"], ["q"], id="only-changed-files"),
    ],
)
def test_suspects(
    trace: list[str], packages: list[str], executed: list[str], expected: list[str]
) -> None:
    changed = [Path(f"{name}.py") for name in "abcdefghpqr"]

    def paths(names: list[str]) -> list[Path]:
        return [Path(f"{name}.py") for name in names]

    found = suspects(paths(trace), paths(packages), paths(executed), changed)
    assert [path.stem for path in found] == expected
