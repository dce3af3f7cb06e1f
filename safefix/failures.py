"""Failures contained per file, and the test hook that proves it.

An unexpected exception while safefix handles one file (finding its removals, protecting a
name, writing it) leaves that file unchanged and is reported as `PATH: internal error: ...;
left unchanged`; every other file still gets its fixes.

The hook, inert unless set: `SAFEFIX_FAULT=STAGE:PATH` raises `InjectedFault` while safefix
handles the file whose path ends with PATH, at STAGE: `removals`, `protect` or `write`.
`SAFEFIX_FAULT=index` raises outside any one file's work, while the consumer index is built.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

FAULT_ENV = "SAFEFIX_FAULT"


class InjectedFault(RuntimeError):
    """The failure `SAFEFIX_FAULT` asked for."""


@dataclass(frozen=True)
class Failure:
    """A per-file failure, as a worker process sends it back (exceptions may not pickle)."""

    message: str


def inject(stage: str, path: Path | None = None) -> None:
    """Raise `InjectedFault` if `SAFEFIX_FAULT` names this stage (and this file)."""
    spec = os.environ.get(FAULT_ENV)
    if not spec:
        return
    wanted, _, where = spec.partition(":")
    if wanted != stage:
        return
    if path is not None:
        text = path.as_posix()
        if not where or not (text == where or text.endswith("/" + where.lstrip("/"))):
            return
    raise InjectedFault(f"{FAULT_ENV}={spec}")


def left_unchanged(exc: BaseException) -> str:
    """The report of an exception while handling one file: its first line, as Python shows it."""
    lines = str(exc).splitlines()
    first = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return f"internal error: {first}; left unchanged"
