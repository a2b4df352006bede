"""hw4 reference: batchnorm_backward_alt (closed form) against batchnorm_backward (graph).

Both run on the same train-mode cache of a batch of N=500 examples with D=1000 features
(float64); each time is the median of ``repeats`` calls measured with
``time.perf_counter`` after one untimed warm-up call. Target: ratio >= 1.5.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np

from bench.timing import median_seconds

NORMALIZATION_PATH = (Path(__file__).resolve().parents[1] / "source" / "hw4_bn_dropout"
                      / "normalization.py")
N, D = 500, 1000
TARGET_RATIO = 1.5


def load_reference() -> ModuleType:
    """Import the reference source/hw4_bn_dropout/normalization.py by path."""
    spec = importlib.util.spec_from_file_location("hw4_reference_normalization_bench",
                                                  NORMALIZATION_PATH)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {NORMALIZATION_PATH}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(repeats: int = 5) -> list[dict]:
    """Time the graph and the closed-form batch-norm backward passes; one row."""
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    norm = load_reference()
    rng = np.random.default_rng(0)
    x = 3.0 + 2.0 * rng.standard_normal((N, D))
    gamma, beta = rng.uniform(0.5, 2.0, D), rng.standard_normal(D)
    _, cache = norm.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    dout = rng.standard_normal((N, D))
    graph = median_seconds(lambda: norm.batchnorm_backward(dout, cache), repeats)
    alt = median_seconds(lambda: norm.batchnorm_backward_alt(dout, cache), repeats)
    return [{
        "benchmark": f"hw4 batch-norm backward (N={N}, D={D}, float64)",
        "baseline": "batchnorm_backward (graph)",
        "baseline_s": graph,
        "ours_s": alt,
        "ratio": graph / alt,
        "note": f"ours = batchnorm_backward_alt; target ratio >= {TARGET_RATIO}x",
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
