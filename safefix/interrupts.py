"""Ctrl-C and SIGTERM: raised as `Interrupted`, or held back while a critical section runs.

An interrupted run must leave every file either as it was or completely written, and no
scratch directory behind; so the few steps that create or remove one, or replace a file, run
with interruptions deferred to their end, and no process safefix started outlives the
directory it works in.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM. Not a KeyboardInterrupt, which library code may swallow: this one
    unwinds every `finally` (the scratch directory goes) up to `cli.main`."""


class _Held:
    """Interruptions held back by `signals_deferred` in the main thread (where Python runs
    signal handlers), and whether one arrived meanwhile."""

    depth = 0
    arrived = False


def interrupt(signum: int, frame: object) -> None:
    """The handler for SIGINT and SIGTERM: raise `Interrupted`, now or, inside
    `signals_deferred`, when the section ends."""
    if _Held.depth:
        _Held.arrived = True
        return
    raise Interrupted


@contextmanager
def signals_deferred(*, mask: bool = True) -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back for a short critical section (creating or removing the
    scratch directory, replacing a file): they arrive, and interrupt, right after it.

    Two locks: the signal mask keeps a signal from the calling thread (it holds a plain
    KeyboardInterrupt too, for library callers), and `_Held` keeps `interrupt` from raising
    when the kernel gave the signal to another thread, whose mask is not ours (a thread
    removing a scratch directory, say). `mask=False` leaves the mask alone: a process started
    inside would inherit it, and ignore Ctrl-C all its life."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers run in the main thread only: nothing here can be interrupted
        return
    _Held.depth += 1
    masked = mask and hasattr(signal, "pthread_sigmask")
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS) if masked else set()
    try:
        yield
    finally:
        if masked:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        _Held.depth -= 1
        if not _Held.depth and _Held.arrived:
            _Held.arrived = False
            raise Interrupted


#: Processes `spawn` started that may still run, with the thread that started each:
#: `stop_children` ends a thread's own (a library caller may run safefix in several threads).
_CHILDREN: list[tuple[int, subprocess.Popen[Any]]] = []
_CHILDREN_LOCK = threading.Lock()


def spawn(args: Sequence[str], **popen: Any) -> subprocess.Popen[Any]:
    """`subprocess.Popen`, recorded for `stop_children` before an interruption can strike.

    Interrupted inside `Popen` (it waits for the child's `exec`), or before its caller's `try`,
    a plain child would be left running, unknown to anyone: a ruff still writing fixes into a
    scratch directory while it is removed, which then stays behind."""
    with signals_deferred(mask=False):
        child = subprocess.Popen(args, **popen)
        with _CHILDREN_LOCK:
            _CHILDREN[:] = [(owner, old) for owner, old in _CHILDREN if old.returncode is None]
            _CHILDREN.append((threading.get_ident(), child))
    return child


def stop_children() -> None:
    """Kill every process this thread had `spawn` start that has not finished, and wait for
    each to end."""
    me = threading.get_ident()
    with signals_deferred():
        with _CHILDREN_LOCK:
            mine = [child for owner, child in _CHILDREN if owner == me]
            _CHILDREN[:] = [(owner, child) for owner, child in _CHILDREN if owner != me]
        for child in mine:
            end(child)


def end(child: subprocess.Popen[Any]) -> None:
    """Kill `child` if it still runs (with its whole process group, when it leads one of its
    own: what a `--verify-cmd` started must not outlive it), close its pipes (what it did not
    say is not wanted) and reap it."""
    if child.poll() is None:
        try:  # not yet reaped: its pid, and so a group it leads, cannot be another's
            leads = os.getpgid(child.pid) == child.pid
        except OSError:
            leads = False
        if leads:
            os.killpg(child.pid, signal.SIGKILL)
        else:
            child.kill()
    for stream in (child.stdin, child.stdout, child.stderr):
        if stream is not None:
            with suppress(OSError):  # unsent input: the pipe is broken
                stream.close()
    child.wait()
