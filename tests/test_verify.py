"""The culprit bisection as a table: which fixed files `--verify` leaves unchanged."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from safefix.culprits import find_culprits

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
