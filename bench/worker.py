"""`python -m bench.worker`: a process that builds workloads and times them on request.

``bench.isolated.Worker`` starts it and talks to it in JSON lines over stdin/stdout:

* ``{"op": "build", "name": n, "factory": "module:function", "kwargs": {...}}`` calls the
  factory, which returns a callable or ``(callable, info)``; answers ``{"info": info}``;
* ``{"op": "time", "name": n, "block": k, "settle": s, "warm_up": w, "cpu": c}`` sleeps
  ``s`` seconds (so that worker threads of any library go idle), makes one untimed call
  when ``w``, then ``k`` timed calls, in wall time or, when ``c``, in the process's CPU
  time; answers ``{"seconds": [...], "start": t0, "end": t1}``
  (``time.perf_counter`` readings around the block: CLOCK_MONOTONIC, comparable across
  processes on Linux);
* ``{"op": "quit"}`` ends the process.

A failure answers ``{"error": traceback}``; what workloads print goes to stderr. Between
requests the process blocks on its stdin, so it uses no CPU while another worker is timed.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from bench.timing import call_seconds


def build(spec: str, kwargs: dict[str, Any]) -> tuple[Callable[[], object], dict[str, Any]]:
    """Call the factory ``module:function`` with ``kwargs``."""
    module, _, function = spec.partition(":")
    made = getattr(importlib.import_module(module), function)(**kwargs)
    return made if isinstance(made, tuple) else (made, {})


def time_block(fn: Callable[[], object], block: int, settle: float, warm_up: bool,
               cpu: bool = False) -> dict[str, Any]:
    time.sleep(settle)
    start = time.perf_counter()
    seconds = call_seconds(fn, block, warm_up, time.process_time if cpu else time.perf_counter)
    return {"seconds": seconds, "start": start, "end": time.perf_counter()}


def main() -> int:
    answers, sys.stdout = sys.stdout, sys.stderr  # what workloads print stays off the protocol
    workloads: dict[str, Callable[[], object]] = {}
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request["op"] == "quit":
                return 0
            if request["op"] == "build":
                fn, info = build(request["factory"], request.get("kwargs", {}))
                workloads[request["name"]] = fn
                answer: dict[str, Any] = {"info": info}
            else:
                answer = time_block(workloads[request["name"]], request["block"],
                                    request["settle"], request["warm_up"],
                                    request.get("cpu", False))
        except Exception:  # noqa: BLE001 - the coordinator raises it with this traceback
            answer = {"error": traceback.format_exc()}
        print(json.dumps(answer), file=answers, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
