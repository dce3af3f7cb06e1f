"""File names that are not UTF-8. ruff prints them with U+FFFD in place of each bad byte (so
the path it lists does not exist) and cannot write them to its cache; Python keeps their bytes
as lone surrogates (`os.fsdecode`). Such a file is searched for consumers under its real name,
and never given to ruff to fix."""

from __future__ import annotations

import os
from pathlib import Path

_REPLACEMENT = "\ufffd"


def lossy(path: Path) -> bool:
    """Whether ruff printed `path` with bytes replaced: it holds U+FFFD and does not exist."""
    text = str(path)
    return _REPLACEMENT in text and not os.path.lexists(text)


def real_paths(printed: Path) -> list[Path]:
    """The files whose names ruff would print as `printed`, found by listing each directory
    on the way whose name was replaced (one printed name can stand for several)."""
    found = [Path(printed.anchor)]
    for part in printed.parts[1:]:
        if _REPLACEMENT not in part:
            found = [at / part for at in found if os.path.lexists(at / part)]
            continue
        found = [at / name for at in found for name in _listed(at) if shown(name) == part]
    return found


def _listed(directory: Path) -> list[str]:
    try:
        return os.listdir(directory)
    except OSError:
        return []


def shown(name: str) -> str:
    """A name as ruff (or any UTF-8 reader) shows it: each undecodable byte as U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def readable_name(path: Path) -> str:
    """A path for a message, bad bytes as `\\xff` escapes."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
