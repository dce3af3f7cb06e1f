"""The copy of the project `--verify-cmd` runs in, with no link in it that leads out of it.

`shutil.copytree(symlinks=True)` keeps links as they are: an absolute link, or one leading out
of the project, still reaches the user's files from the copy, and the fixes written into the
copy (and whatever the command writes) would land in them. So every link is materialised: one
to a place inside the project becomes a relative link to the same place in the copy; one
leading out is copied as what it leads to (a file's content, a directory's tree, links in it
materialised the same way). A link to a directory that holds it (a loop) is left out, with a
note; a dangling link is left out.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class _Copy:
    """One copy under way: the project's real path, the copy's root, what was left out."""

    root: str
    dest: str
    ignored: frozenset[str]
    notes: list[str] = field(default_factory=list)
    #: The real directories being copied, outermost first: a link into one of them loops.
    active: list[str] = field(default_factory=list)

    def directory(self, source: str, real: str, target: str) -> None:
        """Copy the directory `source` (really at `real`) to `target`, entry by entry."""
        os.makedirs(target, exist_ok=True)
        with os.scandir(source) as entries:
            found = sorted(entries, key=lambda entry: entry.name)
        self.active.append(real)
        for entry in found:
            if entry.name in self.ignored:
                continue
            to = os.path.join(target, entry.name)
            if entry.is_symlink():
                self.link(entry.path, os.path.join(real, entry.name), to)
            elif entry.is_dir(follow_symlinks=False):
                self.directory(entry.path, os.path.join(real, entry.name), to)
            elif entry.is_file(follow_symlinks=False):
                shutil.copy2(entry.path, to, follow_symlinks=False)
            # sockets, pipes, devices: nothing a command's check reads; copying a pipe blocks
        self.active.pop()

    def link(self, source: str, where: str, to: str) -> None:
        """A link at `source` (at `where` in the real tree), made safe at `to` in the copy."""
        real = os.path.realpath(source)
        shown = os.path.relpath(where, self.root) if self.inside(where) else where
        if not os.path.exists(real):
            return  # dangling: nothing to copy, nothing to reach
        if self.inside(real):
            mirrored = os.path.join(self.dest, os.path.relpath(real, self.root))
            os.symlink(os.path.relpath(mirrored, os.path.dirname(to)), to)
        elif os.path.isfile(real):
            shutil.copy2(real, to)
        elif os.path.isdir(real):
            if any(_within(active, real) for active in self.active):
                self.notes.append(
                    f"{shown} is a link to {real}, which holds it; left out of --verify-cmd's copy"
                )
            else:
                self.directory(real, real, to)

    def inside(self, real: str) -> bool:
        return _within(real, self.root)


def _within(path: str, directory: str) -> bool:
    return path == directory or path.startswith(os.path.join(directory, ""))


def copy_project(root: Path, dest: Path, ignored: frozenset[str]) -> list[str]:
    """Copy `root` to `dest` (which must not exist), leaving out names in `ignored`, with every
    link materialised; the notes on what was left out."""
    real = os.path.realpath(root)
    copy = _Copy(real, str(dest), ignored)
    copy.directory(str(root), real, str(dest))
    return copy.notes
