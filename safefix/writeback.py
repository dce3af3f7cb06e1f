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
from safefix.fdio import write_whole
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
    written = dict(
        zip(first, _write_each([outcomes[i] for i in first.values()], root), strict=True)
    )
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


def _write_each(outcomes: Sequence[FileOutcome], root: Path) -> list[FileOutcome]:
    """`_write_back` each, several at a time. On Ctrl-C, writes not yet started are dropped and
    those under way finish (each is one rename: a file is either old or new, never half)."""
    from concurrent.futures import ThreadPoolExecutor

    pending = [o for o in outcomes if o.changed and not o.error]
    if len(pending) < 2:
        return [_write_back(o, root) for o in outcomes]
    from safefix.parallel import workers

    # a thread a core: creating and renaming files is kernel work that threads overlap, but
    # more threads than cores mostly wait for each other (measured: 2 on 2 cores beat 8)
    pool = ThreadPoolExecutor(max_workers=min(max(2, workers()), len(pending)))
    try:
        results = list(pool.map(lambda o: _write_back(o, root), outcomes))
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def _write_back(outcome: FileOutcome, root: Path) -> FileOutcome:
    if not outcome.changed or outcome.error:
        return outcome
    try:
        return _write_one(outcome, root)
    except Exception as exc:  # noqa: BLE001 - contained: the file stays as it was
        error = failures.left_unchanged(exc)
        return replace(outcome, after=outcome.before, error=error, failed=True)


def _write_one(outcome: FileOutcome, root: Path) -> FileOutcome:
    failures.inject("write", outcome.path)
    target = outcome.path
    if target.is_symlink():
        # ruff writes through a link; so does safefix, but never to outside the project
        target = target.resolve()
        if not target.is_relative_to(root.resolve()):
            return replace(outcome, error=f"is a link to {target}, outside the project; left alone")
    try:
        write_atomic(target, outcome.after, expected=outcome.before)
    except FileChangedError as exc:
        return replace(outcome, error=str(exc))
    except OSError as exc:
        return replace(outcome, error=f"cannot write {outcome.path}: {exc.strerror or exc}")
    return replace(outcome, written=True)


def write_atomic(path: Path, data: bytes, expected: bytes) -> None:
    """Replace `path` with `data` in one rename, keeping its mode.

    Raises `FileChangedError` if the file no longer holds `expected` (edited while safefix ran).
    """
    with open(path, "rb") as handle:
        current = handle.read()
        mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
    if current != expected:
        raise FileChangedError(f"{path} changed on disk while safefix ran; left it alone")
    if not mode & stat.S_IWUSR:
        raise FileChangedError(f"{path} is read-only; left it alone")
    with signals_deferred():
        _replace(path, data, mode)


def _replace(path: Path, data: bytes, mode: int) -> None:
    # No fsync: the rename alone makes the change atomic for every process, a crashed safefix
    # included; a sync per file would cost more than ruff's whole run on a big tree (ruff,
    # writing in place, syncs nothing either).
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path.name), suffix=TEMP_SUFFIX)
    try:
        try:
            write_whole(fd, data)
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


class FileChangedError(Exception):
    """A file safefix must not write: changed on disk since it was read, or read-only."""
