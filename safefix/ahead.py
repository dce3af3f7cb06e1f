"""Work that needs only the list of files, done ahead while ruff runs: every file's module
names.

ruff's processes leave this one waiting; what is done here then costs nothing. A run that
removes no name never needs most of it, so nothing is done before it is asked for.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from safefix.types import Options

if TYPE_CHECKING:
    from safefix.modules import ModuleMap, ModuleMapBuilder

#: Files named between two looks at whether ruff is still at work (a few milliseconds).
MODULES_AT_A_TIME = 500


class Ahead:
    """The module map, worked out on first use, or while ruff runs (`finish`,
    `prepare_while`); and the files other than Python modules that may name project code."""

    def __init__(
        self, files: Sequence[Path], root: Path, options: Options, text: Sequence[Path] = ()
    ) -> None:
        self._files = files
        self._root = root
        self._options = options
        self.text_files = list(text)

    def finish(self) -> None:
        """Everything now, where another process's work leaves this one the time."""
        self.modules  # noqa: B018 - built now, used later

    @property
    def finished(self) -> bool:
        return "modules" in self.__dict__  # cached

    def prepare_while(self, running: Callable[[], bool]) -> None:
        """As much as ruff's fix leaves time for: the module map, which a fix that removes a
        name needs. A run that removes nothing never pays for the rest."""
        while running() and not self._module_builder.advance(MODULES_AT_A_TIME):
            pass

    @cached_property
    def _module_builder(self) -> ModuleMapBuilder:
        from safefix.modules import ModuleMapBuilder

        return ModuleMapBuilder(dict.fromkeys(self._files), self._root)

    @cached_property
    def modules(self) -> ModuleMap:
        return self._module_builder.finish()


def excluded(path: Path, root: Path, patterns: Sequence[str]) -> bool:
    """Whether `[tool.safefix] exclude` keeps `path` out of the consumer search."""
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix()
    return any(fnmatch.fnmatch(rel, pattern) for pattern in patterns)
