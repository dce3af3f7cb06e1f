"""The scratch copy ruff fixes (the write-back to the user's tree is `writeback`).

The scratch directory mirrors absolute paths (`/home/u/app/x.py` lives at
`SCRATCH/home/u/app/x.py`) so that ruff's hierarchical config discovery, relative `extend`
paths and `exclude` patterns behave exactly as in the user's tree. Only the files ruff would
check and the configs that govern them are copied, onto RAM-backed storage where there is one:
creating files on disk costs more than ruff's whole run.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# `read_whole` is also offered from here, where the consumer index reads files
from safefix import leftovers
from safefix.fdio import read_whole as read_whole  # noqa: PLC0414
from safefix.fdio import write_whole
from safefix.interrupts import signals_deferred, stop_children

if TYPE_CHECKING:
    from hashlib import blake2b as Blake2b

CONFIG_NAMES = ("pyproject.toml", "ruff.toml", ".ruff.toml")


def blake2b(data: bytes = b"") -> Blake2b:
    """blake2b from its built-in module: `hashlib` would load OpenSSL first (~10 ms)."""
    try:
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b
    return blake2b(data, digest_size=16)


def digest(data: bytes) -> bytes:
    return blake2b(data).digest()


class Scratch:
    """A temporary directory that mirrors absolute paths of the user's tree."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._prefix = str(root) + os.sep
        self._stood_in = False

    # string operations: these run for every file and every diagnostic of large trees
    def mirror(self, path: Path) -> Path:
        return Path(self._mirrored(path))

    def _mirrored(self, path: Path) -> str:
        return _inside(self._prefix, str(path))

    def unmirror(self, path: Path) -> Path:
        text = str(path)
        if not text.startswith(self._prefix):
            raise ValueError(f"{path} is not in the scratch mirror {self.root}")
        return Path(os.sep + text[len(self._prefix) :])

    def unmirror_text(self, text: str) -> str:
        """`text` (a message of ruff's) with the mirror's paths in it made the user's again."""
        return text.replace(self._prefix, os.sep)

    def original(self, path: Path) -> Path:
        """The user's path for a path in the mirror; any other path as it is."""
        try:
            return self.unmirror(path)
        except ValueError:
            return path

    def copy_in(self, path: Path) -> bytes:
        """Copy `path` into the mirror and return its original bytes."""
        data = read_whole(path)
        self.write(path, data)
        return data

    def write(self, path: Path, data: bytes) -> None:
        dest = self.mirror(path)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)

    def read(self, path: Path) -> bytes:
        return read_whole(self._mirrored(path))

    def copy_all(self, files: Sequence[Path]) -> dict[Path, bytes] | None:
        """Copy every file into the mirror, on every core; the digest of each copy's content
        (None if one cannot be read, which ruff must report from the user's tree, or copied).

        The digests, not the bytes, come back: the files ruff fixes are read again afterwards
        and must still be what was copied."""
        from safefix.parallel import parallel_map

        texts = [str(file) for file in files]
        for directory in sorted({os.path.dirname(self._mirrored(file)) for file in files}):
            os.makedirs(directory, exist_ok=True)
        digests = parallel_map(partial(_copy_file, self._prefix), texts)
        if any(found is None for found in digests):
            return None
        return {file: found for file, found in zip(files, digests, strict=True) if found}

    def stand_in(self, files: Iterable[Path]) -> None:
        """An empty stand-in for every other file ruff checks: ruff looks for a module's file
        to tell first-party imports from third-party ones (I001, TC001 vs TC002), so the tree
        around the copied files must be complete, if empty. Plain `os` calls on strings: there
        is one per file of the project."""
        if self._stood_in:
            return
        self._stood_in = True
        made: set[str] = set()
        make = _make_empty
        for file in files:
            mirrored = self._mirrored(file)
            directory = os.path.dirname(mirrored)
            if directory not in made:
                os.makedirs(directory, exist_ok=True)
                made.add(directory)
            try:
                make(mirrored)
            except FileExistsError:  # a copied file, or a path ruff lists twice
                pass
            except OSError:  # mknod of a regular file is for root alone here (macOS)
                make = _open_empty
                with suppress(FileExistsError):
                    make(mirrored)


def _make_empty(path: str) -> None:
    """An empty file in one system call (open and close take two, each costing about as much
    on a RAM disk)."""
    if not hasattr(os, "mknod"):
        _open_empty(path)
        return
    os.mknod(path, stat.S_IFREG | 0o644)


def _open_empty(path: str) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))


def _inside(prefix: str, path: str) -> str:
    """Absolute `path` in the mirror whose root (with a trailing separator) is `prefix`."""
    return prefix + path.lstrip(os.sep)


def _copy_file(prefix: str, path: str) -> bytes | None:
    """Copy one file into the mirror; its content's digest, or None if it cannot be read or
    the copy not written (a full RAM disk, say: the caller then copies less)."""
    try:
        data = read_whole(path)
        fd = os.open(_inside(prefix, path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            write_whole(fd, data)
        finally:
            os.close(fd)
    except OSError:
        return None
    return digest(data)


#: Where scratch directories go, for tests that check nothing is left behind.
SCRATCH_ENV = "SAFEFIX_SCRATCH_DIR"


def in_ram() -> bool:
    """Whether scratch directories go to RAM (or where `$SAFEFIX_SCRATCH_DIR` says)."""
    return _ram_dir() is not None


#: Free space below which a RAM disk is passed over for the system temp directory (unless
#: the files to copy are known to fit twice over).
ROOMY = 1 << 30
MINIMUM_FREE = 32 << 20


def _ram_dir(need: Callable[[], int] | None = None) -> str | None:
    """`$SAFEFIX_SCRATCH_DIR`, else `/dev/shm`; None (the system temp directory) where that is
    missing, not writable or too full for the copies (`need()`: their size in bytes)."""
    where = os.environ.get(SCRATCH_ENV) or "/dev/shm"
    if not (os.path.isdir(where) and os.access(where, os.W_OK | os.X_OK)):
        return None
    try:
        stats = os.statvfs(where)
    except (OSError, AttributeError):  # no statvfs (Windows): no RAM disk to pass over either
        return where
    free = stats.f_bavail * stats.f_frsize
    if free >= ROOMY:
        return where
    wanted = max(MINIMUM_FREE, 2 * need()) if need is not None else MINIMUM_FREE
    return where if free >= wanted else None


#: Temporary directories not yet removed or handed to a thread that removes them: an
#: interruption that cuts a removal short leaves its directory here, for `remove_leftovers`.
_LIVE: set[str] = set()


@contextmanager
def scratch(
    removing: list[threading.Thread] | None = None, need: Callable[[], int] | None = None
) -> Iterator[Scratch]:
    """A scratch mirror that is removed however the run ends: at once, or by a thread added to
    `removing` (the caller joins it: a full mirror of a big tree takes a while to remove).

    On a RAM disk where there is room for `need()` bytes, else in the system temp directory;
    the scratch directories earlier runs left behind when they were killed go first."""
    where = _ram_dir(need)
    for directory in dict.fromkeys([where, None]):
        for stale in leftovers.stale_entries(directory or tempfile.gettempdir(), SCRATCH):
            if removing is None:
                _remove_tree(stale)
            else:
                thread = threading.Thread(target=_remove_tree, args=(stale,))
                thread.start()
                removing.append(thread)
    with temporary_directory(SCRATCH, where, removing) as root:
        yield Scratch(Path(root))


def total_size(files: Iterable[Path]) -> int:
    """The bytes of `files` (those that can be read), for `scratch`'s `need`."""
    total = 0
    for file in files:
        with suppress(OSError):
            total += os.stat(file).st_size
    return total


#: The name every scratch directory starts with, before its owner's tag (`leftovers.py`).
SCRATCH = "safefix-"


@contextmanager
def temporary_directory(
    prefix: str, where: str | None = None, removing: list[threading.Thread] | None = None
) -> Iterator[str]:
    """`tempfile.TemporaryDirectory`, but one that no Ctrl-C leaves behind (see `scratch`),
    named for its process (`leftovers.tag`) so that a later run removes it if a SIGKILL did."""
    with signals_deferred():
        root = tempfile.mkdtemp(prefix=f"{prefix}{leftovers.tag()}-", dir=where)
        _LIVE.add(root)
    try:
        yield root
    except BaseException:
        stop_children()  # a ruff left running by the failure would write on into the directory
        raise
    finally:
        with signals_deferred():
            if removing is None:
                shutil.rmtree(root, ignore_errors=True)
            else:
                thread = threading.Thread(target=_remove_tree, args=(root,))
                thread.start()
                removing.append(thread)
            _LIVE.discard(root)


def _remove_tree(root: str) -> None:
    """Remove a directory tree by `rm -rf` where there is one, else `shutil.rmtree`.

    rm unlinks in a C loop, in a process of its own that holds no lock of this one's (the
    writes and the report go on meanwhile on the other core): on a big tree's stand-ins,
    rmtree's per-entry Python was a tenth of a second that the run's end waited for. In a
    session of its own, so that a Ctrl-C meant for safefix cannot cut the removal short.
    """
    with suppress(OSError):
        os.rmdir(root)  # never filled (ruff fixed from stdin): no process to start
        return
    rm = shutil.which("rm")
    if rm is not None:
        with suppress(OSError):
            subprocess.run(
                [rm, "-rf", "--", root],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                check=False,
            )
    if os.path.lexists(root):  # no rm, or it could not remove everything
        shutil.rmtree(root, ignore_errors=True)


def join_removals(removing: Iterable[threading.Thread]) -> None:
    """Wait for the threads removing scratch directories, with Ctrl-C held back until they are
    done: a join it cut short would mark a thread finished while it still removes (CPython
    3.11 then releases the lock the running thread holds), and the process could exit with
    the directory still there."""
    with signals_deferred():
        for thread in removing:
            thread.join()


def remove_leftovers() -> None:
    """Remove the directories an interruption kept `temporary_directory` from removing: one
    that arrived between creating the directory and entering its `try`, or in its `finally`
    before the removal began."""
    with signals_deferred():
        while _LIVE:
            shutil.rmtree(_LIVE.pop(), ignore_errors=True)


def config_files(files: Iterable[Path], explicit: Iterable[Path] = ()) -> set[Path]:
    """Every ruff config that can govern `files`: each ancestor's, `--config` files, `extend`s."""
    found: set[Path] = set()
    seen: set[str] = set()
    for file in files:  # strings, not Paths: a big tree has thousands of directories
        directory = os.path.dirname(str(file))
        while directory not in seen:
            seen.add(directory)
            for name in CONFIG_NAMES:
                if os.path.isfile(candidate := os.path.join(directory, name)):
                    found.add(Path(candidate))
            directory = os.path.dirname(directory)
    pending = [*found, *explicit]
    while pending:
        config = pending.pop()
        found.add(config)
        extended = _extends(config)
        if extended is not None and extended.is_file() and extended not in found:
            pending.append(extended)
    return found


def _extends(config: Path) -> Path | None:
    try:
        data: dict[str, Any] = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # ruff reports broken configs itself, with a better message
    section = data.get("tool", {}).get("ruff", {}) if config.name == "pyproject.toml" else data
    value = section.get("extend") if isinstance(section, dict) else None
    if not isinstance(value, str):
        return None
    return (config.parent / os.path.expanduser(os.path.expandvars(value))).resolve()
