"""hw2 reference: one training step of FullyConnectedNet against the matrix products it
needs and against PyTorch CPU, in float64 and float32.

The workloads (shapes, the products, the PyTorch model) are in bench/fcnet_workloads.py.
Our step and its products run in one worker process with numpy's default BLAS threads;
PyTorch runs in a worker of its own with its default threads; the workers take turns by
blocks of ``BLOCK`` calls after a pause (bench/isolated.py), and each time is the median
of all ``repeats`` x ``BLOCK`` calls, in wall time. The note gives the range of the ratio
over the rounds as well. Targets (issue 26): ours <= 1.25x the necessary products and
<= 1.0x PyTorch's time, in both precisions. A third row per precision times the same step
with reg=0, to show what the L2 term costs (numpy's single-threaded passes over W1).

``python -m bench.bench_fcnet [repeats] --single-thread`` runs every library on one
thread and times each worker's CPU time instead: on a machine that others keep busy, wall
times with two threads a library measure mostly the waiting.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from contextlib import ExitStack

from bench import fcnet_workloads as work
from bench.isolated import Timing, Worker, ratio_range, take_turns

TARGET_PRODUCTS, TARGET_TORCH = 1.25, 1.0
BLOCK = 10  # timed calls per workload and round
DTYPES = ("float64", "float32")
# The PyTorch worker uses numpy only to build the parameters: no BLAS pool of its own.
TORCH_ENV = {"OPENBLAS_NUM_THREADS": "1"}
# --single-thread: every library on one thread (numpy's BLAS, PyTorch's OpenMP pool)
ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
FACTORY = "bench.fcnet_workloads:{}"
# How closely PyTorch's numbers must match ours: proof that both time the same work.
RTOL = {"float64": 1e-9, "float32": 1e-4}


def torch_available() -> bool:
    """True when torch can be imported (checked without importing it here)."""
    return importlib.util.find_spec("torch") is not None


def start_workers(stack: ExitStack, with_torch: bool,
                  single_thread: bool = False) -> tuple[Worker, Worker | None]:
    """The numpy worker and, when ``with_torch``, the PyTorch worker (closed by ``stack``);
    with ``single_thread`` both run every library on one thread."""
    ours = stack.enter_context(Worker(ONE_THREAD if single_thread else None))
    theirs = Worker(ONE_THREAD if single_thread else TORCH_ENV) if with_torch else None
    return ours, (stack.enter_context(theirs) if theirs is not None else None)


def check_same(what: str, ours: list[float], theirs: list[float], dtype: str) -> None:
    """Raise unless PyTorch's numbers are ours (to ``RTOL[dtype]``)."""
    if len(ours) != len(theirs) or any(abs(a - b) > RTOL[dtype] * abs(a)
                                       for a, b in zip(ours, theirs, strict=False)):
        raise RuntimeError(f"PyTorch's {what} ({dtype}) differ from ours, so the two do not "
                           f"time the same work: {theirs[:4]}... against {ours[:4]}...")


def step_numbers(info: dict) -> list[float]:
    """The loss and the gradients' norms a step workload reports."""
    return [info["loss"], *info["grad_norms"].values()]


def compare(label: str, baseline: str, ours: Timing, base: Timing, target: float | None,
            note: str) -> dict:
    """One row: ratio = baseline_s / ours_s; the note says ours / baseline (and the target)
    and the machine's load (1-minute load average when the row is made: 2 cores)."""
    low, high = ratio_range(ours, base)
    measured = (f"ours {ours.median / base.median:.2f}x baseline (rounds {low:.2f}-"
                f"{high:.2f}x)")
    if target is not None:
        measured = f"target ours <= {target}x baseline: {measured}"
    return {"benchmark": label, "baseline": baseline, "baseline_s": base.median,
            "ours_s": ours.median, "ratio": base.median / ours.median,
            "note": f"{measured}; {note}; load average {os.getloadavg()[0]:.1f}"}


def missing_torch_row(label: str, ours_s: float) -> dict:
    return {"benchmark": label, "baseline": "PyTorch CPU", "baseline_s": float("nan"),
            "ours_s": ours_s, "ratio": float("nan"), "note": "torch not installed"}


def run(repeats: int = 5, single_thread: bool = False) -> list[dict]:
    """Time one training step in float64 and float32 against both baselines: in wall time
    with each library's default threads or, with ``single_thread``, in each worker's CPU
    time with one thread everywhere (what a busy machine can still measure: CPU time
    leaves out the time other processes hold the cores)."""
    with_torch = torch_available()
    with ExitStack() as stack:
        ours, torch_worker = start_workers(stack, with_torch, single_thread)
        jobs, infos = [], {}
        for dtype in DTYPES:
            for kind, factory, kwargs in (("step", "numpy_step", {}),
                                          ("products", "numpy_products", {}),
                                          ("no-L2", "numpy_step", {"reg": 0.0})):
                infos[kind, dtype] = ours.build(f"{kind}-{dtype}", FACTORY.format(factory),
                                                dtype=dtype, **kwargs)
                jobs.append((ours, f"{kind}-{dtype}"))
            if torch_worker is not None:
                infos["torch", dtype] = torch_worker.build(f"step-{dtype}",
                                                           FACTORY.format("torch_step"),
                                                           dtype=dtype)
                jobs.append((torch_worker, f"step-{dtype}"))
        timings = iter(take_turns(jobs, repeats, BLOCK, cpu=single_thread))
    rows = []
    for dtype in DTYPES:
        step, products, no_l2 = next(timings), next(timings), next(timings)
        numpy_info = infos["step", dtype]
        label = (f"hw2 FullyConnectedNet training step (N={work.N}, D={work.D}, hidden "
                 f"{work.HIDDEN}, C={work.C}, reg={work.REG:g}, {dtype})")
        clock = "CPU time" if single_thread else "wall time"
        threads = f"{clock}; numpy {numpy_info['threads']} BLAS threads"
        baseline = f"its {infos['products', dtype]['products']} necessary matrix products"
        rows.append(compare(label, baseline, step, products, TARGET_PRODUCTS, threads))
        rows.append(compare(label.replace(f"reg={work.REG:g}", "reg=0: no L2 term"), baseline,
                            no_l2, products, None, threads))
        if torch_worker is None:
            rows.append(missing_torch_row(label, step.median))
            continue
        torch_info = infos["torch", dtype]
        check_same("loss and gradient norms", step_numbers(numpy_info), step_numbers(torch_info),
                   dtype)
        rows.append(compare(label, torch_info["library"], step, next(timings), TARGET_TORCH,
                            f"{threads}, PyTorch {torch_info['threads']} threads in a "
                            f"process of its own"))
    return rows


if __name__ == "__main__":
    from bench.__main__ import table

    numbers = [arg for arg in sys.argv[1:] if arg != "--single-thread"]
    print(table(run(int(numbers[0]) if numbers else 5, "--single-thread" in sys.argv)))
