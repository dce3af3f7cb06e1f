"""Work that needs only the list of files, done ahead while ruff runs: the project's files
that can name its code (`sources.listing`), and every Python file's module names.

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
    """The project's files and module map, worked out on first use, or while ruff runs
    (`finish`, `prepare_while`)."""

    def __init__(self, targets: Sequence[Path], root: Path, options: Options) -> None:
        self._targets = targets
        self._root = root
        self._options = options

    def finish(self) -> None:
        """Everything now, where another process's work leaves this one the time."""
        self.modules  # noqa: B018 - built now, used later

    @property
    def finished(self) -> bool:
        return "modules" in self.__dict__  # cached

    def prepare_while(self, running: Callable[[], bool]) -> None:
        """As much as ruff's fix leaves time for: the file listing and the module map, which
        a fix that removes a name needs. A run that removes nothing never pays for them."""
        while running() and not self._module_builder.advance(MODULES_AT_A_TIME):
            pass

    @cached_property
    def _listing(self) -> tuple[list[Path], list[Path], dict[Path, str]]:
        """The Python modules and the other files consumers are searched in, under the root
        and the extra roots: what ruff excludes from fixing is still searched (migrations,
        scripts); what git ignores, build output and `[tool.safefix] exclude` are not."""
        from safefix.sources import listing

        found = listing([self._root, *self._options.consumer_roots])
        patterns = self._options.exclude
        python = [p for p in found.python if not excluded(p, self._root, patterns)]
        text = [p for p in found.text if not excluded(p, self._root, patterns)]
        unreadable = {
            p: why for p, why in found.unreadable if not excluded(p, self._root, patterns)
        }
        # the targets: ruff may check more than `*.py`
        return [*python, *self._targets], text, unreadable

    @property
    def files(self) -> list[Path]:
        """Every Python file of the project (what ruff fixes among them), each once."""
        return list(dict.fromkeys(self._listing[0]))

    @property
    def text_files(self) -> list[Path]:
        """The files other than Python modules that may name project code."""
        return self._listing[1]

    @property
    def unreadable_directories(self) -> dict[Path, str]:
        """The directories the file listing could not list, with why: they may hold consumers."""
        return self._listing[2]

    @cached_property
    def _module_builder(self) -> ModuleMapBuilder:
        from safefix.modules import ModuleMapBuilder

        return ModuleMapBuilder(dict.fromkeys(self._listing[0]), self._root)

    @cached_property
    def modules(self) -> ModuleMap:
        return self._module_builder.finish()


def excluded(path: Path, root: Path, patterns: Sequence[str]) -> bool:
    """Whether `[tool.safefix] exclude` keeps `path` out of the consumer search (a pattern
    relative to `root`, or absolute: the config file anchors its own)."""
    whole = path.as_posix()
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = whole
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(whole, p) for p in patterns)
