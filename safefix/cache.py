"""A per-file cache of what each Python file consumes, so a run parses only what changed.

Like ruff's cache, it lives in the project (`.safefix_cache/`, or `$SAFEFIX_CACHE_DIR`), holds
a `.gitignore` that ignores it, and is never needed: a missing, stale, unreadable, corrupted or
crafted cache only makes a run slower. It is data only (JSON: loading it runs no code), sealed
with a key of the user's (`cache_store`): a cache committed to a repository is not this user's
and is never read. An entry is trusted when the file's (mtime, size, inode) are unchanged, and
otherwise when its content hash is. What a file consumes also depends on which modules the
project has (strings and relative imports are resolved against them), on safefix and on the
Python parser, so the cache file is keyed by all of these; any change starts a new one.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safefix import __version__, cache_store
from safefix.modules import ModuleMap
from safefix.types import Consumer, ConsumerKind, PythonScan
from safefix.workspace import blake2b, digest

CACHE_DIR_NAME = ".safefix_cache"
CACHE_ENV = "SAFEFIX_CACHE_DIR"
GITIGNORE = cache_store.GITIGNORE
#: Bumped when the layout of the entries changes.
FORMAT = 4


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
    #: The user's key (`cache_store`); None: no cache can be trusted or written this run.
    key: bytes | None = None
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
        if not self.dirty or self.key is None:
            return
        body = encode(self.entries)
        with suppress(OSError), cache_store.cache_subdir(*_where(self.path), create=True) as fd:
            cache_store.write_sealed(fd, self.path.name, self.key, body)


def cache_dir(root: Path) -> Path:
    override = os.environ.get(CACHE_ENV)
    return Path(override).absolute() if override else root / CACHE_DIR_NAME


def open_cache(root: Path, modules: ModuleMap) -> IndexCache:
    """The cache for this project as its modules are now (empty if there is none yet, or if
    what is there is not a cache this user's safefix wrote)."""
    key = blake2b()
    key.update(
        f"{FORMAT}\0{__version__}\0{sys.version}\0{root}\0".encode("utf-8", "surrogateescape")
    )
    for file, names in sorted(modules.names.items()):
        key.update(f"{file}\0{','.join(names)}\0".encode("utf-8", "surrogateescape"))
    path = cache_dir(root) / __version__ / f"{key.hexdigest()}{cache_store.SUFFIX}"
    secret = cache_store.user_key()
    if secret is None:
        return IndexCache(path)
    return IndexCache(path, load(path, secret), key=secret)


def load(path: Path, key: bytes) -> dict[str, Entry]:
    """The entries of the cache file at `path`; none unless safefix sealed it with `key`."""
    body = None
    with suppress(OSError), cache_store.cache_subdir(*_where(path), create=False) as fd:
        body = cache_store.read_sealed(fd, path.name, key)
    return {} if body is None else decode(body)


def _where(path: Path) -> tuple[Path, str]:
    """The cache directory and the version directory in it, for a cache file's path."""
    return path.parent.parent, path.parent.name


#: A consumer's fields, in the order each is written (one flat array a file).
_FIELDS = 7


def encode(entries: dict[str, Entry]) -> bytes:
    """The entries as JSON arrays, each file's consumers as one flat array of their fields
    (`_FIELDS` each; a consumer's path is "" where it is the file's own)."""
    rows = []
    for file, entry in entries.items():
        scan = entry.scan
        flat: list[object] = []
        for c in () if scan is None else scan.consumers:
            path = str(c.path)
            flat += ("" if path == file else path, c.line, c.module, c.name, c.kind.value)
            flat += (c.text, c.typing_only)
        found = None if scan is None else [flat, list(scan.star_imports)]
        digest_hex = entry.digest.hex()
        rows.append(
            [file, entry.mtime_ns, entry.size, entry.inode, digest_hex, entry.seen_ns, found]
        )
    # a file name that is not UTF-8 holds surrogates (os.fsdecode): kept as its own bytes
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "surrogateescape")


def decode(body: bytes) -> dict[str, Entry]:
    """The entries `encode` wrote; none if anything in `body` is not what it would write.

    Only bytes sealed with the user's key get here (what safefix itself wrote), so the shape is
    checked by unpacking, not field by field: what does not unpack, or names an unknown kind,
    drops the whole cache."""
    try:
        return dict(
            _entry(row) for row in _list(json.loads(body.decode("utf-8", "surrogateescape")))
        )
    except (ValueError, TypeError, KeyError, UnicodeDecodeError, RecursionError):
        return {}


def _entry(row: Any) -> tuple[str, Entry]:
    file, mtime_ns, size, inode, hexdigest, seen_ns, scan = _list(row)
    for number in (mtime_ns, size, inode, seen_ns):
        _int(number)
    found = None if scan is None else _scan(_str(file), scan)
    return _str(file), Entry(mtime_ns, size, inode, bytes.fromhex(_str(hexdigest)), seen_ns, found)


_KINDS = {kind.value: kind for kind in ConsumerKind}


def _scan(file: str, scan: Any) -> PythonScan:
    flat, star_imports = _list(scan)
    if len(_list(flat)) % _FIELDS:
        raise ValueError("a consumer cut short")
    paths: dict[str, Path] = {"": Path(file)}
    new, found = object.__new__, []
    fields = [iter(flat)] * _FIELDS
    for path, line, module, name, kind, text, typing_only in zip(*fields, strict=True):
        where = paths.get(path)
        if where is None:
            where = paths[path] = Path(_str(path))
        # pickle's way of making an object: the frozen dataclass's __init__ sets each field
        # through object.__setattr__, which costs more than parsing the JSON (a warm run
        # loads tens of thousands of consumers)
        consumer = new(Consumer)
        state = consumer.__dict__
        state["path"], state["line"], state["module"], state["name"] = where, line, module, name
        state["kind"], state["text"], state["typing_only"] = _KINDS[kind], text, typing_only
        found.append(consumer)
    return PythonScan(tuple(found), tuple(_str(star) for star in _list(star_imports)))


def _checked(kind: type) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if type(value) is not kind:
            raise TypeError(f"expected {kind.__name__}")
        return value

    return check


_list = _checked(list)
_str = _checked(str)
_int = _checked(int)
