"""Inverted dropout, as a forward/backward pair.

During training, dropout keeps each unit with probability p and sets it to zero
otherwise, with a fresh random choice for every example and every step. Each step thus
trains a different thinned network, and no unit can rely on particular others being
present.

At test time every unit is present. Without correction a unit would then receive about
1/p times the input it saw on average during training. *Inverted* dropout corrects this
during training instead: the units it keeps are divided by p, so the expected value of
every output equals its input,

    E[out] = p * (x / p) + (1 - p) * 0 = x,

and the test-time pass is the identity: nothing to rescale, no randomness.

Notation: ``p`` is the probability of KEEPING a unit (not of dropping it).

Write the parts marked ``# YOUR CODE HERE``; everything else is given.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _check_dropout_param(dropout_param: Any) -> tuple[float, str]:
    """(p, mode) from dropout_param, or a clear error when they are missing or invalid."""
    if not isinstance(dropout_param, dict):
        raise TypeError("dropout_forward expects dropout_param to be a dict, got "
                        f"{type(dropout_param).__name__}")
    if "p" not in dropout_param:
        raise ValueError("dropout_param needs 'p', the probability of keeping a unit")
    p = dropout_param["p"]
    if isinstance(p, bool) or not np.isscalar(p) or not 0 < p <= 1:
        raise ValueError(f"dropout_param['p'] is the probability of keeping a unit and must "
                         f"lie in (0, 1], got {p!r}")
    mode = dropout_param.get("mode")
    if mode not in ("train", "test"):
        raise ValueError(f"dropout_param['mode'] must be 'train' or 'test', got {mode!r}")
    return float(p), mode


def dropout_forward(x: np.ndarray,
                    dropout_param: dict[str, Any]) -> tuple[np.ndarray, tuple[dict, Any]]:
    """Forward pass of inverted dropout.

    Args:
        x: inputs of any shape, e.g. (N, D).
        dropout_param: a dict with the keys
            * ``p``: the probability of keeping each unit, in (0, 1];
            * ``mode``: "train" or "test";
            * ``seed`` (optional): passed to ``np.random.default_rng``; an int gives the
              same mask on every call (handy for gradient checks), a
              ``np.random.Generator`` is used as it is (fresh masks that are still
              reproducible), and None or no seed gives unpredictable masks.

    Returns:
        out: array of x's shape.
        cache: (dropout_param, mask); mask has x's shape in train mode and is None in
            test mode.

    Train mode: draw the mask with exactly

        rng = np.random.default_rng(dropout_param.get("seed"))
        mask = (rng.random(x.shape) < p) / p

    (so that a seed always gives the same mask), and return x * mask. Test mode: return
    (a copy of) x unchanged. Do not modify x.
    """
    x = np.asarray(x)
    p, mode = _check_dropout_param(dropout_param)
    out: np.ndarray | None = None
    mask: np.ndarray | None = None
    if mode == "train":
        # YOUR CODE HERE
        raise NotImplementedError("dropout_forward is not implemented yet")
    else:
        # YOUR CODE HERE
        raise NotImplementedError("dropout_forward is not implemented yet")
    cache = (dropout_param, mask)
    return out, cache


def dropout_backward(dout: np.ndarray, cache: tuple[dict, Any]) -> np.ndarray:
    """Backward pass of inverted dropout.

    Args:
        dout: upstream gradient, of the forward input's shape.
        cache: (dropout_param, mask) from ``dropout_forward``.

    Returns:
        dx: gradient with respect to x, of dout's shape.

    In train mode out = x * mask elementwise, so each entry of x receives its upstream
    gradient times the same mask entry that was used in the forward pass (never draw a new
    mask here). In test mode the layer is the identity.
    """
    dropout_param, mask = cache
    dout = np.asarray(dout)
    if mask is not None and dout.shape != np.shape(mask):
        raise ValueError(f"dropout_backward expects dout with the shape of the forward "
                         f"input {np.shape(mask)}, got shape {dout.shape}")
    dx: np.ndarray | None = None
    if dropout_param.get("mode") == "train":
        # YOUR CODE HERE
        raise NotImplementedError("dropout_backward is not implemented yet")
    else:
        # YOUR CODE HERE
        raise NotImplementedError("dropout_backward is not implemented yet")
    return dx
