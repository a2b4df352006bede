"""Timing functions that live in separate processes, taking turns one process at a time.

Libraries with thread pools of their own get in each other's way when they share a
process: numpy's OpenBLAS threads and PyTorch's OpenMP threads keep spinning on the cores
for a while after each parallel region, and on a 2-core machine the other library's step
then shares the cores with them. So each library runs in a worker process of its own
(``python -m bench.worker``) with its default threads, and the workers take turns: in
each round every function runs one block of calls in its worker, after a pause, while
the other workers wait on their stdin. A change in the machine's load during the run
then affects every function alike, and the medians over the rounds compare them fairly.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SETTLE_S = 0.3  # pause before each block: spinning worker threads of any library go idle


class Worker:
    """One ``bench.worker`` process; ``env`` is added to this process's environment."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.worker"], cwd=ROOT, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        """Send one request and return the answer; a failure in the worker raises here."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the benchmark worker exited with code {self.process.wait()}")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"in the benchmark worker:\n{answer['error']}")
        return answer

    def build(self, name: str, factory: str, **kwargs: Any) -> dict[str, Any]:
        """Build workload ``name`` with ``factory`` ("module:function"); returns its info."""
        return self.ask({"op": "build", "name": name, "factory": factory,
                         "kwargs": kwargs})["info"]

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.ask({"op": "quit"})
            except (RuntimeError, OSError):
                pass
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class Timing:
    """The timed calls of one workload: every call's seconds, and each block's
    (start, end) on the shared monotonic clock."""

    seconds: list[float] = field(default_factory=list)
    blocks: list[tuple[float, float]] = field(default_factory=list)
    block_medians: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def take_turns(jobs: Sequence[tuple[Worker, str]], repeats: int, block: int,
               settle: float = SETTLE_S, warm_up: bool = True, cpu: bool = False
               ) -> list[Timing]:
    """Time each (worker, workload) for ``repeats`` rounds; in each round every one in turn
    waits ``settle`` seconds, makes one untimed call (when ``warm_up``), then ``block``
    timed calls, each timed alone (wall time, or the worker's CPU time when ``cpu``).
    Within a block a workload runs back to back, as in a training loop."""
    if repeats < 1 or block < 1:
        raise ValueError(f"repeats and block must be >= 1, got {repeats} and {block}")
    timings = [Timing() for _ in jobs]
    for _ in range(repeats):
        for (worker, name), timing in zip(jobs, timings, strict=True):
            answer = worker.ask({"op": "time", "name": name, "block": block,
                                 "settle": settle, "warm_up": warm_up, "cpu": cpu})
            timing.seconds += answer["seconds"]
            timing.blocks.append((answer["start"], answer["end"]))
            timing.block_medians.append(statistics.median(answer["seconds"]))
    return timings


def ratio_range(ours: Timing, baseline: Timing) -> tuple[float, float]:
    """The lowest and highest ours/baseline ratio of the rounds' block medians."""
    ratios = [a / b for a, b in zip(ours.block_medians, baseline.block_medians, strict=True)]
    return min(ratios), max(ratios)
