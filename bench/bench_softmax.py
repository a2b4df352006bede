"""hw1 reference: softmax_loss_vectorized against softmax_loss_naive (the baseline).

Both are timed on the notebook's problem size, N=500 examples, D=3073 (a flattened
CIFAR-10 image plus the bias), C=10 classes, float64, reg=1e-3; each time is the median
of ``repeats`` calls measured with ``time.perf_counter``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np

from bench.timing import median_seconds

SOFTMAX_PATH = Path(__file__).resolve().parents[1] / "source" / "hw1_softmax" / "softmax.py"
N, D, C = 500, 3073, 10
REG = 1e-3


def load_reference() -> ModuleType:
    """Import the reference source/hw1_softmax/softmax.py by path."""
    spec = importlib.util.spec_from_file_location("hw1_reference_softmax_bench", SOFTMAX_PATH)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {SOFTMAX_PATH}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(repeats: int = 5) -> list[dict]:
    """Time naive vs vectorized softmax loss; one row with both times and their ratio."""
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    softmax = load_reference()
    rng = np.random.default_rng(0)
    W = 1e-4 * rng.standard_normal((D, C))
    X = rng.standard_normal((N, D))
    X[:, -1] = 1.0
    y = rng.integers(0, C, size=N)
    naive = median_seconds(lambda: softmax.softmax_loss_naive(W, X, y, REG), repeats)
    vectorized = median_seconds(lambda: softmax.softmax_loss_vectorized(W, X, y, REG), repeats)
    return [{
        "benchmark": f"hw1 softmax loss + gradient (N={N}, D={D}, C={C}, float64)",
        "baseline": "softmax_loss_naive",
        "baseline_s": naive,
        "ours_s": vectorized,
        "ratio": naive / vectorized,
        "note": "ours = softmax_loss_vectorized; target ratio >= 20x",
    }]


def markdown(rows: list[dict]) -> str:
    """A small markdown table of the rows."""
    lines = ["| benchmark | baseline | baseline time | ours | ratio |", "|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['benchmark']} | {row['baseline']} | "
                     f"{row['baseline_s'] * 1e3:.2f} ms | {row['ours_s'] * 1e3:.2f} ms | "
                     f"{row['ratio']:.1f}x |")
    return "\n".join(lines)


if __name__ == "__main__":
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print(markdown(run(repeats)))
