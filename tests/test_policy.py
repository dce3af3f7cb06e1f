"""The keep/remove policy as a data table."""

from __future__ import annotations

from dataclasses import replace
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


TYPING = replace(CONSUMER, typing_only=True)
EFFECT = replace(REMOVAL, effect="the import is what pytest.raises(ImportError) checks")
LAZY = replace(REMOVAL, lazy=True)


@pytest.mark.parametrize(
    ("removal", "consumers", "keep", "verdict", "reason"),
    [
        pytest.param(REMOVAL, [], [], Verdict.REMOVE, "no consumer in the project", id="unused"),
        pytest.param(
            REMOVAL,
            [CONSUMER],
            [],
            Verdict.KEEP,
            "app.main.KEEPALIVE is used in 1 place",
            id="consumed",
        ),
        pytest.param(
            REMOVAL,
            [CONSUMER, replace(CONSUMER, line=9)],
            [],
            Verdict.KEEP,
            "app.main.KEEPALIVE is used in 2 places",
            id="consumed-twice",
        ),
        pytest.param(
            REMOVAL,
            [TYPING],
            [],
            Verdict.KEEP,
            "app.main.KEEPALIVE is used by type checkers only, in 1 place",
            id="typing-only",
        ),
        pytest.param(
            REMOVAL,
            [TYPING, CONSUMER],
            [],
            Verdict.KEEP,
            "app.main.KEEPALIVE is used in 1 place",
            id="runtime-and-typing",
        ),
        pytest.param(
            replace(REMOVAL, typed=True),
            [TYPING],
            [],
            Verdict.REMOVE,
            "moved under TYPE_CHECKING, where its consumers (type checkers only) still see it",
            id="typing-only-and-moved-under-type-checking",
        ),
        pytest.param(
            replace(REMOVAL, typed=True),
            [TYPING, CONSUMER],
            [],
            Verdict.KEEP,
            "app.main.KEEPALIVE is used in 1 place",
            id="moved-but-used-at-runtime",
        ),
        pytest.param(
            REMOVAL,
            [],
            ["app.main:KEEP*"],
            Verdict.KEEP,
            "listed in [tool.safefix] keep",
            id="keep-pattern",
        ),
        pytest.param(
            REMOVAL,
            [],
            ["app.other:*"],
            Verdict.REMOVE,
            "no consumer in the project",
            id="keep-other",
        ),
        pytest.param(EFFECT, [], [], Verdict.KEEP, EFFECT.effect, id="effect"),
        pytest.param(
            LAZY,
            [CONSUMER],
            [],
            Verdict.REMOVE,
            "still served by the module's __getattr__",
            id="served-by-getattr",
        ),
        pytest.param(
            replace(LAZY, effect="probe"), [], [], Verdict.KEEP, "probe", id="effect-beats-lazy"
        ),
    ],
)
def test_decide(
    removal: Removal, consumers: list[Consumer], keep: list[str], verdict: Verdict, reason: str
) -> None:
    (decision,) = decide(
        [removal],
        lambda path, name: consumers if (path, name) == (MAIN, "KEEPALIVE") else [],
        keep,
    )
    assert (decision.verdict, decision.reason) == (verdict, reason)
    if verdict is Verdict.KEEP:
        assert decision.consumers == tuple(consumers)


STAR = replace(CONSUMER, kind=ConsumerKind.STAR_IMPORT)


@pytest.mark.parametrize(
    ("name", "has_all", "mode", "consumers", "expected"),
    [
        pytest.param("X", True, RestoreWith.AUTO, [STAR], True, id="auto-star-user"),
        pytest.param("X", True, RestoreWith.AUTO, [CONSUMER], False, id="auto-other-user"),
        pytest.param("X", True, RestoreWith.AUTO, [CONSUMER, STAR], True, id="auto-both"),
        pytest.param("X", False, RestoreWith.AUTO, [STAR], False, id="auto-no-all"),
        pytest.param("X", True, RestoreWith.NOQA, [STAR], False, id="noqa"),
        pytest.param("X", True, RestoreWith.ALL, [CONSUMER], True, id="all"),
        pytest.param("X", False, RestoreWith.ALL, [CONSUMER], False, id="all-no-all"),
        pytest.param("_private", True, RestoreWith.AUTO, [STAR], False, id="private"),
        pytest.param("_private", True, RestoreWith.ALL, [STAR], False, id="private-all"),
    ],
)
def test_restore_via_all(
    name: str, has_all: bool, mode: RestoreWith, consumers: list[Consumer], expected: bool
) -> None:
    assert restore_via_all(name, has_all, mode, consumers) is expected


UNBOUND = replace(REMOVAL, name="signals", bound=False, runs=(".signals",))
RAN_EFFECT = Consumer(
    Path("app/signals.py"), 5, "app.signals", "signals", ConsumerKind.EFFECT, "@receiver(...)"
)
REACHED = Consumer(Path("app/r.py"), 7, "app", "units", ConsumerKind.SUBMODULE, "app.units")


@pytest.mark.parametrize(
    ("removal", "ran", "verdict", "reason"),
    [
        pytest.param(
            UNBOUND,
            [RAN_EFFECT],
            Verdict.KEEP,
            "importing app.signals has effects (signals.py:5 @receiver(...))",
            id="effect-module",
        ),
        pytest.param(
            UNBOUND,
            [REACHED],
            Verdict.KEEP,
            "app.units is reached through app in 1 place",
            id="submodule-attribute",
        ),
        pytest.param(
            replace(UNBOUND, name="KEEPALIVE"),
            [],
            Verdict.REMOVE,
            "no consumer in the project",
            id="still-bound-name-consumers-do-not-count",
        ),
    ],
)
def test_what_the_import_ran(
    removal: Removal, ran: list[Consumer], verdict: Verdict, reason: str
) -> None:
    """An import's effects and the submodules it set keep it; for a name that stays bound,
    the name's consumers do not."""
    (decision,) = decide(
        [removal],
        lambda path, name: [CONSUMER] if name == "KEEPALIVE" else [],
        (),
        lambda r: ran if r is removal else [],
    )
    assert (decision.verdict, decision.reason) == (verdict, reason)
