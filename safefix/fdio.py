"""Whole files and pipes by plain system calls: the leaf every stage that reads bytes shares.

A module of its own so that `workspace` (the scratch) and `parallel` (the workers' pipes) both
use it without importing each other.
"""

from __future__ import annotations

import os
from pathlib import Path

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
