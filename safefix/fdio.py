"""Whole files and pipes by plain system calls: the leaf every stage that reads bytes shares.

A module of its own so that `workspace` (the scratch) and `parallel` (the workers' pipes) both
use it without importing each other.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import cast

_CHUNK = 1 << 20


def read_whole(path: str | Path) -> bytes:
    """A whole file, by plain system calls: `Path.read_bytes` and `open().read()` cost about
    twice as much, which counts over the thousands of files of a big tree."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        return read_to_end(fd)
    finally:
        os.close(fd)


def read_to_end(fd: int) -> bytes:
    """Everything `fd` (a file, a pipe) still holds, up to its end."""
    chunks = [os.read(fd, _CHUNK)]
    while chunks[-1]:
        chunks.append(os.read(fd, _CHUNK))
    return chunks[0] if len(chunks) == 2 else b"".join(chunks)


def write_whole(fd: int, data: bytes) -> None:
    """All of `data` to `fd`: one `os.write` may take only part of it."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


#: renameat2's flag that swaps the two names atomically (Linux >= 3.15).
RENAME_EXCHANGE = 2
_AT_FDCWD = -100
#: renameat2's system call number, for a C library that does not offer the function (< 2.28).
_SYS_RENAMEAT2 = {"x86_64": 316, "aarch64": 276, "riscv64": 276, "ppc64le": 357, "s390x": 347}


def exchange(first: str, second: str) -> bool:
    """Swap what the names `first` and `second` hold, atomically (Linux `renameat2` with
    `RENAME_EXCHANGE`); False where that cannot be done (another system, an old kernel or C
    library, a file system that refuses it), for the caller to do without."""
    call = _renameat2()
    if call is None:
        return False
    import ctypes
    import errno

    if call(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False  # EPERM: what seccomp filters (some containers) answer for unknown calls
    raise OSError(code, os.strerror(code), first, None, second)


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """libc's `renameat2`, or the bare system call; None off Linux. Looked up once a process."""
    import sys

    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import platform

    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - a static interpreter
        return None
    function = getattr(libc, "renameat2", None)
    if function is not None:
        function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
        function.argtypes += [ctypes.c_uint]
        function.restype = ctypes.c_int
        return cast("Callable[..., int]", function)
    number = _SYS_RENAMEAT2.get(platform.machine())
    syscall = getattr(libc, "syscall", None)
    if number is None or syscall is None:  # pragma: no cover - an unusual machine
        return None
    syscall.restype = ctypes.c_long
    return functools.partial(_by_number, syscall, number)


def _by_number(syscall: Callable[..., int], number: int, *args: int | bytes) -> int:
    import ctypes

    olddir, old, newdir, new, flags = args
    return int(
        syscall(
            ctypes.c_long(number),
            ctypes.c_int(int(olddir)),
            ctypes.c_char_p(bytes(old)),
            ctypes.c_int(int(newdir)),
            ctypes.c_char_p(bytes(new)),
            ctypes.c_uint(int(flags)),
        )
    )
