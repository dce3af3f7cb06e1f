"""`[tool.safefix]` in pyproject.toml, merged under the command line's options.

Found like ruff finds its own section: the closest `pyproject.toml` above the paths (or the
working directory) that has a `[tool.safefix]` table. ruff's own configuration is never read
here: ruff reads it, exactly as it would without safefix.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from safefix.types import Options, RestoreWith

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(Exception):
    """A `[tool.safefix]` value safefix cannot use: one line, exit code 2."""


@dataclass(frozen=True)
class FileConfig:
    """The settings of one `[tool.safefix]` table; None where the table says nothing."""

    path: Path | None = None
    restore_with: RestoreWith | None = None
    verify: bool | None = None
    verify_cmd: str | None = None
    #: `module:name` globs (fnmatch) whose imports are always kept.
    keep: tuple[str, ...] = ()
    #: Extra directories searched for consumers (a sibling repository, a scripts folder).
    consumer_roots: tuple[Path, ...] = ()
    #: Globs of paths (relative to the project root) never searched for consumers.
    exclude: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


_KEYS: dict[str, type | tuple[type, ...]] = {
    "restore-with": str,
    "verify": bool,
    "verify-cmd": str,
    "keep": list,
    "consumer-roots": list,
    "exclude": list,
}


def find(start: Sequence[Path]) -> Path | None:
    """The closest pyproject.toml above `start` with a `[tool.safefix]` table."""
    first = start[0] if start else Path.cwd()
    directory = first if first.is_dir() else first.parent
    for candidate in (directory, *directory.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and "[tool.safefix" in _read(pyproject):
            return pyproject
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def load(path: Path | None) -> FileConfig:
    """Read and check one `[tool.safefix]` table."""
    if path is None:
        return FileConfig()
    try:
        data: dict[str, Any] = tomllib.loads(_read(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    table = data.get("tool", {}).get("safefix", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.safefix] must be a table")
    warnings = tuple(
        f"{path}: unknown key `{key}` in [tool.safefix] (known: {', '.join(sorted(_KEYS))})"
        for key in table
        if key not in _KEYS
    )
    for key, expected in _KEYS.items():
        if key in table and not isinstance(table[key], expected):
            kind = getattr(expected, "__name__", "value")
            raise ConfigError(f"{path}: [tool.safefix] {key} must be a {kind}, not {table[key]!r}")
    for key in ("keep", "consumer-roots", "exclude"):
        if not all(isinstance(item, str) for item in table.get(key, [])):
            raise ConfigError(f"{path}: [tool.safefix] {key} must be a list of strings")
    restore_with = table.get("restore-with")
    if restore_with is not None and restore_with not in {r.value for r in RestoreWith}:
        raise ConfigError(
            f"{path}: [tool.safefix] restore-with must be one of auto, noqa, all, not {restore_with!r}"
        )
    return FileConfig(
        path=path,
        restore_with=RestoreWith(restore_with) if restore_with else None,
        verify=table.get("verify"),
        verify_cmd=table.get("verify-cmd"),
        keep=tuple(table.get("keep", ())),
        consumer_roots=tuple((path.parent / p).resolve() for p in table.get("consumer-roots", ())),
        # anchored at the table's directory: the project root may be a workspace above it
        exclude=tuple((path.parent / p).as_posix() for p in table.get("exclude", ())),
        warnings=warnings,
    )


def apply(options: Options, file: FileConfig, cli: CliChoices) -> Options:
    """`options` with the table's settings wherever the command line did not choose."""
    return replace(
        options,
        restore_with=cli.restore_with or file.restore_with or RestoreWith.AUTO,
        verify=cli.verify if cli.verify is not None else bool(file.verify),
        verify_cmd=cli.verify_cmd or file.verify_cmd,
        keep=file.keep,
        consumer_roots=file.consumer_roots,
        exclude=file.exclude,
        warnings=file.warnings,
    )


@dataclass(frozen=True)
class CliChoices:
    """What the command line set explicitly (None: not given, the config file decides)."""

    restore_with: RestoreWith | None = None
    verify: bool | None = None
    verify_cmd: str | None = None
