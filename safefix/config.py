"""`[tool.safefix]` in pyproject.toml, merged under the command line's options.

Found like ruff finds its own section: the closest `pyproject.toml` above the paths (or the
working directory) that has a `[tool.safefix]` table. ruff's own configuration is never read
here: ruff reads it, exactly as it would without safefix.
"""

from __future__ import annotations

import os
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
    #: Seconds each run of the verify command, and each module's import, may take.
    verify_timeout: float | None = None
    import_timeout: float | None = None
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
    "verify-timeout": (int, float),
    "import-timeout": (int, float),
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
    for key in ("verify-timeout", "import-timeout"):
        if key in table and (isinstance(table[key], bool) or not table[key] > 0):
            raise ConfigError(f"{path}: [tool.safefix] {key} must be a positive number of seconds")
    roots = tuple((path.parent / p).resolve() for p in table.get("consumer-roots", ()))
    for root in roots:
        if not root.is_dir():
            raise ConfigError(f"{path}: [tool.safefix] consumer-roots: {root} is not a directory")
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
        verify_timeout=table.get("verify-timeout"),
        import_timeout=table.get("import-timeout"),
        keep=tuple(table.get("keep", ())),
        consumer_roots=roots,
        # anchored at the table's directory: the project root may be a workspace above it
        exclude=tuple((path.parent / p).as_posix() for p in table.get("exclude", ())),
        warnings=warnings,
    )


def apply(options: Options, file: FileConfig, cli: CliChoices) -> Options:
    """`options` with the table's settings wherever the command line did not choose.

    `verify` and `verify-cmd` run the project's code: from a repository's own configuration
    (a pull request can change it) they count only when the user trusts it (`--trust-config`
    or `SAFEFIX_TRUST_CONFIG=1`); otherwise a notice says they were skipped."""
    trusted = cli.trust_config or trusted_by_environment()
    wanted = {
        "verify": cli.verify is None and bool(file.verify),
        "verify-cmd": cli.verify_cmd is None and file.verify_cmd is not None,
    }
    skipped = [key for key, asked in wanted.items() if asked and not trusted]
    notice = (
        f"{file.path}: [tool.safefix] {' and '.join(skipped)} not run: commands from a "
        f"repository's configuration run only with --trust-config (or {TRUST_ENV}=1)"
    )
    return replace(
        options,
        restore_with=cli.restore_with or file.restore_with or RestoreWith.AUTO,
        verify=cli.verify if cli.verify is not None else wanted["verify"] and trusted,
        verify_cmd=cli.verify_cmd
        if cli.verify_cmd is not None
        else (file.verify_cmd if trusted else None),
        verify_timeout=_first(cli.verify_timeout, file.verify_timeout, options.verify_timeout),
        import_timeout=_first(cli.import_timeout, file.import_timeout, options.import_timeout),
        keep=file.keep,
        consumer_roots=file.consumer_roots,
        exclude=file.exclude,
        warnings=(*file.warnings, *([notice] if skipped else [])),
    )


#: The environment's opt-in to commands from repository configuration.
TRUST_ENV = "SAFEFIX_TRUST_CONFIG"


def trusted_by_environment() -> bool:
    return os.environ.get(TRUST_ENV, "").strip().lower() in {"1", "true", "yes"}


def _first(*values: float | None) -> float:
    return next(float(value) for value in values if value is not None)


@dataclass(frozen=True)
class CliChoices:
    """What the command line set explicitly (None: not given, the config file decides)."""

    restore_with: RestoreWith | None = None
    verify: bool | None = None
    verify_cmd: str | None = None
    #: `--trust-config`: run `verify`/`verify-cmd` from the repository's configuration.
    trust_config: bool = False
    verify_timeout: float | None = None
    import_timeout: float | None = None
