"""Which files of a project can name its code: every file git does not ignore, whether or not
ruff checks it.

What ruff excludes from fixing (`exclude`, `extend-exclude`, `--force-exclude`) still runs:
migrations, vendored code, scripts and test data import the project's names. Only what git
ignores and build output are not the program. In a git work tree, one `git ls-files` lists the
files (fast, and it knows every `.gitignore`); elsewhere a walk skips the directories that are
never source (version control, virtualenvs, build output, caches).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from safefix.modules import PY_SUFFIXES

#: Directories that hold no source of the project: build output, caches, installed packages.
SKIP_DIRS = frozenset(
    {
        "node_modules",
        "venv",
        "build",
        "dist",
        "site-packages",
        "__pycache__",
        "htmlcov",
        "_build",
        "__pypackages__",
    }
)
#: Hidden directories that hold the project's commands (CI jobs that run `python -c ...`);
#: every other hidden directory is a tool's (`.git`, `.tox`, `.venv`, caches).
SEARCHED_HIDDEN = frozenset({".github", ".gitlab", ".circleci"})
#: What marks a directory as a virtualenv (its own interpreter and packages).
VENV_MARKER = "pyvenv.cfg"


@dataclass(frozen=True)
class Listing:
    """A project's files that can name its code: Python modules, and the other files some
    consumer kind reads (notebooks, scripts, configuration, documentation)."""

    python: tuple[Path, ...]
    text: tuple[Path, ...]
    #: Directories that could not be listed, with why: they may hold consumers.
    unreadable: tuple[tuple[Path, str], ...] = ()


def listing(roots: Sequence[Path]) -> Listing:
    """The files under `roots` that can consume project code, each once."""
    from safefix.kinds import text_names_and_suffixes

    names, suffixes = text_names_and_suffixes()
    python: dict[str, None] = {}
    text: dict[str, None] = {}
    unreadable: dict[Path, str] = {}
    for root in roots:
        for path in project_files(root, unreadable):
            name = path.rpartition(os.sep)[2]
            suffix = os.path.splitext(name)[1]
            if suffix in PY_SUFFIXES:
                python[path] = None
            elif name in names or suffix in suffixes:
                text[path] = None
    return Listing(tuple(map(Path, python)), tuple(map(Path, text)), tuple(unreadable.items()))


def text_files(root: Path) -> list[Path]:
    """The files under `root`, other than Python modules, that may name project code."""
    return list(listing([root]).text)


def project_files(root: Path, unreadable: dict[Path, str] | None = None) -> list[str]:
    """Every file under `root` that is source, not git-ignored and not build output (paths
    as strings: a big tree has tens of thousands, most never looked at again). A directory
    that cannot be listed is added to `unreadable`, with why."""
    failed: dict[Path, str] = {} if unreadable is None else unreadable
    listed = _git_files(root, failed)
    found = listed if listed is not None else list(_walk(str(root), failed))
    venvs = [path[: -len(VENV_MARKER)] for path in found if path.endswith(os.sep + VENV_MARKER)]
    if venvs:  # a virtualenv git does not ignore is still not the project's code
        found = [path for path in found if not path.startswith(tuple(venvs))]
    return found


#: How git says it could not list a directory (`git ls-files --others`).
_GIT_UNREADABLE = re.compile(rb"could not open directory '(.*)': (.*)")


def _git_files(root: Path, unreadable: dict[Path, str]) -> list[str] | None:
    """The files git tracks or would track under `root` (None: not a git work tree)."""
    try:
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=False,
        )
    except OSError:
        return None
    if proc.returncode != 0 or not proc.stdout:  # none at all: the root itself is ignored
        return None
    for line in proc.stderr.splitlines():
        if (match := _GIT_UNREADABLE.search(line)) is not None:
            directory = root / os.fsdecode(match[1]).rstrip("/")
            unreadable[directory] = match[2].decode(errors="replace").strip()
    found = []
    top = str(root)
    for raw in proc.stdout.split(b"\0"):
        if not raw:
            continue
        relative = os.fsdecode(raw)
        if _skipped(relative.split("/")[:-1]):
            continue
        path = os.path.join(top, relative)
        if not path.endswith(PY_SUFFIXES) or os.path.isfile(path):  # deleted, not staged yet
            found.append(path)
    return found


def _skipped(directories: Iterable[str]) -> bool:
    """Whether a file in these directories is build output, a cache or a tool's (`.tox`)."""
    return any(
        d in SKIP_DIRS or d.endswith(".egg-info") or (d[:1] == "." and d not in SEARCHED_HIDDEN)
        for d in directories
    )


def _walk(root: str, unreadable: dict[Path, str]) -> Iterator[str]:
    """Every file under `root` outside version control, virtualenvs, build and caches."""

    def failed(error: OSError) -> None:
        if error.filename is not None:
            unreadable[Path(error.filename)] = error.strerror or type(error).__name__

    for directory, dirs, files in os.walk(root, onerror=failed):
        dirs[:] = [
            d
            for d in dirs
            if not _skipped([d]) and not os.path.exists(os.path.join(directory, d, VENV_MARKER))
        ]
        for name in files:
            yield os.path.join(directory, name)
