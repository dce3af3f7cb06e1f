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
__all__ = ["__version__", "run"]

if TYPE_CHECKING:
    from safefix.api import Result


def run(*args: Any, **kwargs: Any) -> Result:
    """Run safefix on paths; see `safefix.api.run` for the arguments."""
    from safefix.api import run as _run

    return _run(*args, **kwargs)
