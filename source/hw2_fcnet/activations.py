"""Activation functions and their derivatives, as forward/backward pairs.

Each activation f acts elementwise on an array of any shape:

* ``*_forward(x, ...) -> (out, cache)`` with ``out = f(x)`` (same shape as x);
* ``*_backward(dout, cache) -> dx`` with ``dx = dout * f'(x)`` elementwise: the upstream
  gradient ``dout`` (same shape as x) times the local derivative.

Cache what the derivative needs most cheaply: for some functions f'(x) is easiest to
write with the input x, for others with the output f(x) (sigmoid and tanh, for example).

The seven functions (alpha > 0 is a parameter):

    sigmoid(x)       = 1 / (1 + exp(-x))
    tanh(x)          = (exp(x) - exp(-x)) / (exp(x) + exp(-x))
    relu(x)          = max(0, x)
    leaky_relu(x)    = x if x > 0 else alpha * x
    elu(x)           = x if x > 0 else alpha * (exp(x) - 1)
    softplus(x)      = log(1 + exp(x))
    gelu(x)          = 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))   (tanh approximation)

Numerical care: exp overflows above about 709 in float64, so the formulas above cannot be
typed in as they stand for large |x|. Your functions must return finite values without
warnings for inputs as large as |x| = 1000. Where a function has a kink at 0 (relu,
leaky_relu, elu), use the derivative from the x <= 0 side at exactly 0 (so relu'(0) = 0).

Write the parts marked ``# YOUR CODE HERE``; everything else is given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

GELU_C = float(np.sqrt(2.0 / np.pi))  # sqrt(2 / pi) in the GELU approximation
GELU_A = 0.044715  # the cubic coefficient in the GELU approximation


def _check_dout(name: str, dout: Any, shape: tuple[int, ...]) -> np.ndarray:
    """dout as an array, or a ValueError naming both shapes when it does not match x."""
    dout = np.asarray(dout)
    if dout.shape != shape:
        raise ValueError(f"{name} expects dout with the shape of the forward input {shape}, "
                         f"got shape {dout.shape}")
    return dout


def _check_alpha(name: str, alpha: Any) -> float:
    """alpha as a float, or a ValueError when it is not a real number."""
    if isinstance(alpha, bool) or not isinstance(alpha, int | float | np.integer | np.floating):
        raise ValueError(f"{name}: alpha must be a real number, got {type(alpha).__name__}")
    return float(alpha)


# ----- ReLU ------------------------------------------------------------------------------
def relu_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ReLU, max(0, x) elementwise.

    Args:
        x: array of any shape.

    Returns:
        out: max(0, x), same shape as x.
        cache: what relu_backward needs (x).
    """
    x = np.asarray(x)
    out = None  # your output, with x's shape
    ### BEGIN SOLUTION
    out = np.maximum(x, 0)
    ### END SOLUTION
    cache = x
    return out, cache


def relu_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Gradient of ReLU: dout where x > 0, 0 elsewhere (0 at exactly x = 0 too).

    Args:
        dout: upstream gradient, same shape as x.
        cache: x, from relu_forward.

    Returns:
        dx: same shape as x.

    ReLU is a max gate: it routes the gradient to the input only where that input won.
    """
    x = cache
    dout = _check_dout("relu_backward", dout, x.shape)
    dx = None  # your gradient, with x's shape
    ### BEGIN SOLUTION
    dx = dout * (x > 0)
    ### END SOLUTION
    return dx


# ----- sigmoid ---------------------------------------------------------------------------
def sigmoid_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The logistic sigmoid 1 / (1 + exp(-x)), elementwise, without overflow.

    Args:
        x: array of any shape.

    Returns:
        out: values in [0, 1], same shape as x.
        cache: what sigmoid_backward needs.

    For x = -1000, exp(-x) overflows. Two forms give the same value:
    1 / (1 + exp(-x)) and exp(x) / (1 + exp(x)). Use each one where its exponential cannot
    overflow, i.e. where its exponent is <= 0 (``np.where`` and ``np.abs`` help).
    """
    x = np.asarray(x)
    out = None  # your output, with x's shape
    ### BEGIN SOLUTION
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    out = np.where(x >= 0, 1, e) / (1 + e)
    ### END SOLUTION
    cache = out
    return out, cache


def sigmoid_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Gradient of the sigmoid: dout * s * (1 - s) where s = sigmoid(x).

    Args:
        dout: upstream gradient, same shape as x.
        cache: from sigmoid_forward.

    Returns:
        dx: same shape as x.
    """
    out = cache
    dout = _check_dout("sigmoid_backward", dout, out.shape)
    dx = None  # your gradient, with x's shape
    ### BEGIN SOLUTION
    dx = dout * out * (1 - out)
    ### END SOLUTION
    return dx


# ----- tanh --------------------------------------------------------------------------------
def tanh_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The hyperbolic tangent, elementwise (``np.tanh`` is stable for any x).

    Args:
        x: array of any shape.

    Returns:
        out: values in [-1, 1], same shape as x.
        cache: what tanh_backward needs.
    """
    x = np.asarray(x)
    out = None  # your output, with x's shape
    ### BEGIN SOLUTION
    out = np.tanh(x)
    ### END SOLUTION
    cache = out
    return out, cache


def tanh_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Gradient of tanh: dout * (1 - tanh(x)^2).

    Args:
        dout: upstream gradient, same shape as x.
        cache: from tanh_forward.

    Returns:
        dx: same shape as x.
    """
    out = cache
    dout = _check_dout("tanh_backward", dout, out.shape)
    dx = None  # your gradient, with x's shape
    ### BEGIN SOLUTION
    dx = dout * (1 - out * out)
    ### END SOLUTION
    return dx


# ----- leaky ReLU --------------------------------------------------------------------------
def leaky_relu_forward(x: np.ndarray,
                       alpha: float = 0.01) -> tuple[np.ndarray, tuple[np.ndarray, float]]:
    """Leaky ReLU: x where x > 0, alpha * x elsewhere.

    Args:
        x: array of any shape.
        alpha: slope for x <= 0.

    Returns:
        out: same shape as x.
        cache: what leaky_relu_backward needs (x and alpha).
    """
    x = np.asarray(x)
    alpha = _check_alpha("leaky_relu_forward", alpha)
    out = None  # your output, with x's shape
    ### BEGIN SOLUTION
    out = np.where(x > 0, x, alpha * x)
    ### END SOLUTION
    cache = (x, alpha)
    return out, cache


def leaky_relu_backward(dout: np.ndarray, cache: tuple[np.ndarray, float]) -> np.ndarray:
    """Gradient of leaky ReLU: dout where x > 0, alpha * dout elsewhere (also at x = 0).

    Args:
        dout: upstream gradient, same shape as x.
        cache: (x, alpha) from leaky_relu_forward.

    Returns:
        dx: same shape as x.
    """
    x, alpha = cache
    dout = _check_dout("leaky_relu_backward", dout, x.shape)
    dx = None  # your gradient, with x's shape
    ### BEGIN SOLUTION
    dx = np.where(x > 0, dout, alpha * dout)
    ### END SOLUTION
    return dx


# ----- ELU -----------------------------------------------------------------------------------
def elu_forward(x: np.ndarray,
                alpha: float = 1.0) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, float]]:
    """ELU: x where x > 0, alpha * (exp(x) - 1) elsewhere.

    Args:
        x: array of any shape.
        alpha: the value the function approaches, -alpha, as x -> -infinity.

    Returns:
        out: same shape as x.
        cache: what elu_backward needs.

    ``np.where`` evaluates both branches everywhere, so exp(x) would still overflow for
    x = 1000 in the branch you do not keep: exponentiate ``np.minimum(x, 0)`` instead.
    ``np.expm1(z)`` computes exp(z) - 1 accurately for small z.
    """
    x = np.asarray(x)
    alpha = _check_alpha("elu_forward", alpha)
    out = None  # your output, with x's shape
    ### BEGIN SOLUTION
    out = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))
    ### END SOLUTION
    cache = (x, out, alpha)
    return out, cache


def elu_backward(dout: np.ndarray, cache: tuple[np.ndarray, np.ndarray, float]) -> np.ndarray:
    """Gradient of ELU: dout where x > 0, dout * alpha * exp(x) elsewhere (also at x = 0).

    Args:
        dout: upstream gradient, same shape as x.
        cache: (x, out, alpha) from elu_forward.

    Returns:
        dx: same shape as x.

    Hint: for x <= 0, alpha * exp(x) = elu(x) + alpha, and elu(x) is already in the cache.
    """
    x, out, alpha = cache
    dout = _check_dout("elu_backward", dout, x.shape)
    dx = None  # your gradient, with x's shape
    ### BEGIN SOLUTION
    dx = np.where(x > 0, dout, dout * (out + alpha))
    ### END SOLUTION
    return dx


# ----- softplus ------------------------------------------------------------------------------
def softplus_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Softplus log(1 + exp(x)), elementwise, stable for large |x|.

    Args:
        x: array of any shape.

    Returns:
        out: positive values, same shape as x.
        cache: what softplus_backward needs.

    log(1 + exp(x)) = log(exp(0) + exp(x)); numpy computes log(exp(a) + exp(b)) without
    overflow as ``np.logaddexp(a, b)``. (For x = 1000 the answer is 1000, not inf.)
    """
    x = np.asarray(x)
    out = None  # your output, with x's shape
    ### BEGIN SOLUTION
    out = np.logaddexp(0, x)
    ### END SOLUTION
    cache = x
    return out, cache


def softplus_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Gradient of softplus: dout * sigmoid(x).

    Args:
        dout: upstream gradient, same shape as x.
        cache: from softplus_forward.

    Returns:
        dx: same shape as x.

    The derivative of softplus is the sigmoid: reuse your stable ``sigmoid_forward``.
    """
    x = cache
    dout = _check_dout("softplus_backward", dout, x.shape)
    dx = None  # your gradient, with x's shape
    ### BEGIN SOLUTION
    dx = dout * sigmoid_forward(x)[0]
    ### END SOLUTION
    return dx


# ----- GELU ------------------------------------------------------------------------------------
def gelu_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GELU, tanh approximation: 0.5 x (1 + tanh(GELU_C (x + GELU_A x^3))).

    Args:
        x: array of any shape.

    Returns:
        out: same shape as x.
        cache: what gelu_backward needs.
    """
    x = np.asarray(x)
    out = None  # your output, with x's shape
    ### BEGIN SOLUTION
    t = np.tanh(GELU_C * (x + GELU_A * x**3))
    out = 0.5 * x * (1 + t)
    ### END SOLUTION
    cache = x
    return out, cache


def gelu_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Gradient of the tanh-approximated GELU.

    Args:
        dout: upstream gradient, same shape as x.
        cache: from gelu_forward.

    Returns:
        dx: same shape as x.

    With u = GELU_C (x + GELU_A x^3) and t = tanh(u), gelu(x) = 0.5 x (1 + t). Use the
    product rule on 0.5 x * (1 + t), then the chain rule through tanh (its derivative is
    1 - t^2) and through u (du/dx = GELU_C (1 + 3 GELU_A x^2)).
    """
    x = cache
    dout = _check_dout("gelu_backward", dout, x.shape)
    dx = None  # your gradient, with x's shape
    ### BEGIN SOLUTION
    t = np.tanh(GELU_C * (x + GELU_A * x**3))
    du_dx = GELU_C * (1 + 3 * GELU_A * x * x)
    dx = dout * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du_dx)
    ### END SOLUTION
    return dx


# ----- lookup by name (used by fc_net.py) -------------------------------------------------------
ActivationPair = tuple[Callable[..., tuple[np.ndarray, Any]], Callable[..., np.ndarray]]

ACTIVATIONS: dict[str, ActivationPair] = {
    "relu": (relu_forward, relu_backward),
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "tanh": (tanh_forward, tanh_backward),
    "leaky_relu": (leaky_relu_forward, leaky_relu_backward),
    "elu": (elu_forward, elu_backward),
    "softplus": (softplus_forward, softplus_backward),
    "gelu": (gelu_forward, gelu_backward),
}


def get_activation(name: str) -> ActivationPair:
    """The (forward, backward) pair of the activation called ``name`` (e.g. "relu")."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of "
                         f"{', '.join(sorted(ACTIVATIONS))}")
    return ACTIVATIONS[name]
