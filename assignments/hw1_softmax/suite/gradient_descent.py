"""Graded tests of gradient_descent.py: gradient_descent and minibatch_sgd."""

from __future__ import annotations

import numpy as np

from autograder import expect
from autograder.suite import graded
from autograder.testfuncs import LeastSquares, Quadratic, Rosenbrock

GD = "gradient_descent.gradient_descent"
SGD = "gradient_descent.minibatch_sgd"


def bowl(seed: int, dim: int = 2, condition: float = 1.0) -> Quadratic:
    """A positive-definite quadratic with the given condition number."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    A = Q @ np.diag(np.linspace(1.0, condition, dim)) @ Q.T
    return Quadratic(A, rng.standard_normal(dim))


def run_gd(student, f, x0, learning_rate, **kwargs):
    """Call the student's gradient_descent; check the structure of what it returns."""
    out = expect.sequence(student.call(GD, f, x0, learning_rate, **kwargs), 3, "gradient_descent")
    expect.not_mutated(student, "gradient_descent", {"1": "x0"})
    path, costs, hit_max = out
    expect.true(isinstance(path, list | tuple), "path should be a list of arrays")
    expect.true(isinstance(costs, list | tuple), "costs should be a list of numbers")
    expect.true(isinstance(hit_max, bool | np.bool_), "hit_max should be True or False")
    return list(path), list(costs), bool(hit_max)


def compare_gd(student, ref, f, x0, learning_rate, label: str, **kwargs) -> None:
    path, costs, hit_max = run_gd(student, f, x0, learning_rate, **kwargs)
    ref_path, ref_costs, ref_hit = ref.gradient_descent.gradient_descent(f, x0.copy(),
                                                                        learning_rate, **kwargs)
    expect.equal(f"the number of points in the path ({label})", len(path), len(ref_path),
                 hint="path holds x_0 and one point per step taken; stop after the first step "
                      "shorter than tol, or after max_iters steps")
    expect.equal(f"hit_max ({label})", hit_max, ref_hit)
    expect.close(f"the path ({label})", expect.numbers(path, f"the path ({label})"),
                 np.array(ref_path), rtol=1e-8,
                 hint="append a copy of x after every step (np.copy), not x itself")
    expect.close(f"the costs ({label})", expect.numbers(costs, f"the costs ({label})"),
                 np.array(ref_costs), rtol=1e-8,
                 hint="costs[k] is f(path[k])[0], including the last point")


@graded(points=3, cell="test_gradient_descent", tags=["gradient_descent"], visible=True)
def gd_finds_minimizer(student, ref):
    """gradient_descent: reaches the minimizer of a quadratic bowl"""
    f = bowl(0)
    x0 = np.array([3.0, -2.0])
    path, costs, hit_max = run_gd(student, f, x0, 0.3, tol=1e-10, max_iters=5000)
    expect.true(len(path) >= 2, "the path should hold x0 and at least one step")
    last = expect.numbers(path[-1], "the last point of the path", shape=(2,))
    distance = float(np.linalg.norm(last - f.minimizer()))
    expect.true(distance < 1e-6, f"the last point is {distance:.1e} away from the minimizer "
                "(should be below 1e-6)", "step against the gradient: x - learning_rate * grad")
    expect.true(not hit_max, "hit_max is True although the tolerance was met")
    expect.equal("len(costs)", len(costs), len(path))


@graded(points=3, cell="test_gradient_descent", tags=["gradient_descent"])
def gd_matches_reference(student, ref):
    """gradient_descent: path, costs and stopping on an ill-conditioned bowl and a valley"""
    compare_gd(student, ref, bowl(1, condition=20.0), np.array([1.5, 2.0]), 0.09,
               "ill-conditioned bowl", tol=1e-6, max_iters=10_000)
    compare_gd(student, ref, Rosenbrock(), np.array([-1.0, 1.5]), 2e-3, "valley",
               tol=1e-7, max_iters=3000)


@graded(points=2, cell="test_gradient_descent", tags=["gradient_descent"])
def gd_stops_at_max_iters(student, ref):
    """gradient_descent: stops after max_iters steps and reports hit_max"""
    compare_gd(student, ref, bowl(2), np.array([2.0, 2.0]), 1e-4, "tiny learning rate",
               tol=1e-9, max_iters=25)
    path, _, hit_max = run_gd(student, bowl(2), np.array([2.0, 2.0]), 1e-4, tol=1e-9,
                              max_iters=25)
    expect.true(hit_max, "hit_max should be True when max_iters steps did not meet tol")
    expect.equal("len(path) after max_iters=25 steps", len(path), 26)


@graded(points=2, cell="test_gradient_descent", tags=["gradient_descent"])
def gd_higher_dimension(student, ref):
    """gradient_descent: works in 6 dimensions and leaves x0 unchanged"""
    x0 = np.arange(6.0) / 3
    compare_gd(student, ref, bowl(3, dim=6, condition=4.0), x0, 0.2, "6-dimensional x0",
               tol=1e-8, max_iters=500)


@graded(points=4, cell="test_minibatch_sgd", tags=["minibatch_sgd"], visible=True)
def sgd_matches_reference(student, ref):
    """minibatch_sgd: weights and loss history for a seed (batch size 8)"""
    compare_sgd(student, ref, seed=0, batch_size=8, num_iters=30, learning_rate=0.05)


@graded(points=3, cell="test_minibatch_sgd", tags=["minibatch_sgd"])
def sgd_batch_and_stochastic(student, ref):
    """minibatch_sgd: batch_size = N (batch) and 1 (stochastic) match the reference"""
    compare_sgd(student, ref, seed=1, batch_size=40, num_iters=15, learning_rate=0.1)
    compare_sgd(student, ref, seed=2, batch_size=1, num_iters=50, learning_rate=0.02)


@graded(points=3, cell="test_minibatch_sgd", tags=["minibatch_sgd"])
def sgd_reduces_loss(student, ref):
    """minibatch_sgd: the loss falls on a well-posed least-squares problem; w0 is untouched"""
    X, y = regression(3, N=200, D=4)
    w0 = np.zeros(4)
    out = expect.sequence(student.call(SGD, LeastSquares(), w0, X, y, 0.1, 20, 200, seed=5),
                          2, "minibatch_sgd")
    expect.not_mutated(student, "minibatch_sgd", {"1": "w0"})
    w, history = out
    history = expect.numbers(history, "loss_history", shape=(200,))
    early, late = float(np.mean(history[:10])), float(np.mean(history[-10:]))
    expect.true(late < 0.2 * early, f"the loss fell from {early:.3g} to {late:.3g} only "
                "(should fall by at least 5x)")
    # the returned weights themselves, judged on the whole data set by the grader
    w = expect.numbers(w, "the returned w", shape=w0.shape)
    start, end = LeastSquares()(w0, X, y)[0], LeastSquares()(w, X, y)[0]
    expect.true(end < 0.2 * start, f"the loss of the whole data set at the returned w is "
                f"{end:.3g}, at w0 {start:.3g} (it should fall by at least 5x)",
                "return the weights after the last update, not w0")


def regression(seed: int, N: int, D: int):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D))
    y = X @ rng.standard_normal(D) + 0.1 * rng.standard_normal(N)
    return X, y


def compare_sgd(student, ref, seed: int, batch_size: int, num_iters: int,
                learning_rate: float) -> None:
    X, y = regression(100 + seed, N=40, D=3)
    w0 = np.zeros(3)
    label = f"batch_size={batch_size}"
    out = expect.sequence(student.call(SGD, LeastSquares(), w0, X, y, learning_rate,
                                       batch_size, num_iters, seed=seed), 2, "minibatch_sgd")
    w, history = out
    ref_w, ref_history = ref.gradient_descent.minibatch_sgd(
        LeastSquares(), w0.copy(), X, y, learning_rate, batch_size, num_iters, seed=seed)
    history = expect.numbers(history, f"loss_history ({label})", shape=(num_iters,))
    expect.close(f"loss_history ({label})", history, ref_history, rtol=1e-8,
                 hint="use rng = np.random.default_rng(seed) and draw "
                      "rng.choice(N, size=batch_size, replace=True) once per iteration; "
                      "record the batch loss before the update")
    w = expect.numbers(w, f"the final w ({label})", shape=w0.shape)
    expect.close(f"the final w ({label})", w, ref_w, rtol=1e-8)
