"""Spread CPU-bound parsing over the machine's cores, when there is enough of it to pay.

Parsing is pure Python and holds the GIL, so threads do not help; forked processes do. Each
child inherits the function and the items (nothing is pickled on the way in), works through
its share and sends its results back in one piece; the parent works through a share of its
own meanwhile. A plain fork rather than a process pool: a pool's queues and manager thread
can be left half-built or half-torn-down by Ctrl-C, and then its workers wait forever for
work and the interpreter, at exit, for them. Here the parent kills and reaps every child it
forked, however it leaves.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from safefix.fdio import read_to_end
from safefix.interrupts import signals_deferred

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Below this many items the work runs here: forking would cost more than it saves.
MIN_PARALLEL = 48


def workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def parallel_map(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    meanwhile: Callable[[], object] | None = None,
) -> list[Result]:
    """`[function(item) for item in items]`, on every core when that pays; order kept.

    `function` can be any callable (a `partial` carrying shared state, say): children inherit
    it, it is never pickled; results are. Exceptions propagate as from the plain loop. A child
    that dies (killed by the kernel for memory, say) or fails has its share done here instead.
    `meanwhile`, when the items are spread, runs here while children take every share: work
    of this process's own that would otherwise wait for the map (it is skipped otherwise).
    """
    count = workers()
    if count < 2 or len(items) < MIN_PARALLEL or not _may_fork():
        return [function(item) for item in items]
    # interleaved shares: neighbouring files (one package's, of like size) go to different cores
    shares = [range(start, len(items), count) for start in range(count)]
    children: list[_Child] = []
    try:
        for share in shares[1:] if meanwhile is None else shares:
            _Child.fork(function, items, share, children)
        results: list[Any] = [None] * len(items)
        if meanwhile is None:
            _place(results, shares[0], [function(items[i]) for i in shares[0]])
        else:
            meanwhile()
        for child in children:
            done = child.results()
            _place(
                results, child.share, done if done is not None else _here(function, items, child)
            )
        return results
    finally:
        for child in children:
            child.reap()


def _may_fork() -> bool:
    """Whether a fork is safe: not while another thread runs (a library caller's, say). The
    child gets only the forking thread, and any lock another held at that moment (an import's,
    an allocator's) stays held in the child forever: seen as children that never finished."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _here(function: Callable[[Any], Any], items: Sequence[Any], child: _Child) -> list[Any]:
    return [function(items[i]) for i in child.share]


def _place(results: list[Any], share: range, found: list[Any]) -> None:
    results[share.start : share.stop : share.step] = found


@dataclass
class _Child:
    pid: int
    #: The read end of the pipe the child sends its pickled results through (-1: closed).
    pipe: int
    share: range

    @classmethod
    def fork(
        cls,
        function: Callable[[Any], Any],
        items: Sequence[Any],
        share: range,
        children: list[_Child],
    ) -> None:
        """Fork a child for `share` and add it to `children`, inside the section that holds
        signals back: one arriving meanwhile interrupts at the section's end, and a child
        returned from there would be lost, never killed nor reaped (writing on, say, into a
        scratch directory being removed)."""
        with signals_deferred():
            read, write = os.pipe()
            try:
                pid = os.fork()
            except OSError:  # no process to be had (a limit reached): nothing to keep open
                os.close(read)
                os.close(write)
                raise
            if pid == 0:  # pragma: no cover - the child; coverage does not follow forks
                os.close(read)
                _serve(function, items, share, write)
            os.close(write)
            children.append(cls(pid, read, share))

    def results(self) -> list[Any] | None:
        """The child's results once it has sent them all; None if it died or failed first."""
        data = read_to_end(self.pipe)  # waits, interruptibly, for the child's work
        with signals_deferred():  # the pipe closed: the child is leaving, the wait is short
            status = self._reaped()
        if status != 0 or not data:
            return None
        found: list[Any] = pickle.loads(data)
        return found

    def reap(self) -> None:
        """Kill the child if it is still at work (the parent is leaving early) and reap it."""
        with signals_deferred():
            if self.pid:
                os.kill(self.pid, signal.SIGKILL)  # not yet reaped: the pid is still its own
            self._reaped()

    def _reaped(self) -> int:
        """Close the pipe and wait for the child; its exit status (0 if already reaped)."""
        if self.pipe >= 0:
            os.close(self.pipe)
            self.pipe = -1
        status = 0
        if self.pid:
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
        return status


def _serve(
    function: Callable[[Any], Any], items: Sequence[Any], share: range, pipe: int
) -> None:  # pragma: no cover - runs in the child
    """The child's whole life: its share, its results down the pipe, and out, never returning
    into the parent's code (whose `finally` blocks are not the child's to run). If the function
    raises, the child sends nothing: the parent does the share again and raises it itself."""
    code = 1
    try:
        # Ctrl-C reaches the whole process group: the child just stops; the parent, also
        # interrupted, reaps it
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        found = [function(items[i]) for i in share]
        with os.fdopen(pipe, "wb") as out:
            out.write(pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL))
        code = 0
    finally:
        os._exit(code)
