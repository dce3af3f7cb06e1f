"""Spread CPU-bound parsing over the machine's cores, when there is enough of it to pay.

Parsing is pure Python and holds the GIL, so threads do not help; worker processes do, but
starting them costs, so small batches stay in this process. Workers are forked (where the
platform can), so they start in milliseconds and inherit what the parent already computed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Below this many items the work runs here: forking would cost more than it saves.
MIN_PARALLEL = 48


def workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def parallel_map(function: Callable[[Item], Result], items: Sequence[Item]) -> list[Result]:
    """`[function(item) for item in items]`, on every core when that pays; order kept.

    `function` can be any callable (a `partial` carrying shared state, say): workers inherit
    it, it is never pickled; results are. Exceptions propagate as from the plain loop.
    """
    count = workers()
    if count < 2 or len(items) < MIN_PARALLEL:
        return [function(item) for item in items]
    import multiprocessing  # imported here: small batches, the common case, never need it
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return [function(item) for item in items]
    global _INHERITED
    context = multiprocessing.get_context("fork")
    chunk = max(1, len(items) // (count * 8))
    _INHERITED = (function, items)
    try:
        with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
            # the workers are forked after this point: they get indexes, not pickled items
            return list(pool.map(_call, range(len(items)), chunksize=chunk))
    finally:
        _INHERITED = None


#: The function and items of the running `parallel_map`, which forked workers inherit.
_INHERITED: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def _call(index: int) -> Any:
    assert _INHERITED is not None
    function, items = _INHERITED
    return function(items[index])
