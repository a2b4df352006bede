"""Cost of numerical gradient checking: a full centered-difference gradient and a sparse
check of 10 entries, against the analytic gradient of the same softmax loss."""

from __future__ import annotations

import contextlib
import io

import numpy as np

from bench.reference import reference_module
from bench.timing import median_seconds
from utils.gradient_check import eval_numerical_gradient, grad_check_sparse


def run(repeats: int = 5) -> list[dict]:
    softmax = reference_module("hw1_softmax", "softmax")
    rng = np.random.default_rng(0)
    N, D, C = 200, 65, 10  # digits with the bias column
    X = rng.standard_normal((N, D))
    y = rng.integers(0, C, N)
    W = 1e-3 * rng.standard_normal((D, C))

    def loss(w):
        return softmax.softmax_loss_vectorized(w, X, y, 1e-3)[0]

    analytic = median_seconds(lambda: softmax.softmax_loss_vectorized(W, X, y, 1e-3), repeats,
                              warm_up=False)
    full = median_seconds(lambda: eval_numerical_gradient(loss, W.copy()), repeats,
                          warm_up=False)
    dW = softmax.softmax_loss_vectorized(W, X, y, 1e-3)[1]
    sparse = median_seconds(lambda: quietly(grad_check_sparse, loss, W.copy(), dW), repeats,
                            warm_up=False)
    return [
        {"benchmark": f"numerical gradient, softmax loss W ({D}x{C})",
         "baseline": "full numerical gradient", "baseline_s": full, "ours_s": analytic,
         "ratio": full / analytic, "note": "analytic gradient (loss + dW)"},
        {"benchmark": "sparse gradient check, 10 entries", "baseline": "full numerical gradient",
         "baseline_s": full, "ours_s": sparse, "ratio": full / sparse},
    ]


def quietly(fn, *args):
    """Run a checker that prints one line per check, without the printing."""
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, num_checks=10, seed=0)


if __name__ == "__main__":
    from bench.__main__ import table

    print(table(run()))
