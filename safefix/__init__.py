"""safefix: `ruff check --fix`, made safe for whole projects.

    import safefix
    result = safefix.run(["src"], diff=True)
    print(result.exit_code(), result.to_json()["summary"])

The package imports nothing heavy until `run()` is called, so `safefix --help` starts fast.
"""

from __future__ import annotations

import os
import sys

#: The one line, and the exit code, of a run Ctrl-C or SIGTERM interrupted.
INTERRUPTED = "error: interrupted; every file is either unchanged or completely written\n"
EXIT_INTERRUPTED = 130


def _interrupted_at_start(signum: int, frame: object) -> None:
    """Ctrl-C while the command line's modules are still being imported: nothing is started
    or written yet, so one line and exit 130 at once (not a KeyboardInterrupt traceback)."""
    os.write(2, INTERRUPTED.encode())
    os._exit(EXIT_INTERRUPTED)


def _is_command_line() -> bool:
    """Whether this process is the `safefix` command (the console script or `python -m
    safefix`), not a program that imports safefix as a library: its signals are not ours."""
    argv = getattr(sys, "orig_argv", sys.argv)
    if os.path.basename(sys.argv[0]).removesuffix(".exe") == "safefix":
        return True
    return "-m" in argv[:-1] and argv[argv.index("-m") + 1] == "safefix"


if _is_command_line():  # the earliest line of safefix's own that runs; `cli.main` takes over
    import _signal  # type: ignore[import-not-found]  # `signal` would import enum first

    for _number in (_signal.SIGINT, _signal.SIGTERM):
        _signal.signal(_number, _interrupted_at_start)

from typing import TYPE_CHECKING, Any  # after the handler: Ctrl-C may come meanwhile

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
    trust_config: bool = False,
    verify_timeout: float | None = None,
    import_timeout: float | None = None,
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
