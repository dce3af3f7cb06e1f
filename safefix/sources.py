"""Which files of a project can name its code, besides its Python sources."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

#: Directories never searched for documentation and config files.
SKIP_DIRS = frozenset(
    {"node_modules", "venv", "build", "dist", "site-packages", "__pycache__", "htmlcov"}
)


def text_files(root: Path) -> list[Path]:
    """Documentation and configuration files under `root` that may name project code."""
    return [path for found in text_files_by_directory(root) for path in found]


def text_files_by_directory(
    root: Path, unreadable: dict[Path, str] | None = None
) -> Iterator[list[Path]]:
    """`text_files`, a directory at a time: for a caller that walks while it waits. A directory
    that cannot be listed is added to `unreadable`, with why: it may hold consumers."""
    from safefix.kinds import text_names_and_suffixes

    def failed(error: OSError) -> None:
        if unreadable is not None and error.filename is not None:
            unreadable[Path(error.filename)] = error.strerror or type(error).__name__

    names, suffixes = text_names_and_suffixes()
    for directory, dirs, files in os.walk(root, onerror=failed):
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".")
            and d not in SKIP_DIRS
            and not os.path.exists(os.path.join(directory, d, "pyvenv.cfg"))
        ]
        yield [
            Path(directory, name)
            for name in files
            if name in names or os.path.splitext(name)[1] in suffixes
        ]
