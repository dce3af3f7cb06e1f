"""safefix: `ruff check --fix`, made safe for whole projects.

    import safefix
    result = safefix.run(["src"], diff=True)
    print(result.exit_code(), result.to_json()["summary"])

The package imports nothing heavy until `run()` is called, so `safefix --help` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

try:  # written from git by setuptools-scm when the package is built or installed
    from safefix._version import __version__
except ImportError:  # a source tree on sys.path that was never installed
    __version__ = "0+unknown"
__all__ = ["ConfigError", "RuffError", "UsageError", "__version__", "run"]

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from safefix.api import Result
    from safefix.config import ConfigError
    from safefix.ruff import RuffError
    from safefix.session import UsageError
    from safefix.types import OutputFormat, RestoreWith

#: Where each exported error class lives; imported when first asked for (`safefix --help`
#: and every run start faster without them).
_ERRORS = {
    "UsageError": "safefix.session",
    "RuffError": "safefix.ruff",
    "ConfigError": "safefix.config",
}


def __getattr__(name: str) -> Any:
    if name in _ERRORS:
        import importlib

        return getattr(importlib.import_module(_ERRORS[name]), name)
    raise AttributeError(f"module 'safefix' has no attribute {name!r}")


def run(
    paths: str | Path | Sequence[str | Path] = (".",),
    *,
    cwd: str | Path | None = None,
    diff: bool = False,
    check: bool = False,
    restore_with: RestoreWith | str | None = None,
    verify: bool | None = None,
    verify_cmd: str | None = None,
    project_root: str | Path | None = None,
    select: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    extend_ignore: Sequence[str] = (),
    fixable: Sequence[str] = (),
    extend_fixable: Sequence[str] = (),
    unfixable: Sequence[str] = (),
    unsafe_fixes: bool | None = None,
    preview: bool | None = None,
    config: Sequence[str] = (),
    isolated: bool = False,
    target_version: str | None = None,
    force_exclude: bool = False,
    no_cache: bool = False,
    exit_zero: bool = False,
    exit_non_zero_on_fix: bool = False,
    fix_only: bool = False,
    contracts_only: bool = False,
    show_fixes: bool | None = None,
    statistics: bool = False,
    output_format: OutputFormat | str | None = "safefix-json",
    quiet: bool = False,
    silent: bool = False,
    verbose: bool = False,
    ruff_args: Sequence[str] = (),
) -> Result:
    """Run safefix on `paths` (one path or a list) and return its report; every keyword is a
    CLI flag's (see `safefix.api.run`). Raises UsageError, RuffError or ConfigError."""
    values = dict(locals())
    from safefix.api import run as _run

    return _run(**values)
