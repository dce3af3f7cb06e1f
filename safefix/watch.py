"""`--watch`: safefix again whenever a file ruff would check changes, as `ruff check --watch`.

A polling loop over the paths' Python sources and configs (no dependency, no thread): each
poll compares every file's mtime and size with those seen after the last run, so safefix's
own writes never start another run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

#: Seconds between two looks at the tree.
POLL_SECONDS = 0.5
#: What a change to can change ruff's or safefix's answer.
WATCHED_SUFFIXES = (".py", ".pyi", ".ipynb", ".toml", ".cfg", ".ini")
#: Directories no run reads from.
SKIPPED = frozenset({"__pycache__", "node_modules"})


def snapshot(paths: Sequence[Path]) -> dict[str, tuple[int, int]]:
    """Every watched file under `paths`: (mtime in ns, size)."""
    seen: dict[str, tuple[int, int]] = {}
    for path in paths:
        for entry in _files(str(path)):
            try:
                found = os.stat(entry)
            except OSError:
                continue
            seen[entry] = (found.st_mtime_ns, found.st_size)
    return seen


def _files(top: str) -> Iterator[str]:
    if os.path.isfile(top):
        yield top
        return
    for folder, directories, files in os.walk(top):
        directories[:] = [d for d in directories if not d.startswith(".") and d not in SKIPPED]
        yield from (os.path.join(folder, f) for f in files if f.endswith(WATCHED_SUFFIXES))


def watch(
    run_once: Callable[[], int],
    paths: Sequence[Path],
    out: TextIO,
    polls: int | None = None,
) -> int:
    """Run, then run again after each change, until interrupted (or `polls` looks, in tests);
    the last run's exit code."""
    out.write(f"[{_now()}] Starting safefix in watch mode...\n\n")
    out.flush()
    code = run_once()
    seen = snapshot(paths)
    count = 0
    while polls is None or count < polls:
        count += 1
        time.sleep(POLL_SECONDS)
        now = snapshot(paths)
        if now == seen:
            continue
        out.write(f"[{_now()}] File change detected...\n\n")
        out.flush()
        code = run_once()
        seen = snapshot(paths)
    return code


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")
