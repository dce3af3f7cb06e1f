"""What runs killed by SIGKILL left behind, and how a later run knows it may remove it.

A SIGKILL gives no process a chance to clean up: its scratch directory stays in `/dev/shm`
(or the temp directory), and a temporary file of a write it was making stays beside the file.
So every one of them is named with its process's tag: the pid, the process's start time and
its pid namespace (Linux: from /proc). A later run removes an entry only when the process that
made it is gone: no process with that pid, or one that started at another time (the pid was
reused). An entry from another pid namespace (a container sharing the directory) is not this
run's to judge; nor, where there is no /proc, one whose pid is alive.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from contextlib import suppress
from functools import cache

#: The end of a temporary file written beside a file being replaced.
TEMP_SUFFIX = ".safefix"
_TAG = r"(\d+)\.(\d+)\.(\d+)"
_DIRECTORY = re.compile(rf"(?:[a-z]+-)?{_TAG}-")
_TEMP_FILE = re.compile(rf"\..+\.{_TAG}\.[A-Za-z0-9_]+{re.escape(TEMP_SUFFIX)}")


def _started(pid: int) -> int | None:
    """When process `pid` started (clock ticks since boot), or None (gone, or no /proc)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return None
    return int(stat[stat.rindex(b")") + 2 :].split()[19])


def _namespace() -> int:
    try:
        return os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return 0


@cache
def tag() -> str:
    """This process's tag: `PID.START.NAMESPACE` (0 where unknown)."""
    return f"{os.getpid()}.{_started(os.getpid()) or 0}.{_namespace()}"


def temp_prefix(name: str) -> str:
    """The start of the name of a temporary file written beside the file `name`."""
    return f".{name}.{tag()}."


def _gone(pid: int, started: int, namespace: int) -> bool:
    """Whether the process that made an entry with this tag no longer runs."""
    if pid == os.getpid() or namespace != _namespace():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # another user's process: alive (and the entry is not ours to remove anyway)
    now = _started(pid)
    return now is not None and started != 0 and now != started


def stale_entries(directory: str, prefix: str) -> list[str]:
    """The directories in `directory` named `prefix` + a tag whose process is gone."""
    found = []
    with suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            if not entry.name.startswith(prefix):
                continue
            match = _DIRECTORY.match(entry.name, len(prefix))
            if _stale(entry, match) and entry.is_dir(follow_symlinks=False):
                found.append(entry.path)
    return found


def remove_stale_temp_files(directories: Iterable[str]) -> None:
    """Remove the temporary files killed runs left in `directories` (a write they were making:
    the file it was for still holds its old content)."""
    for directory in directories:
        with suppress(OSError), os.scandir(directory) as entries:
            for entry in entries:
                if not entry.name.endswith(TEMP_SUFFIX):
                    continue
                match = _TEMP_FILE.fullmatch(entry.name)
                if _stale(entry, match) and entry.is_file(follow_symlinks=False):
                    with suppress(OSError):
                        os.unlink(entry.path)


def _stale(entry: os.DirEntry[str], match: re.Match[str] | None) -> bool:
    """Whether `entry`, named with the tag `match` found, is this user's and its maker gone."""
    if match is None:
        return False
    try:
        ours = entry.stat(follow_symlinks=False).st_uid == os.geteuid()
    except (OSError, AttributeError):  # no geteuid (Windows): no other users' entries here
        ours = True
    return ours and _gone(*map(int, match.groups()))
