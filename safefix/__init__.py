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
__all__ = ["__version__", "run"]

if TYPE_CHECKING:
    from safefix.api import Result


def run(*args: Any, **kwargs: Any) -> Result:
    """Run safefix on paths; see `safefix.api.run` for the arguments."""
    from safefix.api import run as _run

    return _run(*args, **kwargs)
