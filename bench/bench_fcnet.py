"""hw2 reference: one training step of FullyConnectedNet against its bare matrix products
and against PyTorch CPU.

The network has the issue's shape: N=200 examples, D=3072 (a flattened CIFAR-10 image),
hidden layers [100, 100, 100, 100], C=10 classes, ReLU, reg=1e-3. A step is
``net.loss(X, y)``: forward, softmax loss, backward, L2 regularization.

Baselines, in the same dtype (float64 and float32):

* **bare matmuls**: only the matrix products a step needs, on preallocated arrays of the
  same shapes: ``h @ W`` per layer (forward) and ``dout @ W.T`` and ``h.T @ dout`` per layer
  (backward). This is the floor any numpy implementation pays.
* **PyTorch CPU** (when installed): the same network written with tensors and autograd,
  ``loss.backward()`` included; it uses as many threads as numpy's BLAS is told to
  (``OPENBLAS_NUM_THREADS``, default: torch's own default).

Each time is the median of ``repeats`` x ``BLOCK`` timed calls: the three take turns by
blocks of calls, after a pause (see ``median_seconds``), so that the machine's load affects
them alike and no library's idle threads compete with another's step. With
``OPENBLAS_NUM_THREADS=1`` the clock is the process's CPU time (robust on a busy shared
machine), otherwise wall time. A ratio
(baseline_s / ours_s) of 1 means as fast as the baseline; the targets are ratio >= 1/1.3
against the bare matmuls and >= 1/1.5 against PyTorch.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from autograder.core.suite import load_reference

SOURCE = Path(__file__).resolve().parents[1] / "source" / "hw2_fcnet"
N, D, HIDDEN, C = 200, 3072, [100, 100, 100, 100], 10
REG = 1e-3
TARGET_MATMUL, TARGET_TORCH = 1.3, 1.5
BLOCK = 10  # timed calls per function and round
SETTLE_S = 0.3  # idle time before each block: spinning worker threads go to sleep


def single_threaded() -> bool:
    """True when numpy's BLAS (and torch, see ``torch_step``) run on one thread."""
    return os.environ.get("OPENBLAS_NUM_THREADS") == "1"


def median_seconds(fns: list[Callable[[], object]], repeats: int,
                   clock: Callable[[], float] = time.perf_counter, block: int = BLOCK,
                   settle: float = SETTLE_S) -> list[float]:
    """Median time of one call of each function, over ``repeats`` rounds of blocks.

    In each round every function in turn runs a block: it waits ``settle`` seconds, makes
    one untimed call, then ``block`` timed calls, each timed alone with ``clock``. Taking
    turns round by round spreads a change in the machine's load over all the functions.
    The pause matters more: after a parallel region the worker threads of a library keep
    spinning on the cores for a while (PyTorch's OpenMP threads, OpenBLAS's threads), and
    on a 2-core machine a function called right after another library's step would share
    the cores with those spinning threads. (Measured on 2026-12-07 with calls alternating
    one by one: the float32 step looked 1.66-2.61x its bare matmuls when PyTorch's step ran
    between its calls, 1.24-1.30x without PyTorch.) Within a block a function runs back to
    back, as in a training loop.
    """
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeats):
        for fn, spent in zip(fns, times, strict=True):
            time.sleep(settle)
            fn()
            for _ in range(block):
                start = clock()
                fn()
                spent.append(clock() - start)
    return [statistics.median(spent) for spent in times]


def problem(dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """Seeded X (N, D) of ``dtype`` and labels y (N,)."""
    rng = np.random.default_rng(0)
    return rng.standard_normal((N, D)).astype(dtype), rng.integers(0, C, size=N)


class BareMatmuls:
    """Exactly the matrix products of one step, into preallocated outputs (callable).

    ``hs[i]`` is the input of layer i + 1 (``hs[0]`` is X); ``dxs[i]`` and ``dWs[i]`` are
    layer i + 1's input and weight gradients for an upstream gradient of ones.
    """

    def __init__(self, params: dict[str, np.ndarray], X: np.ndarray) -> None:
        dims = [D, *HIDDEN, C]
        self.Ws = [params[f"W{i}"] for i in range(1, len(dims))]
        self.hs = [X] + [np.empty((N, d), dtype=X.dtype) for d in dims[1:]]
        self.douts = [np.ones((N, d), dtype=X.dtype) for d in dims[1:]]
        self.dxs = [np.empty((N, d), dtype=X.dtype) for d in dims[:-1]]
        self.dWs = [np.empty_like(W) for W in self.Ws]

    def __call__(self) -> None:
        L = len(self.Ws)
        for i in range(L):
            np.matmul(self.hs[i], self.Ws[i], out=self.hs[i + 1])
        for i in reversed(range(L)):
            np.matmul(self.douts[i], self.Ws[i].T, out=self.dxs[i])
            np.matmul(self.hs[i].T, self.douts[i], out=self.dWs[i])


def torch_step(params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray) -> Callable[[], Any]:
    """The same network and loss in PyTorch (autograd), as one callable step."""
    import torch

    threads = os.environ.get("OPENBLAS_NUM_THREADS")
    if threads and threads.isdigit():
        torch.set_num_threads(int(threads))
    L = len(HIDDEN) + 1
    weights = [torch.tensor(params[f"W{i}"], requires_grad=True) for i in range(1, L + 1)]
    biases = [torch.tensor(params[f"b{i}"], requires_grad=True) for i in range(1, L + 1)]
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def step() -> float:
        for p in (*weights, *biases):
            p.grad = None
        h = Xt
        for W, b in zip(weights[:-1], biases[:-1], strict=True):
            h = torch.relu(h @ W + b)
        scores = h @ weights[-1] + biases[-1]
        loss = torch.nn.functional.cross_entropy(scores, yt)
        loss = loss + REG * sum((W * W).sum() for W in weights)
        loss.backward()
        return float(loss.detach())

    return step


def torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def run(repeats: int = 5) -> list[dict]:
    """Time one training step in float64 and float32 against both baselines."""
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    fc_net = load_reference(SOURCE, ["layers", "activations", "fc_net"]).fc_net
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    # One thread: CPU time of this process, which does not count the time spent waiting for
    # a core on a busy machine (page faults and other kernel work on our behalf still
    # count). Several threads: wall time, the only clock that shows their parallelism.
    clock, clock_name = ((time.process_time, "CPU time") if single_threaded()
                         else (time.perf_counter, "wall time"))
    rows = []
    for dtype in (np.float64, np.float32):
        name = np.dtype(dtype).name
        net = fc_net.FullyConnectedNet(HIDDEN, input_dim=D, num_classes=C, reg=REG,
                                       weight_scale=5e-2, dtype=dtype, seed=0)
        X, y = problem(dtype)
        steps = [lambda net=net, X=X, y=y: net.loss(X, y), BareMatmuls(net.params, X)]
        if torch_available():
            steps.append(torch_step(net.params, X, y))
        ours, matmuls, *torch_time = median_seconds(steps, repeats, clock)
        label = (f"hw2 FullyConnectedNet training step (N={N}, D={D}, hidden {HIDDEN}, "
                 f"C={C}, {name}, OPENBLAS_NUM_THREADS={threads})")
        rows.append({"benchmark": label, "baseline": "bare matmuls (15 products)",
                     "baseline_s": matmuls, "ours_s": ours, "ratio": matmuls / ours,
                     "note": f"ours = net.loss(X, y); target ours <= {TARGET_MATMUL}x "
                             f"baseline (measured {ours / matmuls:.2f}x, {clock_name})"})
        if torch_available():
            import torch

            base = torch_time[0]
            rows.append({"benchmark": label, "baseline": f"PyTorch {torch.__version__} CPU",
                         "baseline_s": base, "ours_s": ours, "ratio": base / ours,
                         "note": f"target ours <= {TARGET_TORCH}x baseline (measured "
                                 f"{ours / base:.2f}x, {clock_name}, torch threads "
                                 f"{torch.get_num_threads()})"})
        else:
            rows.append({"benchmark": label, "baseline": "PyTorch CPU",
                         "baseline_s": float("nan"), "ours_s": ours, "ratio": float("nan"),
                         "note": "torch not installed"})
    return rows


def markdown(rows: list[dict]) -> str:
    """A small markdown table of the rows."""
    lines = ["| benchmark | baseline | baseline time | ours | ratio | note |",
             "|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['benchmark']} | {row['baseline']} | "
                     f"{row['baseline_s'] * 1e3:.2f} ms | {row['ours_s'] * 1e3:.2f} ms | "
                     f"{row['ratio']:.2f}x | {row['note']} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(run(int(sys.argv[1]) if len(sys.argv) > 1 else 5)))
