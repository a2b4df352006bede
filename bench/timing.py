"""The one timing helper of the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def call_seconds(fn: Callable[[], object], repeats: int, warm_up: bool = True,
                 clock: Callable[[], float] = time.perf_counter) -> list[float]:
    """Time of each of ``repeats`` calls of ``fn`` on ``clock`` (wall time by default;
    ``time.process_time`` for the process's CPU time), after one untimed call unless
    ``warm_up`` is False."""
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    if warm_up:
        fn()
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append(clock() - start)
    return times


def median_seconds(fn: Callable[[], object], repeats: int, warm_up: bool = True) -> float:
    """Median wall time of ``repeats`` calls of ``fn`` (see ``call_seconds``)."""
    return statistics.median(call_seconds(fn, repeats, warm_up))
