"""Tests of the reference gradient_descent.py of hw1 (test functions, GD, minibatch SGD).

Expected values come from closed forms: on the round bowl f(x) = 0.5 ||x||^2 a step with
learning rate lr maps x to (1 - lr) x, so every point, step length and step count of the
path is known exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

from utils.gradient_check import eval_numerical_gradient


class Quadratic:
    """f(x) = 0.5 x^T A x - b^T x with gradient A x - b; minimizer A^{-1} b for SPD A."""

    def __init__(self, seed: int, dim: int, condition: float) -> None:
        rng = np.random.default_rng(seed)
        Q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
        self.eigenvalues = np.linspace(1.0, condition, dim)
        self.A = Q @ np.diag(self.eigenvalues) @ Q.T
        self.b = rng.standard_normal(dim)

    def __call__(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        return float(0.5 * x @ self.A @ x - self.b @ x), self.A @ x - self.b


def half_square(x: np.ndarray) -> tuple[float, np.ndarray]:
    """f(x) = 0.5 sum(x^2) for x of any shape; grad = x (a new array)."""
    return float(0.5 * np.sum(x * x)), x.copy()


def bowl_steps(x0_norm: float, learning_rate: float, tol: float, max_iters: int) -> int:
    """Steps taken on the round bowl: step k has length lr (1 - lr)^k ||x0||."""
    for k in range(max_iters):
        if learning_rate * abs(1 - learning_rate) ** k * x0_norm < tol:
            return k + 1
    return max_iters


# ----- the given test functions ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["quadratic bowl", "ill-conditioned quadratic",
                                  "Rosenbrock valley"])
def test_test_function_gradients(gd_ref, name):
    """Does each 2-D test function's gradient match a numerical gradient at random points?"""
    f = gd_ref.TEST_FUNCTIONS[name]
    for point in np.random.default_rng(0).uniform(-2, 2, size=(5, 2)):
        _, grad = f(point)
        numerical = eval_numerical_gradient(lambda x, f=f: f(x)[0], point.copy())
        np.testing.assert_allclose(grad, numerical, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("name", ["quadratic bowl", "ill-conditioned quadratic",
                                  "Rosenbrock valley"])
def test_test_function_minimizers(gd_ref, name):
    """Is the documented minimizer a zero of the gradient with cost below nearby points?"""
    f, x_star = gd_ref.TEST_FUNCTIONS[name], gd_ref.MINIMIZERS[name]
    cost, grad = f(x_star)
    np.testing.assert_allclose(grad, 0.0, atol=1e-12)
    nearby = x_star + 0.1 * np.random.default_rng(1).standard_normal((10, 2))
    assert all(f(p)[0] > cost for p in nearby)


@pytest.mark.parametrize("name", ["quadratic bowl", "ill-conditioned quadratic",
                                  "Rosenbrock valley"])
def test_test_functions_accept_grids(gd_ref, name):
    """Does a (2, H, W) grid give (H, W) costs and (2, H, W) gradients equal to pointwise ones?"""
    f = gd_ref.TEST_FUNCTIONS[name]
    grid = np.stack(np.meshgrid(np.linspace(-2, 2, 7), np.linspace(-1, 3, 5)))
    costs, grads = f(grid)
    assert costs.shape == (5, 7) and grads.shape == (2, 5, 7)
    cost, grad = f(grid[:, 3, 4])
    assert costs[3, 4] == pytest.approx(cost, rel=1e-14)
    np.testing.assert_allclose(grads[:, 3, 4], grad, rtol=1e-14)


def test_test_function_rejects_wrong_dimension(gd_ref):
    """Does a 3-D point raise a ValueError naming its shape?"""
    with pytest.raises(ValueError, match=r"\(3,\)"):
        gd_ref.quadratic_bowl(np.ones(3))


# ----- gradient_descent -----------------------------------------------------------------
@pytest.mark.parametrize(("seed", "dim", "condition"), [(0, 2, 1.0), (1, 2, 20.0), (2, 6, 5.0)])
def test_converges_to_quadratic_minimizer(gd_ref, seed, dim, condition):
    """Does GD with lr = 1 / lambda_max reach A^{-1} b of a quadratic and report no hit_max?"""
    f = Quadratic(seed, dim, condition)
    x0 = np.full(dim, 3.0)
    path, costs, hit_max = gd_ref.gradient_descent(f, x0, 1.0 / condition, tol=1e-11)
    assert not hit_max
    np.testing.assert_allclose(path[-1], np.linalg.solve(f.A, f.b), atol=1e-8)
    assert costs[-1] <= costs[0]


@pytest.mark.parametrize(("learning_rate", "tol"), [(0.25, 1e-6), (0.5, 1e-9), (0.05, 1e-3)])
def test_step_count_and_path_on_round_bowl(gd_ref, learning_rate, tol):
    """Are the number of steps and every point (1 - lr)^k x0 as the closed form predicts?"""
    x0 = np.array([3.0, -4.0])
    path, costs, hit_max = gd_ref.gradient_descent(gd_ref.quadratic_bowl, x0, learning_rate,
                                                   tol=tol, max_iters=10_000)
    steps = bowl_steps(5.0, learning_rate, tol, 10_000)
    assert len(path) == steps + 1
    assert len(costs) == len(path)
    assert hit_max is False
    expected = np.array([(1 - learning_rate) ** k * x0 for k in range(steps + 1)])
    np.testing.assert_allclose(np.array(path), expected, rtol=1e-12, atol=1e-300)


def test_costs_are_costs_of_path_points(gd_ref):
    """Is costs[k] exactly f(path[k])[0] for every k, including the last point?"""
    f = gd_ref.rosenbrock_valley
    path, costs, _ = gd_ref.gradient_descent(f, np.array([-1.0, 1.5]), 2e-3, max_iters=300)
    assert len(costs) == len(path) == 301
    assert costs == [f(p)[0] for p in path]


@pytest.mark.parametrize("max_iters", [0, 1, 25])
def test_hit_max(gd_ref, max_iters):
    """Does a run cut by max_iters hold max_iters + 1 points and report hit_max = True?"""
    path, costs, hit_max = gd_ref.gradient_descent(gd_ref.quadratic_bowl, np.array([2.0, 2.0]),
                                                   1e-4, tol=1e-9, max_iters=max_iters)
    assert hit_max is True
    assert len(path) == len(costs) == max_iters + 1


def test_tol_met_on_the_last_allowed_step(gd_ref):
    """With lr = 1 the bowl is solved in one step; is the second (zero-length) step final?"""
    path, _, hit_max = gd_ref.gradient_descent(gd_ref.quadratic_bowl, np.array([1.0, 1.0]),
                                               1.0, tol=1e-6, max_iters=2)
    assert hit_max is False
    assert len(path) == 3
    np.testing.assert_array_equal(path[-1], np.zeros(2))


def test_divergence_for_too_large_learning_rate(gd_ref):
    """Beyond lr = 2 / lambda_max does the cost grow like (1 - lr)^(2k) and hit_max hold?"""
    x0 = np.array([1.0, 0.0])
    _, costs, hit_max = gd_ref.gradient_descent(gd_ref.quadratic_bowl, x0, 2.5, max_iters=30)
    assert hit_max is True
    np.testing.assert_allclose(costs, [0.5 * 1.5 ** (2 * k) for k in range(31)], rtol=1e-12)


def test_path_entries_are_copies_and_x0_is_kept(gd_ref):
    """Does mutating one path entry leave the others and x0 unchanged?"""
    x0 = np.array([3.0, -2.0])
    path, _, _ = gd_ref.gradient_descent(gd_ref.quadratic_bowl, x0, 0.1, max_iters=5)
    np.testing.assert_array_equal(x0, [3.0, -2.0])
    snapshot = [p.copy() for p in path]
    path[0][...] = 99.0
    path[2][0] = -99.0
    for k in (1, 3, 4, 5):
        np.testing.assert_array_equal(path[k], snapshot[k])
    np.testing.assert_array_equal(x0, [3.0, -2.0])
    assert len({id(p) for p in path}) == len(path)


@pytest.mark.parametrize("x0", [
    pytest.param(np.arange(6.0).reshape(2, 3), id="matrix"),
    pytest.param(np.array([3, -4]), id="integer-vector"),
    pytest.param(np.ones((2, 2, 2)), id="3-d"),
])
def test_any_shape_of_x0(gd_ref, x0):
    """Does GD work for x0 of any shape or integer dtype, keeping the shape in the path?"""
    before = x0.copy()
    path, costs, hit_max = gd_ref.gradient_descent(half_square, x0, 0.5, tol=1e-8)
    assert not hit_max
    assert all(p.shape == x0.shape for p in path)
    assert np.issubdtype(path[-1].dtype, np.floating)
    np.testing.assert_allclose(path[-1], 0.0, atol=1e-7)
    np.testing.assert_array_equal(x0, before)
    assert len(costs) == len(path)


def test_gradient_descent_rejects_negative_tol(gd_ref):
    """Does a negative tol raise a ValueError that names it?"""
    with pytest.raises(ValueError, match="tol"):
        gd_ref.gradient_descent(half_square, np.ones(2), 0.1, tol=-1.0)


# ----- minibatch_sgd ---------------------------------------------------------------------------
def least_squares(w: np.ndarray, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """0.5 * mean((X w - y)^2) and its gradient X^T (X w - y) / N."""
    residual = X @ w - y
    return float(0.5 * np.mean(residual**2)), X.T @ residual / X.shape[0]


def regression(seed: int, N: int = 60, D: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D))
    return X, X @ rng.standard_normal(D) + 0.1 * rng.standard_normal(N)


def test_minibatch_sgd_follows_the_random_draw_contract(gd_ref):
    """Does each iteration draw rng.choice(N, batch_size, replace=True) from default_rng(seed)?"""
    X, y = regression(0)
    w, history = gd_ref.minibatch_sgd(least_squares, np.zeros(3), X, y, 0.1, 8, 5, seed=11)
    rng, w_expected, expected = np.random.default_rng(11), np.zeros(3), []
    for _ in range(5):
        idx = rng.choice(60, size=8, replace=True)
        loss, dw = least_squares(w_expected, X[idx], y[idx])
        expected.append(loss)
        w_expected = w_expected - 0.1 * dw
    np.testing.assert_allclose(history, expected, rtol=1e-14)
    np.testing.assert_allclose(w, w_expected, rtol=1e-14)


@pytest.mark.parametrize("batch_size", [1, 8, 60])
def test_minibatch_sgd_is_deterministic_for_a_seed(gd_ref, batch_size):
    """Do two runs with one seed agree exactly and a different seed give another run?"""
    X, y = regression(1)
    runs = [gd_ref.minibatch_sgd(least_squares, np.zeros(3), X, y, 0.05, batch_size, 20,
                                 seed=seed) for seed in (5, 5, 6)]
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    assert runs[0][1] == runs[1][1]
    assert runs[0][1] != runs[2][1]


def test_full_batch_reduces_softmax_loss(gd_ref, softmax_ref):
    """With batch_size = N does SGD on the softmax loss lower the full training loss?"""
    rng = np.random.default_rng(2)
    centers = 3.0 * rng.standard_normal((4, 5))
    y = np.arange(80) % 4
    X = centers[y] + rng.standard_normal((80, 5))
    X[:, -1] = 1.0

    def loss_and_grad(W, X_batch, y_batch):
        return softmax_ref.softmax_loss_vectorized(W, X_batch, y_batch, 1e-3)

    W0 = np.zeros((5, 4))
    W, history = gd_ref.minibatch_sgd(loss_and_grad, W0, X, y, 0.1, 80, 50, seed=0)
    assert len(history) == 50
    assert loss_and_grad(W, X, y)[0] < 0.5 * loss_and_grad(W0, X, y)[0]
    np.testing.assert_array_equal(W0, 0.0)


def test_minibatch_sgd_keeps_w0(gd_ref):
    """Is w0 left unchanged and the returned w a different array?"""
    X, y = regression(3)
    w0 = np.array([0.5, -0.5, 1.0])
    w, history = gd_ref.minibatch_sgd(least_squares, w0, X, y, 0.1, 4, 10, seed=0)
    np.testing.assert_array_equal(w0, [0.5, -0.5, 1.0])
    assert w is not w0 and not np.shares_memory(w, w0)
    assert len(history) == 10 and all(isinstance(v, float) for v in history)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"batch_size": 0}, "batch_size"),
    ({"num_iters": -1}, "num_iters"),
    ({"y": np.zeros(5)}, "same number"),
])
def test_minibatch_sgd_bad_inputs(gd_ref, kwargs, message):
    """Do a zero batch, negative iterations or mismatched X, y raise a clear ValueError?"""
    X, y = regression(4)
    args = {"X": X, "y": y, "batch_size": 4, "num_iters": 3, **kwargs}
    with pytest.raises(ValueError, match=message):
        gd_ref.minibatch_sgd(least_squares, np.zeros(3), args["X"], args["y"], 0.1,
                             args["batch_size"], args["num_iters"])
