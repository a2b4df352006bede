"""Gradient descent on a known function, and minibatch SGD on a training set.

Gradient descent minimizes a differentiable f by stepping against its gradient,

    x_{k+1} = x_k - learning_rate * grad f(x_k),

which is the direction in which f decreases fastest for a small enough step. In lecture
we saw a function ``gd`` doing this; it had a few bugs. ``gradient_descent`` below is the
corrected version, and ``minibatch_sgd`` applies the same update to a training loss whose
gradient is estimated on random minibatches of examples.

Three 2-D test functions are given (each maps x of shape (2,) to ``(cost, grad)``; they
also accept a grid of points of shape (2, ...)): a round bowl, an elongated bowl and a
curved valley. You write the parts marked ``# YOUR CODE HERE``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]
LossAndGrad = Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[float, np.ndarray]]

# ----------------------------------------------------------------------------------------
# Given: 2-D test functions. Each returns (cost, grad) with grad shaped like x.
# ----------------------------------------------------------------------------------------
BOWL_CURVATURES = (1.0, 1.0)
ELONGATED_CURVATURES = (1.0, 20.0)
VALLEY_A, VALLEY_B = 1.0, 10.0


def _as_point(x: np.ndarray, name: str) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 0 or x.shape[0] != 2:
        raise ValueError(f"{name} takes a 2-D point x of shape (2,) or a grid (2, ...), "
                         f"got shape {x.shape}")
    return x


def quadratic_bowl(x: np.ndarray) -> tuple[float, np.ndarray]:
    """f(x) = 0.5 (x_1^2 + x_2^2): a round bowl, minimizer (0, 0), Hessian = identity.

    Args:
        x: (2,) a point (or (2, ...) a grid of points).

    Returns:
        cost (a float, or an array of shape (...) for a grid) and grad with x's shape.
    """
    return _diagonal_quadratic(_as_point(x, "quadratic_bowl"), BOWL_CURVATURES)


def ill_conditioned_quadratic(x: np.ndarray) -> tuple[float, np.ndarray]:
    """f(x) = 0.5 (x_1^2 + 20 x_2^2): an elongated bowl, minimizer (0, 0).

    Its Hessian has eigenvalues 1 and 20 (condition number 20): gradient descent
    is stable only for learning_rate < 2 / 20 = 0.1, yet then crawls along x_1.

    Args:
        x: (2,) a point (or (2, ...) a grid of points).

    Returns:
        cost and grad with x's shape.
    """
    return _diagonal_quadratic(_as_point(x, "ill_conditioned_quadratic"), ELONGATED_CURVATURES)


def rosenbrock_valley(x: np.ndarray) -> tuple[float, np.ndarray]:
    """f(x) = (1 - x_1)^2 + 10 (x_2 - x_1^2)^2: a curved valley, minimizer (1, 1).

    Args:
        x: (2,) a point (or (2, ...) a grid of points).

    Returns:
        cost and grad with x's shape.
    """
    x = _as_point(x, "rosenbrock_valley")
    x1, x2 = x[0], x[1]
    bend = x2 - x1**2
    cost = (VALLEY_A - x1) ** 2 + VALLEY_B * bend**2
    grad = np.stack([-2.0 * (VALLEY_A - x1) - 4.0 * VALLEY_B * x1 * bend, 2.0 * VALLEY_B * bend])
    return _scalar_or_array(cost), grad


TEST_FUNCTIONS: dict[str, Objective] = {
    "quadratic bowl": quadratic_bowl,
    "ill-conditioned quadratic": ill_conditioned_quadratic,
    "Rosenbrock valley": rosenbrock_valley,
}
MINIMIZERS: dict[str, np.ndarray] = {
    "quadratic bowl": np.zeros(2),
    "ill-conditioned quadratic": np.zeros(2),
    "Rosenbrock valley": np.array([VALLEY_A, VALLEY_A**2]),
}


def _diagonal_quadratic(x: np.ndarray, curvatures: tuple[float, float]):
    c = np.asarray(curvatures).reshape((2,) + (1,) * (x.ndim - 1))
    return _scalar_or_array(0.5 * np.sum(c * x * x, axis=0)), c * x


def _scalar_or_array(value):
    value = np.asarray(value, dtype=np.float64)
    return float(value) if value.ndim == 0 else value


# ----------------------------------------------------------------------------------------
# Graded: gradient_descent and minibatch_sgd
# ----------------------------------------------------------------------------------------
def gradient_descent(f: Objective, x0: np.ndarray, learning_rate: float, tol: float = 1e-6,
                     max_iters: int = 10_000) -> tuple[list[np.ndarray], list[float], bool]:
    """Minimize f by gradient descent from x0.

    Args:
        f: f(x) -> (cost, grad); grad has x's shape.
        x0: the starting point, an array of any shape (often (2,)). Never modified.
        learning_rate: the step size epsilon.
        tol: stop after the first step whose length ||x_{k+1} - x_k|| is below tol.
        max_iters: stop after this many steps in any case.

    Returns:
        path: [x_0, x_1, ..., x_K], K + 1 arrays shaped like x0 (K = steps taken). Every
            entry is its own copy: changing one must not change another.
        costs: [f(x_0)[0], ..., f(x_K)[0]], one float per point of the path.
        hit_max: True when it stopped because of max_iters without meeting tol.

    The lecture's ``gd`` (where the learning rate was called ``eps``) is the starting
    point. Watch out for what it got wrong: it changed the caller's x0 in place
    (``x = x0`` then ``x -= ...``), it paired each new point with the cost of the point
    before it, it dropped the last point when it hit the iteration limit, ``max_iters``
    was not a parameter, and ``np.Inf`` no longer exists in numpy 2. Work on a float copy
    of x0 (so an integer x0 works too) and append copies to the path.
    """
    if tol < 0 or max_iters < 0:
        raise ValueError(f"tol and max_iters must be >= 0, got tol={tol}, max_iters={max_iters}")
    path: list[np.ndarray] = []
    costs: list[float] = []
    hit_max = False
    # YOUR CODE HERE
    raise NotImplementedError("gradient_descent is not implemented yet")
    return path, costs, hit_max


def minibatch_sgd(loss_and_grad: LossAndGrad, w0: np.ndarray, X: np.ndarray, y: np.ndarray,
                  learning_rate: float, batch_size: int, num_iters: int,
                  seed: int | None = None) -> tuple[np.ndarray, list[float]]:
    """Minimize a training loss with minibatch stochastic gradient descent.

    Args:
        loss_and_grad: loss_and_grad(w, X_batch, y_batch) -> (loss, dw), dw shaped like w.
        w0: the initial parameters, any shape (e.g. W: (D, C)). Never modified.
        X: (N, D) training examples.
        y: (N,) training targets.
        learning_rate: the step size.
        batch_size: examples per minibatch: N gives batch gradient descent (in
            expectation), 1 gives stochastic gradient descent.
        num_iters: the number of updates.
        seed: seed of the random generator that draws the minibatches.

    Returns:
        w: the parameters after num_iters updates (a new array).
        loss_history: num_iters floats; loss_history[i] is the minibatch loss computed
            just before update i.

    Make the generator with ``rng = np.random.default_rng(seed)`` and draw each minibatch
    with ``idx = rng.choice(N, size=batch_size, replace=True)`` (exactly this call, once
    per iteration, so that a seed always gives the same run).
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim < 1 or y.ndim < 1 or X.shape[0] != y.shape[0] or X.shape[0] == 0:
        raise ValueError(f"X and y must hold the same number N >= 1 of examples, got shapes "
                         f"{X.shape} and {y.shape}")
    if batch_size < 1 or num_iters < 0:
        raise ValueError(f"batch_size must be >= 1 and num_iters >= 0, got "
                         f"batch_size={batch_size}, num_iters={num_iters}")
    w = np.array(w0, dtype=np.float64)
    loss_history: list[float] = []
    # YOUR CODE HERE
    raise NotImplementedError("minibatch_sgd is not implemented yet")
    return w, loss_history
