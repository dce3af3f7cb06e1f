"""Work that needs only the list of files, done ahead while ruff runs: every file's module
names, and the documentation and config files that may name project code.

ruff's processes leave this one waiting; what is done here then costs nothing. A run that
removes no name never needs most of it, so nothing is done before it is asked for.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from safefix.types import Options

if TYPE_CHECKING:
    from safefix.modules import ModuleMap, ModuleMapBuilder

#: Files named between two looks at whether ruff is still at work (a few milliseconds).
MODULES_AT_A_TIME = 500


class Ahead:
    """The module map and the documentation files, worked out on first use, or while ruff
    runs (`finish`, `prepare_while`)."""

    def __init__(self, files: Sequence[Path], root: Path, options: Options) -> None:
        self._files = files
        self._root = root
        self._options = options
        self._text_found: list[Path] = []

    @property
    def files(self) -> Sequence[Path]:
        """Every file of the project, and the files to fix."""
        return self._files

    def finish(self) -> None:
        """Everything now, where another process's work leaves this one the time."""
        self.modules  # noqa: B018 - built now, used later
        self.text_files  # noqa: B018

    @property
    def finished(self) -> bool:
        return "modules" in self.__dict__ and "text_files" in self.__dict__  # cached

    def prepare_while(self, running: Callable[[], bool]) -> None:
        """As much as ruff's fix leaves time for: the module map, which a fix that removes a
        name needs, then the documentation files, looked at for that name's consumers. A run
        that removes nothing never pays for the rest."""
        while running() and not self._module_builder.advance(MODULES_AT_A_TIME):
            pass
        while running() and (found := next(self._text_walk, None)) is not None:
            self._text_found += found

    @cached_property
    def _module_builder(self) -> ModuleMapBuilder:
        from safefix.modules import ModuleMapBuilder

        return ModuleMapBuilder(dict.fromkeys(self._files), self._root)

    @cached_property
    def modules(self) -> ModuleMap:
        return self._module_builder.finish()

    @cached_property
    def _text_walk(self) -> Iterator[list[Path]]:
        from safefix.sources import text_files_by_directory

        tops = (self._root, *self._options.consumer_roots)
        return (found for top in tops for found in text_files_by_directory(top))

    @cached_property
    def text_files(self) -> list[Path]:
        found = [*self._text_found, *(path for rest in self._text_walk for path in rest)]
        return [p for p in found if not excluded(p, self._root, self._options.exclude)]


def excluded(path: Path, root: Path, patterns: Sequence[str]) -> bool:
    """Whether `[tool.safefix] exclude` keeps `path` out of the consumer search."""
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix()
    return any(fnmatch.fnmatch(rel, pattern) for pattern in patterns)
