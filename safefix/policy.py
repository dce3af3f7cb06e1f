"""The keep-or-remove policy: pure functions of removals and consumers, testable as data."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence
from pathlib import Path

from safefix.types import Consumer, ConsumerKind, Decision, Removal, RestoreWith, Verdict

ConsumerLookup = Callable[[Path, str], Sequence[Consumer]]


def decide(
    removals: Sequence[Removal],
    consumers_of: ConsumerLookup,
    keep: Sequence[str] = (),
    ran: Callable[[Removal], Sequence[Consumer]] = lambda removal: (),
) -> list[Decision]:
    """Keep exactly the removals something else in the project consumes (or `keep` names).

    `ran`: what needs the modules a removed import ran (effect modules, submodules reached
    as attributes); for an import whose name stays bound, nothing else can need it.
    """
    return [
        decide_one(
            removal,
            (
                *(consumers_of(removal.path, removal.name) if removal.bound else ()),
                *ran(removal),
            ),
            keep,
        )
        for removal in removals
    ]


def decide_one(
    removal: Removal, consumers: tuple[Consumer, ...], keep: Sequence[str] = ()
) -> Decision:
    if any(fnmatch.fnmatchcase(f"{removal.module}:{removal.name}", pattern) for pattern in keep):
        return Decision(removal, Verdict.KEEP, "listed in [tool.safefix] keep", consumers)
    if removal.effect:
        return Decision(removal, Verdict.KEEP, removal.effect, consumers)
    if removal.lazy:
        return Decision(removal, Verdict.REMOVE, "still served by the module's __getattr__")
    if not consumers:
        return Decision(removal, Verdict.REMOVE, "no consumer in the project")
    effects = [c for c in consumers if c.kind is ConsumerKind.EFFECT]
    if effects:
        first = effects[0]
        reason = (
            f"importing {first.module} has effects ({first.path.name}:{first.line} {first.text})"
        )
        return Decision(removal, Verdict.KEEP, reason, consumers)
    runtime = [c for c in consumers if not c.typing_only]
    if not runtime and removal.typed:
        reason = "moved under TYPE_CHECKING, where its consumers (type checkers only) still see it"
        return Decision(removal, Verdict.REMOVE, reason, consumers)
    if runtime and all(c.kind is ConsumerKind.SUBMODULE for c in consumers):
        first = runtime[0]
        where = _places(len(runtime))
        reason = f"{first.module}.{first.name} is reached through {first.module} in {where}"
    elif runtime:
        reason = f"{removal.module}.{removal.name} is used in {_places(len(runtime))}"
    else:
        where = _places(len(consumers))
        reason = f"{removal.module}.{removal.name} is used by type checkers only, in {where}"
    return Decision(removal, Verdict.KEEP, reason, consumers)


def _places(count: int) -> str:
    return f"{count} place" if count == 1 else f"{count} places"


def restore_via_all(
    name: str,
    has_literal_all: bool,
    restore_with: RestoreWith,
    consumers: Sequence[Consumer] = (),
) -> bool:
    """Whether to keep `name` by listing it in `__all__` rather than with a `# noqa`.

    Listing a name changes what `from M import *` exports (and what tests pinning `M.__all__`
    see), so `auto` lists it only for a star-import user of it; `all` lists every kept name.
    A private name is never added to `__all__`: that would export it to `import *` users.
    """
    if not has_literal_all or name.startswith("_"):
        return False
    if restore_with is RestoreWith.AUTO:
        return any(c.kind is ConsumerKind.STAR_IMPORT for c in consumers)
    return restore_with is RestoreWith.ALL
