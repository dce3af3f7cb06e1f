"""Write-back to the user's tree: every changed file once, each atomically (a temporary file in
the same directory and a rename), never through a link out of the project, never over a file
edited while safefix ran. An exception while writing one file leaves that file unchanged.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import replace
from pathlib import Path

from safefix import failures
from safefix.fdio import exchange, read_whole, write_whole
from safefix.interrupts import signals_deferred
from safefix.leftovers import TEMP_SUFFIX, temp_prefix
from safefix.types import FileOutcome


def write_all(outcomes: Sequence[FileOutcome], root: Path) -> list[FileOutcome]:
    """Write every changed file once, even when links make ruff see it under several names."""
    first: dict[str, int] = {}
    reals = []
    identity = Identities()
    for index, outcome in enumerate(outcomes):
        real = identity(outcome.path)
        first.setdefault(real, index)
        reals.append(real)
    inside = Inside(root)
    each = [(outcomes[i], real) for real, i in first.items()]
    written = dict(zip(first, _write_each(each, inside), strict=True))
    result = []
    for outcome, real in zip(outcomes, reals, strict=True):
        done = written[real]
        if done.path == outcome.path:
            result.append(done)
        elif outcome.changed and not outcome.error:
            same = done.after == outcome.after and done.written
            error = (
                None if same else f"is also checked as {done.path}, with other fixes; left alone"
            )
            result.append(replace(outcome, written=same, error=error))
        else:
            result.append(outcome)
    return result


def refuse_outside(outcomes: Sequence[FileOutcome], root: Path) -> list[FileOutcome]:
    """What `--diff` shows: the files a fix would write, and each one it would not (reached
    through a link out of the project), left alone as the fix leaves it."""
    identity, inside = Identities(), Inside(root)
    return [
        o if not o.changed or o.error or inside(real := identity(o.path)) else _outside(o, real)
        for o in outcomes
    ]


def _outside(outcome: FileOutcome, real: str) -> FileOutcome:
    link = "is a link" if outcome.path.is_symlink() else "is reached through a link"
    return replace(outcome, error=f"{link} to {real}, outside the project; left alone")


class Inside:
    """Whether a real path (all links followed) lies in the project: what the user asked to be
    written. A file or a directory linked from inside the project to outside it is not."""

    def __init__(self, root: Path) -> None:
        self.root = os.path.realpath(root)
        self._prefix = os.path.join(self.root, "")

    def __call__(self, real: str) -> bool:
        return real.startswith(self._prefix)


class Identities:
    """The file behind a path, however symbolic links reach it (`os.path.realpath`), with each
    directory resolved once: realpath looks at every component of every path, thousands of
    times the same ones. Not the inode: hard links are names of their own, and a rename over
    one leaves the others holding the old text."""

    def __init__(self) -> None:
        self._directories: dict[str, str] = {}

    def __call__(self, path: Path) -> str:
        text = str(path)
        if os.path.islink(text):
            return os.path.realpath(text)
        directory, name = os.path.split(text)
        return os.path.join(self._directory(directory), name)

    def _directory(self, directory: str) -> str:
        known = self._directories.get(directory)
        if known is None:
            parent, name = os.path.split(directory)
            if parent == directory or name in ("", ".", "..") or os.path.islink(directory):
                known = os.path.realpath(directory)
            else:
                known = os.path.join(self._directory(parent), name)
            self._directories[directory] = known
        return known


def _write_each(pairs: Sequence[tuple[FileOutcome, str]], inside: Inside) -> list[FileOutcome]:
    """`_write_back` each (an outcome, and its real path), several at a time. On Ctrl-C, writes
    not yet started are dropped and those under way finish (each is one rename: a file is
    either old or new, never half)."""
    from concurrent.futures import ThreadPoolExecutor

    pending = [o for o, _ in pairs if o.changed and not o.error]
    if len(pending) < 2:
        return [_write_back(o, real, inside) for o, real in pairs]
    from safefix.parallel import workers

    # a thread a core: creating and renaming files is kernel work that threads overlap, but
    # more threads than cores mostly wait for each other (measured: 2 on 2 cores beat 8)
    pool = ThreadPoolExecutor(max_workers=min(max(2, workers()), len(pending)))
    try:
        results = list(pool.map(lambda pair: _write_back(pair[0], pair[1], inside), pairs))
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def _write_back(outcome: FileOutcome, real: str, inside: Inside) -> FileOutcome:
    if not outcome.changed or outcome.error:
        return outcome
    try:
        return _write_one(outcome, real, inside)
    except Exception as exc:  # noqa: BLE001 - contained: the file stays as it was
        error = failures.left_unchanged(exc)
        return replace(outcome, after=outcome.before, error=error, failed=True)


def _write_one(outcome: FileOutcome, real: str, inside: Inside) -> FileOutcome:
    failures.inject("write", outcome.path)
    if not inside(real):
        # ruff writes through links; so does safefix, but never to outside the project
        return _outside(outcome, real)
    try:
        # the real path: a rename replaces a link itself, not the file it leads to
        write_atomic(Path(real), outcome.after, expected=outcome.before, shown=outcome.path)
    except FileChangedError as exc:
        return replace(outcome, error=str(exc))
    except OSError as exc:
        return replace(outcome, error=f"cannot write {outcome.path}: {exc.strerror or exc}")
    return replace(outcome, written=True)


def write_atomic(path: Path, data: bytes, expected: bytes, shown: Path | None = None) -> None:
    """Replace `path` with `data` in one rename, keeping its mode.

    Raises `FileChangedError` if the file no longer holds `expected` (edited while safefix ran,
    up to the rename itself: see `_swap_in`); `shown` is the name to say it by.
    """
    shown = shown or path
    with open(path, "rb") as handle:
        current = handle.read()
        mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
    if current != expected:
        raise FileChangedError(_changed(shown))
    if not mode & stat.S_IWUSR:
        raise FileChangedError(f"{shown} is read-only; left it alone")
    with signals_deferred():
        _replace(path, data, mode, expected, shown)


def _changed(shown: Path) -> str:
    return f"{shown} changed on disk while safefix ran; left it alone"


def _replace(path: Path, data: bytes, mode: int, expected: bytes, shown: Path) -> None:
    # No fsync: the rename alone makes the change atomic for every process, a crashed safefix
    # included; a sync per file would cost more than ruff's whole run on a big tree (ruff,
    # writing in place, syncs nothing either).
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path.name), suffix=TEMP_SUFFIX)
    keep_tmp = False
    try:
        try:
            write_whole(fd, data)
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        if exchange(tmp, str(path)):
            problem, keep_tmp = _swap_in(tmp, path, data, expected, shown)
            if problem:
                raise FileChangedError(problem)
        else:  # no atomic swap here: check once more, as close to the rename as can be
            if read_whole(path) != expected:
                raise FileChangedError(_changed(shown))
            os.replace(tmp, path)
    finally:
        if not keep_tmp:
            with suppress(OSError):
                os.unlink(tmp)


def _swap_in(
    tmp: str, path: Path, data: bytes, expected: bytes, shown: Path
) -> tuple[str | None, bool]:
    """After the swap, `tmp` holds what `path` held at that very moment: if it is not what
    safefix read, someone saved the file meanwhile, and their save is put back (unless they
    saved again since the swap, into the new file: that later save stays). What went wrong
    (None: nothing), and whether `tmp` must be kept (it holds a save that could not be put
    back)."""
    if read_whole(tmp) == expected:
        return None, False
    if read_whole(path) == data:
        try:
            exchange(tmp, str(path))
        except OSError:
            return f"{shown} changed on disk while safefix ran; the edit is kept in {tmp}", True
    return _changed(shown), False


class FileChangedError(Exception):
    """A file safefix must not write: changed on disk since it was read, or read-only."""
