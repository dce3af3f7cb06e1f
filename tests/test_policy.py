"""The keep/remove policy as a data table."""

from __future__ import annotations

from pathlib import Path

import pytest

from safefix.policy import decide, restore_via_all
from safefix.types import Consumer, ConsumerKind, Removal, RestoreWith, Verdict

MAIN = Path("app/main.py")
REMOVAL = Removal(MAIN, "app.main", "KEEPALIVE", 3, 0, (), "import", "from x import KEEPALIVE")
CONSUMER = Consumer(
    Path("r.py"),
    2,
    "app.main",
    "KEEPALIVE",
    ConsumerKind.FROM_IMPORT,
    "from app.main import KEEPALIVE",
)


@pytest.mark.parametrize(
    ("consumers", "verdict"),
    [([], Verdict.REMOVE), ([CONSUMER], Verdict.KEEP), ([CONSUMER, CONSUMER], Verdict.KEEP)],
)
def test_decide(consumers: list[Consumer], verdict: Verdict) -> None:
    (decision,) = decide(
        [REMOVAL], lambda path, name: consumers if (path, name) == (MAIN, "KEEPALIVE") else []
    )
    assert decision.verdict is verdict
    assert decision.consumers == tuple(consumers)


@pytest.mark.parametrize(
    ("name", "has_all", "mode", "expected"),
    [
        ("X", True, RestoreWith.AUTO, True),
        ("X", False, RestoreWith.AUTO, False),
        ("X", True, RestoreWith.NOQA, False),
        ("X", True, RestoreWith.ALL, True),
        ("X", False, RestoreWith.ALL, False),
        ("_private", True, RestoreWith.AUTO, False),
    ],
)
def test_restore_via_all(name: str, has_all: bool, mode: RestoreWith, expected: bool) -> None:
    assert restore_via_all(name, has_all, mode) is expected
