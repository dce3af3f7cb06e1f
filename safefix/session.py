"""One run's common ground: the project, the scratch (made ready when a ruff run first needs
it), and ruff run in the scratch with the user's flags and config files mirrored into it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from safefix import ruff
from safefix.types import Diagnostic, Options

if TYPE_CHECKING:
    from safefix import workspace
    from safefix.ahead import Ahead
    from safefix.ruff_output import FixRun

# Light on purpose: the pipeline imports this before ruff's lint says whether there is work.


class UsageError(Exception):
    """Bad input from the user (a missing path, ...): one line, exit code 2, tree untouched."""


def say(options: Options, message: str) -> None:
    """A status line for the user's terminal, where the CLI shows one."""
    if options.progress is not None:
        options.progress(message)


def by_file(diagnostics: Iterable[Diagnostic]) -> dict[Path, list[Diagnostic]]:
    found: dict[Path, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        found.setdefault(diagnostic.path, []).append(diagnostic)
    return found


@dataclass
class Session:
    """What every stage after ruff's lint shares (one per run, never between runs)."""

    binary: str
    options: Options
    root: Path
    ahead: Ahead
    _scratch: workspace.Scratch
    #: What ruff reports for every file it checked, as the latest ruff run leaves it.
    remaining: dict[Path, list[Diagnostic]] = field(default_factory=dict)
    #: What makes the scratch ready for a ruff run in it, where the first pass did without.
    unready: Callable[[], None] | None = None
    #: What the run has to tell the user besides its decisions (a file it cannot read).
    notes: list[str] = field(default_factory=list)

    @property
    def scratch(self) -> workspace.Scratch:
        if self.unready is not None:
            ready, self.unready = self.unready, None
            ready()
        return self._scratch

    @property
    def scratch_cwd(self) -> Path:
        return self.scratch.mirror(self.options.cwd)

    def mirrored_flags(self) -> list[str]:
        """The user's ruff flags, with the config files they name mirrored into the scratch."""
        return ruff.flag_args(self.options.ruff, self._mirror_config)

    def _mirror_config(self, value: str) -> str:
        candidate = (self.options.cwd / value).absolute()
        return str(self.scratch.mirror(candidate)) if candidate.is_file() else value

    def start_fix(self, files: Sequence[Path], *, apply: bool = True) -> ruff.Fix:
        """`ruff check --fix` (or, not `apply`ing, only the report) of the mirrored `files`,
        from the mirrored working directory, started now."""
        scratch = self.scratch
        inside = str(scratch.mirror(self.options.cwd)) + os.sep
        mirrored = [str(scratch.mirror(path)) for path in files]
        # relative to where ruff runs: shorter command lines (a big tree's every file is on one)
        relative = [m.removeprefix(inside) for m in mirrored]
        flags = self.mirrored_flags()
        return ruff.Fix(
            self.binary, relative, flags, self.scratch_cwd, apply=apply, locate=scratch.original
        )

    def fix_copies(self, files: Sequence[Path], *, apply: bool = True) -> FixRun:
        """`start_fix`, waited for."""
        return self.start_fix(files, apply=apply).result()

    def copy_configs(self, files: Sequence[Path], copied: Iterable[Path]) -> None:
        """Copy the ruff configs that govern `files` (and `--config` files) beside them."""
        from safefix import workspace

        options, scratch = self.options, self._scratch
        explicit = [p for value in options.ruff.config if (p := (options.cwd / value)).is_file()]
        done = set(copied)
        for config in workspace.config_files(files, explicit):
            if config not in done:
                scratch.copy_in(config)
        scratch.mirror(options.cwd).mkdir(parents=True, exist_ok=True)
