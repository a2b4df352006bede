# Generated from hw3_optim/optim.py: handed out complete, do not edit.
"""First-order update rules: SGD, momentum, Nesterov momentum, Adagrad, RMSProp and Adam.

Every rule follows one contract, the one ``utils.solver.Solver`` relies on:

    next_w, config = update(w, dw, config=None)

* ``w``: the current value of ONE parameter array, any shape (``W1: (D, H)``,
  ``b1: (H,)``, ...). It is never modified: return a new array ``next_w`` of w's shape.
* ``dw``: the gradient of the loss with respect to ``w``; same shape as ``w``.
* ``config``: a dict holding the hyper-parameters and the rule's state. ``None`` means an
  empty dict. Hyper-parameters the caller did not set get their defaults with
  ``config.setdefault`` (already written for you). The state (a velocity, running
  averages, a step counter) is stored in ``config`` under the key names given in each
  docstring and returned, so that the next call continues from it. The Solver keeps one
  config per parameter; the state of ``W1`` never mixes with that of ``b1``.

Notation follows the lecture, with one trap: ``g`` is the gradient ``dw``; the lecture's
step size epsilon is the config key ``learning_rate``, and the lecture's small constant nu
(it keeps a division finite) is the config key ``epsilon``. Products, quotients and
square roots of arrays are taken element by element.

The bottom of this file gives three functions of two variables and ``run_update_rule``,
which runs any update rule on them (used in the first notebook).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Config = dict[str, Any]
UpdateRule = Callable[[np.ndarray, np.ndarray, "Config | None"], tuple[np.ndarray, Config]]


def _prepare(rule: str, w: np.ndarray, dw: np.ndarray, config: Config | None) -> Config:
    """Check that w and dw have one shape; return ``config``, or a new dict when None."""
    if np.shape(w) != np.shape(dw):
        raise ValueError(f"{rule}: dw has shape {np.shape(dw)} but w has shape {np.shape(w)}; "
                         "the gradient must have the parameter's shape")
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise TypeError(f"{rule}: config must be a dict or None, got {type(config).__name__}")
    return config


# ----------------------------------------------------------------------------------------
# Given: plain stochastic gradient descent
# ----------------------------------------------------------------------------------------
def sgd(w: np.ndarray, dw: np.ndarray, config: Config | None = None) -> tuple[np.ndarray, Config]:
    """Vanilla stochastic gradient descent: ``w <- w - learning_rate * g``.

    Args:
        w: (any shape) the parameter. Not modified.
        dw: (w's shape) its gradient g.
        config: ``learning_rate`` (default 1e-2). No state.

    Returns:
        next_w: (w's shape) the updated parameter, a new array.
        config: the same dict, with its defaults filled in.
    """
    config = _prepare("sgd", w, dw, config)
    config.setdefault("learning_rate", 1e-2)
    next_w = w - config["learning_rate"] * dw
    return next_w, config


# ----------------------------------------------------------------------------------------
# Graded: momentum and Nesterov momentum
# ----------------------------------------------------------------------------------------
def sgd_momentum(w: np.ndarray, dw: np.ndarray,
                 config: Config | None = None) -> tuple[np.ndarray, Config]:
    """SGD with momentum: the step is a running average of past gradients.

    With velocity v (zeros before the first step) and momentum alpha, each call does

        v <- alpha * v - learning_rate * g
        w <- w + v

    On a long valley the gradient components across the valley change sign from one step
    to the next and cancel in v, while the small component along the floor keeps the same
    sign and accumulates: the method speeds up where plain SGD crawls.

    Args:
        w: (any shape) the parameter. Not modified.
        dw: (w's shape) its gradient g.
        config: ``learning_rate`` (default 1e-2), ``momentum`` alpha (default 0.9), and
            the state ``velocity`` (w's shape), read when present.

    Returns:
        next_w: (w's shape) the updated parameter, a new array.
        config: the same dict, with ``config["velocity"]`` holding the new v.
    """
    config = _prepare("sgd_momentum", w, dw, config)
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    next_w = None
    velocity = config.get("velocity", np.zeros_like(w))
    velocity = config["momentum"] * velocity - config["learning_rate"] * dw
    next_w = w + velocity
    config["velocity"] = velocity
    return next_w, config


def sgd_nesterov_momentum(w: np.ndarray, dw: np.ndarray,
                          config: Config | None = None) -> tuple[np.ndarray, Config]:
    """Nesterov momentum, written so that it needs the gradient at w only.

    Nesterov's method evaluates the gradient at the look-ahead point theta + alpha * v
    instead of at theta. Keeping w = theta + alpha * v (the look-ahead point) as the
    parameter turns it into an update that uses the gradient g at w:

        v_prev <- v
        v      <- alpha * v - learning_rate * g
        w      <- w - alpha * v_prev + (1 + alpha) * v

    Args:
        w: (any shape) the parameter. Not modified.
        dw: (w's shape) its gradient g.
        config: ``learning_rate`` (default 1e-2), ``momentum`` alpha (default 0.9), and
            the state ``velocity`` (w's shape, zeros before the first step).

    Returns:
        next_w: (w's shape) the updated parameter, a new array.
        config: the same dict, with ``config["velocity"]`` holding the new v.
    """
    config = _prepare("sgd_nesterov_momentum", w, dw, config)
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    next_w = None
    alpha = config["momentum"]
    v_prev = config.get("velocity", np.zeros_like(w))
    v_new = alpha * v_prev - config["learning_rate"] * dw
    next_w = w - alpha * v_prev + (1 + alpha) * v_new
    config["velocity"] = v_new
    return next_w, config


# ----------------------------------------------------------------------------------------
# Graded: adaptive learning rates
# ----------------------------------------------------------------------------------------
def adagrad(w: np.ndarray, dw: np.ndarray,
            config: Config | None = None) -> tuple[np.ndarray, Config]:
    """Adagrad: each entry's step is divided by the root of its summed squared gradients.

    With a (zeros before the first step) the running SUM of squared gradients:

        a <- a + g * g
        w <- w - learning_rate * g / sqrt(a + nu)

    Entries that always had large gradients take small steps and vice versa. Because a
    only grows, the steps shrink for ever, which can stop learning too early.

    Args:
        w: (any shape) the parameter. Not modified.
        dw: (w's shape) its gradient g.
        config: ``learning_rate`` (default 1e-2), ``epsilon`` nu (default 1e-7; inside
            the square root), and the state ``a`` (w's shape).

    Returns:
        next_w: (w's shape) the updated parameter, a new array.
        config: the same dict, with ``config["a"]`` holding the new sum.
    """
    config = _prepare("adagrad", w, dw, config)
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-7)
    next_w = None
    grad_sq_sum = config.get("a", np.zeros_like(w)) + dw * dw
    next_w = w - config["learning_rate"] * dw / np.sqrt(grad_sq_sum + config["epsilon"])
    config["a"] = grad_sq_sum
    return next_w, config


def rmsprop(w: np.ndarray, dw: np.ndarray,
            config: Config | None = None) -> tuple[np.ndarray, Config]:
    """RMSProp: like Adagrad, but a is an exponentially weighted AVERAGE of g * g.

    With decay rate beta and a (zeros before the first step):

        a <- beta * a + (1 - beta) * g * g
        w <- w - learning_rate * g / sqrt(a + nu)

    Old gradients are forgotten at rate beta, so the steps do not shrink for ever.

    Args:
        w: (any shape) the parameter. Not modified.
        dw: (w's shape) its gradient g.
        config: ``learning_rate`` (default 1e-2), ``decay_rate`` beta (default 0.99),
            ``epsilon`` nu (default 1e-8; inside the square root), and the state ``a``
            (w's shape).

    Returns:
        next_w: (w's shape) the updated parameter, a new array.
        config: the same dict, with ``config["a"]`` holding the new average.
    """
    config = _prepare("rmsprop", w, dw, config)
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    next_w = None
    beta = config["decay_rate"]
    grad_sq_avg = beta * config.get("a", np.zeros_like(w)) + (1 - beta) * dw * dw
    next_w = w - config["learning_rate"] * dw / np.sqrt(grad_sq_avg + config["epsilon"])
    config["a"] = grad_sq_avg
    return next_w, config


def adam(w: np.ndarray, dw: np.ndarray, config: Config | None = None) -> tuple[np.ndarray, Config]:
    """Adam: momentum on the gradient (first moment) and RMSProp's scaling (second moment).

    With v and a (zeros) the first and second moments and the step counter t (0) before
    the first step, each call does, in this order:

        t     <- t + 1
        v     <- beta1 * v + (1 - beta1) * g
        a     <- beta2 * a + (1 - beta2) * g * g
        v_hat  = v / (1 - beta1**t)          (bias correction: v and a start at 0,
        a_hat  = a / (1 - beta2**t)           so early averages are too small)
        w     <- w - learning_rate * v_hat / sqrt(a_hat + nu)

    Args:
        w: (any shape) the parameter. Not modified.
        dw: (w's shape) its gradient g.
        config: ``learning_rate`` (default 1e-3), ``beta1`` (0.9), ``beta2`` (0.999),
            ``epsilon`` nu (1e-8; inside the square root), and the state ``v``, ``a``
            (w's shape) and ``t`` (an int, the number of steps taken so far).

    Returns:
        next_w: (w's shape) the updated parameter, a new array.
        config: the same dict, with the new ``v``, ``a`` and ``t``.
    """
    config = _prepare("adam", w, dw, config)
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    next_w = None
    beta1, beta2 = config["beta1"], config["beta2"]
    t = config.get("t", 0) + 1
    v = beta1 * config.get("v", np.zeros_like(w)) + (1 - beta1) * dw
    a = beta2 * config.get("a", np.zeros_like(w)) + (1 - beta2) * (dw * dw)
    v_hat = v / (1 - beta1**t)
    a_hat = a / (1 - beta2**t)
    next_w = w - config["learning_rate"] * v_hat / np.sqrt(a_hat + config["epsilon"])
    config["v"], config["a"], config["t"] = v, a, t
    return next_w, config


# ----------------------------------------------------------------------------------------
# Given: functions of two variables and a driver for the first notebook
# ----------------------------------------------------------------------------------------
Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


def _point(x: np.ndarray, name: str) -> tuple[float, float]:
    x = np.asarray(x, dtype=np.float64)
    if x.shape != (2,):
        raise ValueError(f"{name} takes a point x of shape (2,), got shape {x.shape}")
    return float(x[0]), float(x[1])


def ill_conditioned_quadratic(x: np.ndarray) -> tuple[float, np.ndarray]:
    """f(x) = 0.5 (x_1^2 + 20 x_2^2): an elongated bowl with its minimum at (0, 0).

    The curvature is 20 times larger along x_2 than along x_1 (condition number 20).

    Args:
        x: (2,) a point.

    Returns:
        cost (a float) and grad (2,).
    """
    x1, x2 = _point(x, "ill_conditioned_quadratic")
    return 0.5 * (x1 * x1 + 20.0 * x2 * x2), np.array([x1, 20.0 * x2])


def rosenbrock_valley(x: np.ndarray) -> tuple[float, np.ndarray]:
    """f(x) = (1 - x_1)^2 + 10 (x_2 - x_1^2)^2: a curved valley with its minimum at (1, 1).

    Args:
        x: (2,) a point.

    Returns:
        cost (a float) and grad (2,).
    """
    x1, x2 = _point(x, "rosenbrock_valley")
    bend = x2 - x1 * x1
    cost = (1.0 - x1) ** 2 + 10.0 * bend * bend
    return cost, np.array([-2.0 * (1.0 - x1) - 40.0 * x1 * bend, 20.0 * bend])


def saddle(x: np.ndarray) -> tuple[float, np.ndarray]:
    """f(x) = 0.5 x_1^2 + 0.25 x_2^4 - 0.5 x_2^2: a saddle point at (0, 0).

    Along x_1 the origin is a minimum, along x_2 a maximum; the two minima are at
    (0, -1) and (0, 1), where f = -0.25. Near x_2 = 0 the gradient along x_2 is tiny, so a
    method that starts close to the ridge needs a long time to leave it.

    Args:
        x: (2,) a point.

    Returns:
        cost (a float) and grad (2,).
    """
    x1, x2 = _point(x, "saddle")
    cost = 0.5 * x1 * x1 + 0.25 * x2**4 - 0.5 * x2 * x2
    return cost, np.array([x1, x2**3 - x2])


TEST_FUNCTIONS: dict[str, Objective] = {
    "ill-conditioned quadratic": ill_conditioned_quadratic,
    "Rosenbrock valley": rosenbrock_valley,
    "saddle": saddle,
}


def run_update_rule(update_rule: UpdateRule, f: Objective, x0: np.ndarray,
                    config: Config | None = None,
                    num_steps: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Minimize f from x0 with ``num_steps`` calls of an update rule.

    Args:
        update_rule: ``update(w, dw, config) -> (next_w, config)``, e.g. ``adam``.
        f: ``f(x) -> (cost, grad)`` for x of shape (2,) (or any shape f accepts).
        x0: the starting point, e.g. (2,). Not modified.
        config: the rule's hyper-parameters; copied, so the caller's dict is untouched.
        num_steps: K, the number of updates.

    Returns:
        path: (K + 1, *x0.shape) the points x_0, ..., x_K.
        costs: (K + 1,) f at each point of the path. Once a cost is not finite (the run
            diverged), the run stops and both are padded with nan.
    """
    if isinstance(num_steps, bool) or not isinstance(num_steps, int) or num_steps < 0:
        raise ValueError(f"num_steps must be an integer >= 0, got {num_steps!r}")
    x = np.array(x0, dtype=np.float64)
    config = dict(config or {})
    path = np.full((num_steps + 1, *x.shape), np.nan)
    costs = np.full(num_steps + 1, np.nan)
    with np.errstate(over="ignore", invalid="ignore"):
        cost, grad = f(x)
        for k in range(num_steps + 1):
            path[k], costs[k] = x, cost
            if k == num_steps or not np.isfinite(cost):
                break
            x, config = update_rule(x, grad, config)
            cost, grad = f(x)
    return path, costs
