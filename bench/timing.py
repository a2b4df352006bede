"""The one timing helper of the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def call_seconds(fn: Callable[[], object], repeats: int, warm_up: bool = True) -> list[float]:
    """Wall time of each of ``repeats`` calls of ``fn``, after one untimed call unless
    ``warm_up`` is False."""
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    if warm_up:
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def median_seconds(fn: Callable[[], object], repeats: int, warm_up: bool = True) -> float:
    """Median wall time of ``repeats`` calls of ``fn`` (see ``call_seconds``)."""
    return statistics.median(call_seconds(fn, repeats, warm_up))
