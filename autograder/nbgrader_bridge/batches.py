"""Students handed out to the workers of ``course autograde`` in shrinking batches.

Each worker runs nbgrader once per batch (a start-up of ~1.8 s for ``python -m nbgrader``,
a fraction of a second forked by ``autograder.nbgrader_bridge.fork``), so a batch should hold
more than one student; yet a worker that takes a fixed half of the class may finish
minutes after the other when its students' notebooks happen to take longer (a loop that
runs into the cell timeout costs a minute). Guided self-scheduling does both: a worker
that asks for work gets a share of what is left, ``ceil(left / (2 * workers))`` students
but at least ``smallest``, so the batches are big at first and small at the end, and the
workers finish within about one small batch of each other.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable

SMALLEST = 3  # students; a batch of 3 hw1 students takes ~15 s


class Batches:
    """A thread-safe queue of students that ``take`` hands out in batches."""

    def __init__(self, students: Iterable[str], workers: int, smallest: int = SMALLEST) -> None:
        if workers < 1 or smallest < 1:
            raise ValueError(f"need workers >= 1 and smallest >= 1, got {workers}, {smallest}")
        self._left = list(students)
        self._workers = workers
        self._smallest = smallest
        self._lock = threading.Lock()
        self._stopped = False

    def take(self, limit: int | None = None) -> list[str]:
        """The next batch (at most ``limit`` students), in the order the students were
        given; [] once none are left or after ``stop``."""
        with self._lock:
            if self._stopped:
                return []
            size = max(self._smallest, math.ceil(len(self._left) / (2 * self._workers)))
            if limit is not None:
                size = min(size, max(1, limit))
            batch, self._left = self._left[:size], self._left[size:]
            return batch

    def stop(self) -> None:
        """Hand out nothing more (an interrupted run)."""
        with self._lock:
            self._stopped = True

    @property
    def stopped(self) -> bool:
        return self._stopped
