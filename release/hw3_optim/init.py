"""Weight initialization: how large should the random starting weights of a layer be?

A fully connected layer computes the pre-activations ``z = x @ W`` for a batch
``x: (N, fan_in)`` and ``W: (fan_in, fan_out)``. If the entries of x are independent with
mean 0 and second moment m, and the entries of W are independent of x with mean 0 and
variance s^2, each entry of z is a sum of fan_in such products, so

    Var(z) = fan_in * s^2 * m.

Too small an s^2 and the signal (and the gradient flowing back) shrinks layer after
layer; too large and it grows, or saturates a tanh. Choosing s^2 so that Var(z) stays
constant from layer to layer gives:

* Xavier initialization, for tanh (about the identity near 0, so m ~ Var(z) of the
  previous layer): s^2 = 1 / fan_in.
* He initialization, for ReLU, which sets half of its inputs to 0 and so keeps only half
  of their second moment (m = Var(z) / 2): s^2 = 2 / fan_in.

The graded functions draw from the random generator they are given (never from numpy's
global random state), so the same generator state always gives the same weights.

Write the parts marked ``# YOUR CODE HERE``; everything else is given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

Initializer = Callable[[int, int, np.random.Generator], np.ndarray]


def _check_layer(name: str, fan_in: int, fan_out: int, rng: np.random.Generator) -> None:
    """Raise a clear error unless fan_in, fan_out are positive integers and rng a Generator."""
    for label, value in (("fan_in", fan_in), ("fan_out", fan_out)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{name}: {label} must be a positive integer, got {value!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{name}: rng must be a numpy Generator, e.g. "
                        f"np.random.default_rng(0), got {type(rng).__name__}")


# ----------------------------------------------------------------------------------------
# Given: the naive initialization
# ----------------------------------------------------------------------------------------
def gaussian_init(fan_in: int, fan_out: int, rng: np.random.Generator,
                  scale: float = 1e-2) -> np.ndarray:
    """Naive initialization: ``scale * rng.standard_normal((fan_in, fan_out))``.

    The standard deviation is the same for every layer, whatever its fan-in (this is
    what ``FullyConnectedNet(weight_scale=...)`` does).

    Args:
        fan_in: the number of inputs of the layer (D for the first layer).
        fan_out: the number of outputs of the layer (H).
        rng: the random generator to draw from.
        scale: the standard deviation of every weight.

    Returns:
        W: (fan_in, fan_out) float64 weights.
    """
    _check_layer("gaussian_init", fan_in, fan_out, rng)
    return scale * rng.standard_normal((fan_in, fan_out))


# ----------------------------------------------------------------------------------------
# Graded: Xavier and He initialization
# ----------------------------------------------------------------------------------------
def xavier_init(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """Xavier initialization: zero-mean weights with variance 1 / fan_in.

    Draw the weights from a Gaussian with mean 0 and standard deviation sqrt(1 / fan_in),
    using ``rng`` (for example ``rng.standard_normal``).

    Args:
        fan_in: the number of inputs of the layer (the rows of W).
        fan_out: the number of outputs of the layer (the columns of W).
        rng: the random generator to draw from; do not use np.random.* functions.

    Returns:
        W: (fan_in, fan_out) float64 weights.
    """
    _check_layer("xavier_init", fan_in, fan_out, rng)
    W = None
    # YOUR CODE HERE
    raise NotImplementedError("xavier_init is not implemented yet")
    return W


def he_init(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """He initialization: zero-mean weights with variance 2 / fan_in (for ReLU layers).

    Draw the weights from a Gaussian with mean 0 and standard deviation sqrt(2 / fan_in),
    using ``rng``.

    Args:
        fan_in: the number of inputs of the layer (the rows of W).
        fan_out: the number of outputs of the layer (the columns of W).
        rng: the random generator to draw from; do not use np.random.* functions.

    Returns:
        W: (fan_in, fan_out) float64 weights.
    """
    _check_layer("he_init", fan_in, fan_out, rng)
    W = None
    # YOUR CODE HERE
    raise NotImplementedError("he_init is not implemented yet")
    return W


# ----------------------------------------------------------------------------------------
# Given: re-initializing a network
# ----------------------------------------------------------------------------------------
def initialize_weights(params: Mapping[str, np.ndarray], init: Initializer,
                       rng: np.random.Generator) -> dict[str, np.ndarray]:
    """New parameters in which every weight matrix ``W1, W2, ...`` is drawn by ``init``.

    Biases and any other parameters are copied unchanged. Weights are drawn in layer
    order (W1 first), each with ``init(fan_in, fan_out, rng)`` where
    ``(fan_in, fan_out) = params[f"W{i}"].shape``.

    Args:
        params: a network's parameters, e.g. ``net.params`` of a FullyConnectedNet
            (``W1: (D, H1)``, ``b1: (H1,)``, ...). Not modified.
        init: an initializer such as ``he_init`` or
            ``functools.partial(gaussian_init, scale=1.0)``.
        rng: the random generator passed to every call of ``init``.

    Returns:
        A new dict with the same keys; use it as ``net.params = initialize_weights(...)``.
    """
    out = {name: np.array(value, copy=True) for name, value in params.items()}
    layer = 1
    while f"W{layer}" in params:
        old = np.asarray(params[f"W{layer}"])
        if old.ndim != 2:
            raise ValueError(f"W{layer} must be a matrix (fan_in, fan_out), got shape {old.shape}")
        new = np.asarray(init(old.shape[0], old.shape[1], rng))
        if new.shape != old.shape:
            raise ValueError(f"the initializer returned shape {new.shape} for W{layer}, "
                             f"expected {old.shape}")
        out[f"W{layer}"] = new.astype(old.dtype, copy=False)
        layer += 1
    if layer == 1:
        raise ValueError(f"params has no weight matrix W1 (its keys are {sorted(params)})")
    return out
