"""A per-file cache of what each Python file consumes, so a run parses only what changed.

Like ruff's cache, it lives in the project (`.safefix_cache/`, or `$SAFEFIX_CACHE_DIR`), holds
a `.gitignore` that ignores it, and is never needed: a missing, stale or unreadable cache only
makes a run slower. An entry is trusted when the file's (mtime, size, inode) are unchanged, and
otherwise when its content hash is. What a file consumes also depends on which modules the
project has (strings and relative imports are resolved against them), on safefix and on the
Python parser, so the cache file is keyed by all of these; any change starts a new one.
"""

from __future__ import annotations

import os
import pickle
import sys
import tempfile
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from safefix import __version__
from safefix.modules import ModuleMap
from safefix.types import PythonScan
from safefix.workspace import blake2b, digest

CACHE_DIR_NAME = ".safefix_cache"
CACHE_ENV = "SAFEFIX_CACHE_DIR"
GITIGNORE = "# Automatically created by safefix.\n*\n"
#: Bumped when the pickled layout changes.
FORMAT = 3


#: A file changed this soon after it was last modified may keep its mtime (the clock's
#: granularity): its stat proves nothing, its content hash is checked (git's "racy clean").
RACY_NS = 2_000_000_000


@dataclass(frozen=True)
class Entry:
    mtime_ns: int
    size: int
    inode: int
    digest: bytes
    #: When the file was read for this entry.
    seen_ns: int
    #: Every consumer in the file (not only those of one run's names); None: it does not parse.
    scan: PythonScan | None


def _stamp(stat: os.stat_result) -> tuple[int, int, int]:
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


@dataclass
class IndexCache:
    """Complete per-file scans, loaded once, saved once (atomically) if anything was added."""

    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    dirty: bool = False
    #: Each file's stat as taken before it was read: an entry never pairs content with a stat
    #: taken after it (the file may change between the two).
    _stamps: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    def knows(self, file: Path) -> bool:
        """Whether there is an entry for `file`, fresh or not."""
        return str(file) in self.entries

    def fresh(self, file: Path) -> Entry | None:
        """The entry for `file` if the file is unchanged since (by stat alone: no read).

        Call it before reading the file: the stat it takes is the one `store` records."""
        try:
            stamp = _stamp(file.stat())
        except OSError:
            return None
        self._stamps[str(file)] = stamp
        entry = self.entries.get(str(file))
        if entry is None:
            return None
        unchanged = stamp == (entry.mtime_ns, entry.size, entry.inode)
        return entry if unchanged and entry.seen_ns - entry.mtime_ns > RACY_NS else None

    def same_content(self, file: Path, data: bytes) -> Entry | None:
        """The entry for `file` if its content is what was scanned (touched, not edited)."""
        entry = self.entries.get(str(file))
        if entry is None or entry.digest != digest(data):
            return None
        self.store(file, data, entry.scan)  # remember the new stat
        return entry

    def store(self, file: Path, data: bytes, scan: PythonScan | None) -> None:
        """Record a complete scan of `file` as it is on disk (`data` is its content)."""
        stamp = self._stamps.get(str(file))
        if stamp is None:
            return  # not stat'ed before it was read: nothing safe to record
        self.entries[str(file)] = Entry(*stamp, digest(data), time.time_ns(), scan)
        self.dirty = True

    def save(self) -> None:
        """Write the cache in one rename; a cache that cannot be written is just not written."""
        if not self.dirty:
            return
        with suppress(OSError):
            _make_dir(self.path.parent.parent)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".index.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump(self.entries, handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.chmod(tmp, 0o644)
                os.replace(tmp, self.path)
            except BaseException:
                with suppress(OSError):
                    os.unlink(tmp)
                raise
            for stale in self.path.parent.glob("*.pickle"):
                if stale != self.path:
                    with suppress(OSError):
                        stale.unlink()


def cache_dir(root: Path) -> Path:
    override = os.environ.get(CACHE_ENV)
    return Path(override).absolute() if override else root / CACHE_DIR_NAME


def open_cache(root: Path, modules: ModuleMap) -> IndexCache:
    """The cache for this project as its modules are now (empty if there is none yet)."""
    key = blake2b()
    key.update(f"{FORMAT}\0{__version__}\0{sys.version}\0{root}\0".encode())
    for file, names in sorted(modules.names.items()):
        key.update(f"{file}\0{','.join(names)}\0".encode("utf-8", "surrogateescape"))
    path = cache_dir(root) / __version__ / f"{key.hexdigest()}.pickle"
    try:
        with path.open("rb") as handle:
            entries = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        entries = {}
    if not isinstance(entries, dict):
        entries = {}
    return IndexCache(path, entries)


def _make_dir(directory: Path) -> None:
    """The cache directory, ignored by git from its first moment (like `.ruff_cache`)."""
    if directory.is_dir():
        return
    directory.mkdir(parents=True, exist_ok=True)
    (directory / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    (directory / "CACHEDIR.TAG").write_text(
        "Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This file is a cache directory tag created by safefix.\n",
        encoding="utf-8",
    )
