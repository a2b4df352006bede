"""hw2 reference: a whole ``Solver`` epoch on CIFAR-10-sized random data against the same
model and optimizer in PyTorch CPU, in float64 and float32.

The epoch (bench/fcnet_workloads.py: ``numpy_epoch`` and ``torch_epoch``) is the
benchmark network trained with plain SGD for one pass over 49,000 random images of shape
(32, 32, 3), minibatches of 200, with the Solver's accuracy checks before and after. Each
library runs in a worker process of its own with its default threads; the two take turns
epoch by epoch after a pause (bench/isolated.py), after one untimed epoch each (whose
minibatch losses must be equal on both sides: the same work), and each
time is the median over ``repeats`` epochs, in wall time (``--single-thread``: one thread
everywhere and CPU time, see bench_fcnet). One precision at a time, so that each worker
holds one copy of the data (1.2 GB in float64).
"""

from __future__ import annotations

import sys
from contextlib import ExitStack

from bench import fcnet_workloads as work
from bench.bench_fcnet import (
    DTYPES,
    FACTORY,
    check_same,
    compare,
    missing_torch_row,
    start_workers,
    torch_available,
)
from bench.isolated import take_turns


def run(repeats: int = 5, train_size: int = work.TRAIN_SIZE,
        single_thread: bool = False) -> list[dict]:
    """Time one Solver epoch per precision against PyTorch's (with ``single_thread``: one
    thread everywhere and each worker's CPU time, as bench_fcnet's --single-thread)."""
    with_torch = torch_available()
    rows = []
    for dtype in DTYPES:
        label = (f"hw2 Solver epoch: FullyConnectedNet (hidden {work.HIDDEN}, {dtype}), SGD, "
                 f"batch {work.N}, {train_size:,} + {work.VAL_SIZE:,} random "
                 f"{'x'.join(map(str, work.IMAGE))} images")
        with ExitStack() as stack:
            kinds = ("numpy", "torch") if with_torch else ("numpy",)
            workers = [w for w in start_workers(stack, with_torch, single_thread)
                       if w is not None]
            infos = [worker.build("epoch", FACTORY.format(f"{kind}_epoch"), dtype=dtype,
                                  train_size=train_size)
                     for worker, kind in zip(workers, kinds, strict=True)]
            jobs = [(worker, "epoch") for worker in workers]
            timings = take_turns(jobs, repeats, 1, warm_up=False, cpu=single_thread)
        if not with_torch:
            rows.append(missing_torch_row(label, timings[0].median))
            continue
        check_same("minibatch losses", infos[0]["losses"], infos[1]["losses"], dtype)
        rows.append(compare(label, f"{infos[1]['library']}, same model and optimizer",
                            timings[0], timings[1], None,
                            f"{'CPU' if single_thread else 'wall'} time; numpy "
                            f"{infos[0]['threads']} BLAS threads, PyTorch "
                            f"{infos[1]['threads']} threads in a process of its own"))
    return rows


if __name__ == "__main__":
    from bench.__main__ import table

    numbers = [arg for arg in sys.argv[1:] if arg != "--single-thread"]
    print(table(run(int(numbers[0]) if numbers else 5,
                    single_thread="--single-thread" in sys.argv)))
