"""Where consumers are searched: the whole repository or workspace, whatever paths are given.

The pre-commit hook passes one workspace member's files, and the module that breaks is often in
another member; the nearest `pyproject.toml` is only that member. So the root is the outermost
of the repository's top (the directory holding `.git`) and a workspace whose root
`pyproject.toml` lists the paths' member (`[tool.uv.workspace] members`, hatch's and others'
`workspace` tables); without either, the nearest project marker. Only the consumer index uses
it: ruff still finds each file's own config.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")


def find_project_root(paths: Sequence[Path]) -> Path:
    """The repository or workspace root above `paths`, else the nearest project marker's."""
    common = _common_directory(paths)
    nearest = nearest_project(paths)
    top = repository_top(common)
    if top is not None and top != nearest and git_ignores(top, nearest):
        top = None  # an unpacked sdist or a cache inside another repository: not its code
    outer = [d for d in (top, workspace_root(common)) if d is not None]
    return min(outer, key=lambda d: len(d.parts)) if outer else nearest


def nearest_project(paths: Sequence[Path]) -> Path:
    """The nearest directory above `paths` with a project marker (the project they are in)."""
    common = _common_directory(paths)
    for directory in (common, *common.parents):
        if any((directory / marker).exists() for marker in ROOT_MARKERS):
            return directory
    return common


def _common_directory(paths: Sequence[Path]) -> Path:
    dirs = [p if p.is_dir() else p.parent for p in paths]
    return Path(os.path.commonpath([str(d) for d in dirs]))


def git_ignores(top: Path, directory: Path) -> bool:
    """Whether the repository at `top` ignores `directory` (False if git cannot say)."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(top), "check-ignore", "-q", "--", str(directory)],
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


def repository_top(start: Path) -> Path | None:
    """The closest directory at or above `start` holding `.git` (a directory, or a file in a
    worktree or submodule); never the home directory or `/` (a dotfiles repository)."""
    home = Path.home()
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return None if directory in (home, Path(directory.anchor)) else directory
    return None


def workspace_root(start: Path) -> Path | None:
    """The outermost directory above `start` whose pyproject.toml declares a workspace with a
    member that holds `start`."""
    found = None
    for directory in start.parents:
        members = _members(directory / "pyproject.toml")
        relative = PurePosixPath(start.relative_to(directory).as_posix()).parts
        if any(_holds(member, relative) for member in members):
            found = directory
    return found


def _members(pyproject: Path) -> list[str]:
    """Member globs of every `workspace` table under `[tool]` (uv, hatch environments, ...)."""
    try:
        data = pyproject.read_bytes()
    except OSError:
        return []
    if b"workspace" not in data or b"members" not in data:
        return []
    from safefix.source_roots import toml_tables

    tool = toml_tables(data.decode("utf-8", errors="replace")).get("tool", {})
    return list(_workspace_members(tool))


def _workspace_members(table: object, depth: int = 0) -> list[str]:
    if not isinstance(table, dict) or depth > 4:
        return []
    found: list[str] = []
    for key, value in table.items():
        if key == "workspace" and isinstance(value, dict):
            found += [m for m in value.get("members", []) if isinstance(m, str)]
        else:
            found += _workspace_members(value, depth + 1)
    return found


def _holds(member: str, relative: tuple[str, ...]) -> bool:
    """Whether the member glob `member` names `relative` or a directory above it."""
    pattern = PurePosixPath(member.strip("/")).parts
    if not pattern or len(pattern) > len(relative) or ".." in pattern:
        return False
    return all(
        fnmatch.fnmatchcase(part, glob) for part, glob in zip(relative, pattern, strict=False)
    )
