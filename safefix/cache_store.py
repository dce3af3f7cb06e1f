"""Where the index cache's bytes live, and why a cache safefix did not write is never read.

The cache directory may arrive with a clone: anything in it may be crafted. So every file is
sealed with a keyed hash (blake2b in its MAC mode) under a random key kept in the user's own
cache directory (`$XDG_CACHE_HOME/safefix/key`, or `~/.cache/safefix/key`), never in a project:
a file whose seal does not verify is ignored, and a stale file is deleted only if its seal
proves safefix wrote it. Directories and files are opened relative to their parent's descriptor
with `O_NOFOLLOW`: a link committed in their place is never followed, for reading, writing or
deleting. Every failure here is an `OSError` or `None`: a cache only ever makes a run slower.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

KEY_ENV = "XDG_CACHE_HOME"
KEY_SIZE = 32
TAG_SIZE = 32
#: What every file safefix writes into the cache starts with (and its layout's number).
MAGIC = b"safefix-cache\x00\x00\x04"
SUFFIX = ".cache"
GITIGNORE = "# Automatically created by safefix.\n*\n"
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by safefix.\n"
)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | _CLOEXEC


def key_dir() -> Path:
    """The user's safefix cache directory, which holds the key (never a project's)."""
    base = os.environ.get(KEY_ENV, "")
    if not os.path.isabs(base):  # the XDG spec: a relative value is ignored
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base, "safefix")


def user_key() -> bytes | None:
    """This user's key, made on first use (0600, never through a link); None if there is no
    private, regular key file to be had (the run then goes without a cache)."""
    directory = key_dir()
    if os.open not in os.supports_dir_fd or not _NOFOLLOW:
        return None
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        with _opened_dir(None, str(directory), create=False, follow=True) as fd:
            key = _read_key(fd)
            if key is None:
                _create_key(fd)
                key = _read_key(fd)
    except OSError:
        return None
    return key


def _read_key(directory: int) -> bytes | None:
    try:
        fd = os.open("key", os.O_RDONLY | _NOFOLLOW | _CLOEXEC, dir_fd=directory)
    except FileNotFoundError:
        return None
    try:
        info = os.fstat(fd)
        private = stat.S_ISREG(info.st_mode) and not info.st_mode & 0o077
        if not private or info.st_uid != os.getuid() or info.st_size != KEY_SIZE:
            raise OSError(f"{key_dir() / 'key'} is not a private key file of this user's")
        key = os.read(fd, KEY_SIZE + 1)
    finally:
        os.close(fd)
    if len(key) != KEY_SIZE:
        raise OSError("short key file")
    return key


def _create_key(directory: int) -> None:
    """A new key, written whole under a temporary name and then linked in: a run racing this
    one sees no key or the whole key, and the first link made wins."""
    temporary = f".key.{os.getpid()}.{os.urandom(8).hex()}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    fd = os.open(temporary, flags, 0o600, dir_fd=directory)
    try:
        try:
            os.write(fd, os.urandom(KEY_SIZE))
        finally:
            os.close(fd)
        with suppress(FileExistsError):
            os.link(temporary, "key", src_dir_fd=directory, dst_dir_fd=directory)
    finally:
        os.unlink(temporary, dir_fd=directory)


def seal(key: bytes, name: str, body: bytes) -> bytes:
    """The tag that proves `body` was written by safefix under `key` as the file `name`."""
    try:
        from _blake2 import blake2b  # `hashlib` would load OpenSSL first (~10 ms)
    except ImportError:  # pragma: no cover - a Python built without it
        from hashlib import blake2b
    mac = blake2b(key=key, digest_size=TAG_SIZE, person=b"safefix-cache")
    mac.update(name.encode())
    mac.update(b"\x00")
    mac.update(body)
    return mac.digest()


def unseal(key: bytes, name: str, data: bytes) -> bytes | None:
    """The body of a cache file's bytes, if safefix wrote exactly them as `name`; else None."""
    head = len(MAGIC) + TAG_SIZE
    if len(data) < head or not data.startswith(MAGIC):
        return None
    body = data[head:]
    # a plain comparison: a cache is read offline, no one can time it to learn a tag
    return body if data[len(MAGIC) : head] == seal(key, name, body) else None


@contextmanager
def _opened_dir(parent: int | None, name: str, create: bool, follow: bool = False) -> Iterator[int]:
    """A directory's descriptor, never through a link unless `follow` (the user's own path to
    the project); made (0755) if missing and `create`."""
    flags = _DIRECTORY & ~_NOFOLLOW if follow else _DIRECTORY
    try:
        fd = os.open(name, flags, dir_fd=parent)
    except FileNotFoundError:
        if not create:
            raise
        with suppress(FileExistsError):
            os.mkdir(name, 0o755, dir_fd=parent)
        fd = os.open(name, flags, dir_fd=parent)
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):  # pragma: no cover - O_DIRECTORY saw to it
            raise NotADirectoryError(name)
        yield fd
    finally:
        os.close(fd)


@contextmanager
def cache_subdir(base: Path, version: str, create: bool) -> Iterator[int]:
    """`base/version`, opened without following a link at either level. `base`'s parent is
    the project (or where `SAFEFIX_CACHE_DIR` says), reached as the user named it."""
    if os.open not in os.supports_dir_fd or not _NOFOLLOW:
        raise OSError("no way to open the cache without following links here: no cache")
    if create:
        base.parent.mkdir(parents=True, exist_ok=True)
    with (
        _opened_dir(None, str(base.parent), create=False, follow=True) as parent,
        _base(parent, base.name, create) as top,
        _opened_dir(top, version, create) as sub,
    ):
        yield sub


@contextmanager
def _base(parent: int, name: str, create: bool) -> Iterator[int]:
    """The cache directory, ignored by git from its first moment (like `.ruff_cache`)."""
    try:
        os.stat(name, dir_fd=parent, follow_symlinks=False)
        made = False
    except FileNotFoundError:
        made = create
    with _opened_dir(parent, name, create) as fd:
        for marker, text in ((".gitignore", GITIGNORE), ("CACHEDIR.TAG", CACHEDIR_TAG)):
            if made:
                with suppress(FileExistsError):
                    _write_new(fd, marker, text.encode())
        yield fd


def _write_new(directory: int, name: str, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    fd = os.open(name, flags, 0o644, dir_fd=directory)
    try:
        from safefix.fdio import write_whole

        write_whole(fd, data)
    finally:
        os.close(fd)


def read_sealed(directory: int, name: str, key: bytes) -> bytes | None:
    """The body of the cache file `name`, if it is a regular file safefix sealed; else None."""
    from safefix.fdio import read_to_end

    try:
        fd = os.open(name, os.O_RDONLY | _NOFOLLOW | _CLOEXEC, dir_fd=directory)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = read_to_end(fd)
    except OSError:
        return None
    finally:
        os.close(fd)
    return unseal(key, name, data)


def write_sealed(directory: int, name: str, key: bytes, body: bytes) -> None:
    """`name` holds `body`, sealed, in one rename; then every other file of the directory that
    safefix sealed (a stale cache) is deleted, and nothing else."""
    temporary = f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    try:
        _write_new(directory, temporary, MAGIC + seal(key, name, body) + body)
        os.replace(temporary, name, src_dir_fd=directory, dst_dir_fd=directory)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary, dir_fd=directory)
        raise
    with os.scandir(directory) as entries:
        stale = [
            entry.name
            for entry in entries
            if entry.name.endswith(SUFFIX)
            and entry.name != name
            and entry.is_file(follow_symlinks=False)
        ]
    for other in stale:
        if read_sealed(directory, other, key) is not None:
            with suppress(OSError):
                os.unlink(other, dir_fd=directory)
