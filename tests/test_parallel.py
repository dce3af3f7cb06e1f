"""`parallel_map` on forked children, run in a fresh interpreter: forking the test process
(with its own threads) is not what safefix does."""

from __future__ import annotations

import subprocess
import sys

import pytest

PRELUDE = """
import os, sys
from safefix.parallel import MIN_PARALLEL, parallel_map, workers
parent = os.getpid()
items = list(range(10 * MIN_PARALLEL))
"""


def run(body: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", PRELUDE + body],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_results_come_back_in_order_from_every_core_and_no_child_is_left() -> None:
    out = run(
        "print(parallel_map(lambda i: i * i, items) == [i * i for i in items])\n"
        "print(len(set(parallel_map(lambda i: os.getpid(), items))) == workers())\n"
        "try:\n    os.waitpid(-1, os.WNOHANG)\nexcept ChildProcessError:\n    print('all reaped')\n"
    )
    assert out.splitlines() == ["True", "True", "all reaped"]


def test_meanwhile_runs_here_while_children_take_every_share() -> None:
    """The parent's own work, done while the children map (and skipped when nothing forks)."""
    out = run(
        "done = []\n"
        "found = parallel_map(lambda i: (i * i, os.getpid()), items, meanwhile=lambda: done.append(1))\n"
        "print([square for square, _ in found] == [i * i for i in items])\n"
        "print(parent not in {pid for _, pid in found}, done == [1])\n"
        "parallel_map(lambda i: i, items[:1], meanwhile=lambda: done.append(2))\n"
        "print(done == [1])\n"
    )
    assert out.splitlines() == ["True", "True True", "True"]


@pytest.mark.parametrize(
    "fate",
    [
        "os._exit(9)",  # killed, say by the kernel for memory
        "raise ValueError(i)",  # raised
        "return object.__new__(type('Local', (), {}))",  # a result that cannot be pickled
    ],
)
def test_a_child_that_fails_has_its_share_done_by_the_parent(fate: str) -> None:
    out = run(
        "def work(i):\n"
        f"    if os.getpid() != parent:\n        {fate}\n"
        "    return i + 1\n"
        "print(parallel_map(work, items) == [i + 1 for i in items])\n"
    )
    assert out == "True"


def test_an_exception_in_the_parents_share_propagates() -> None:
    out = run(
        "def work(i):\n"
        "    if i == 0:\n        raise ValueError('first')\n"
        "    return i\n"
        "try:\n    parallel_map(work, items)\nexcept ValueError as exc:\n    print(exc)\n"
    )
    assert out == "first"


def test_an_exception_in_a_childs_share_propagates_from_the_parent() -> None:
    out = run(
        "def work(i):\n"
        "    if i == len(items) - 1:\n        raise ValueError('last')\n"
        "    return i\n"
        "try:\n    parallel_map(work, items)\nexcept ValueError as exc:\n    print(exc)\n"
    )
    assert out == "last"


def test_a_signal_while_a_child_is_forked_leaves_no_child_behind() -> None:
    """Ctrl-C arriving inside the section that forks a child: it interrupts when the section
    ends, and the child, already forked, is still killed and reaped."""
    out = run(
        "import signal, time\n"
        "from safefix import parallel\n"
        "from safefix.interrupts import Interrupted, interrupt\n"
        "signal.signal(signal.SIGINT, interrupt)\n"
        "real_fork = os.fork\n"
        "def fork():\n"
        "    pid = real_fork()\n"
        "    if pid:\n"
        "        os.kill(parent, signal.SIGINT)  # held back: the section has not ended\n"
        "    return pid\n"
        "parallel.os.fork = fork\n"
        "try:\n"
        "    parallel_map(lambda i: time.sleep(0.01), items)\n"
        "    print('one core: nothing forked' if workers() < 2 else 'not interrupted')\n"
        "except Interrupted:\n"
        "    try:\n        os.waitpid(-1, os.WNOHANG)\n"
        "    except ChildProcessError:\n        print('all reaped')\n"
    )
    assert out in ("all reaped", "one core: nothing forked")
