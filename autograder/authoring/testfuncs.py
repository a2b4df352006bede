"""Objective functions that graded tests pass INTO student code.

They must be picklable by reference (module-level classes), and hold only public
problem data: the student process imports this module, so nothing here may reveal a
reference solution or an expected value.
"""

from __future__ import annotations

import numpy as np


class Quadratic:
    """f(x) = 0.5 x^T A x - b^T x, grad = A x - b; minimizer A^{-1} b when A is SPD."""

    def __init__(self, A: np.ndarray, b: np.ndarray) -> None:
        self.A = np.asarray(A, dtype=np.float64)
        self.b = np.asarray(b, dtype=np.float64)

    def __call__(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        x = np.asarray(x, dtype=np.float64)
        return float(0.5 * x @ self.A @ x - self.b @ x), self.A @ x - self.b

    def minimizer(self) -> np.ndarray:
        return np.linalg.solve(self.A, self.b)


class Rosenbrock:
    """f(x, y) = (a - x)^2 + b (y - x^2)^2, a curved valley with minimum at (a, a^2)."""

    def __init__(self, a: float = 1.0, b: float = 10.0) -> None:
        self.a, self.b = a, b

    def __call__(self, p: np.ndarray) -> tuple[float, np.ndarray]:
        x, y = float(p[0]), float(p[1])
        cost = (self.a - x) ** 2 + self.b * (y - x * x) ** 2
        grad = np.array([-2 * (self.a - x) - 4 * self.b * x * (y - x * x),
                         2 * self.b * (y - x * x)])
        return cost, grad


class LeastSquares:
    """loss_and_grad(w, X, y) for 0.5 * mean((X w - y)^2): the minibatch_sgd contract."""

    def __call__(self, w: np.ndarray, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        residual = X @ w - y
        return float(0.5 * np.mean(residual**2)), X.T @ residual / X.shape[0]


# ----- hw4: state that must survive from one call into student code to the next -------------
_PERSISTENT: dict[str, PersistentDict] = {}


class PersistentDict(dict):
    """A dict argument that is ONE object in the student process across calls (bn_param).

    Each request is pickled anew, so a plain dict passed to student code is a fresh copy
    on every call, and what the student's function stores in it (batch norm's running
    averages) is lost. A ``PersistentDict`` unpickles to the same object every time it is
    sent with the same ``key``, with the items it was sent with applied on top, so that
    the next call continues from the state the previous one left. Keys must be unique per
    test (the student process lives through a whole submission).
    """

    def __init__(self, key: str, **items: object) -> None:
        super().__init__(items)
        self.key = key

    def __reduce__(self) -> tuple[object, tuple[str, dict]]:
        return _persistent_dict, (self.key, dict(self))


def _persistent_dict(key: str, items: dict) -> PersistentDict:
    """The process-wide PersistentDict for ``key`` (created on first use), updated."""
    state = _PERSISTENT.get(key)
    if state is None:
        state = _PERSISTENT[key] = PersistentDict(key)
    state.update(items)
    return state
