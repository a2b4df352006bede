# Generated from hw2_fcnet/layers.py: handed out complete, do not edit.
"""Modular layers: the affine (fully-connected) layer and the softmax loss.

Every layer comes as a pair of functions:

* ``layer_forward(inputs...) -> (out, cache)`` computes the output and keeps in ``cache``
  whatever the backward pass will need;
* ``layer_backward(dout, cache) -> grads`` receives ``dout``, the gradient of the final
  loss with respect to ``out`` (same shape as ``out``), and returns the gradients of the
  loss with respect to each input of the forward pass, each with that input's shape.

Chaining such pairs is backpropagation: run the forward functions in order, then the
backward functions in the reverse order, each one turning the upstream gradient into the
gradients of its own inputs (the chain rule, one gate at a time).

Notation: a batch holds N examples as rows; D is the number of input features, M the
number of output units of a layer and C the number of classes.
"""

from __future__ import annotations

import math

import numpy as np


def _check_affine_inputs(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> None:
    """Raise ValueError, naming the shapes, unless x (N, ...), w (D, M), b (M,) fit."""
    if x.ndim < 1:
        raise ValueError("affine_forward expects x of shape (N, d_1, ..., d_k), got a scalar")
    if w.ndim != 2:
        raise ValueError(f"affine_forward expects w of shape (D, M), got shape {w.shape}")
    D = math.prod(x.shape[1:])
    if D != w.shape[0]:
        raise ValueError(f"x has shape {x.shape}, i.e. D = {D} features per example, but w has "
                         f"shape {w.shape}: w.shape[0] must equal D")
    if b.shape != (w.shape[1],):
        raise ValueError(f"b must have shape (M,) = ({w.shape[1]},) to match w {w.shape}, got "
                         f"shape {b.shape}")


def affine_forward(x: np.ndarray, w: np.ndarray,
                   b: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Forward pass of an affine (fully-connected) layer: out = x_flat @ w + b.

    Args:
        x: (N, d_1, ..., d_k) inputs; each example is flattened into a row of
            D = d_1 * ... * d_k numbers (for instance an image (3, 32, 32) becomes D = 3072).
        w: (D, M) weights.
        b: (M,) biases, added to every row.

    Returns:
        out: (N, M) outputs.
        cache: (x, w, b), for ``affine_backward``.

    Hint: ``x.reshape(N, -1)`` flattens every example without copying data; do not modify x.
    """
    x, w, b = np.asarray(x), np.asarray(w), np.asarray(b)
    _check_affine_inputs(x, w, b)
    out = None  # your (N, M) output
    out = x.reshape(x.shape[0], -1) @ w
    out += b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout: np.ndarray,
                    cache: tuple[np.ndarray, np.ndarray, np.ndarray]
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of an affine layer.

    Args:
        dout: (N, M) gradient of the loss with respect to the layer's output.
        cache: (x, w, b) as returned by ``affine_forward``; x: (N, d_1, ..., d_k),
            w: (D, M), b: (M,).

    Returns:
        dx: (N, d_1, ..., d_k) gradient with respect to x, with x's original shape.
        dw: (D, M) gradient with respect to w.
        db: (M,) gradient with respect to b.

    With x_flat = x.reshape(N, D) and out = x_flat @ w + b, the chain rule gives
    dx_flat = dout @ w^T, dw = x_flat^T @ dout, and db = the sum of dout over the batch
    (the bias is added to every row, so each row passes its gradient back to it).
    Check your shapes: each gradient has exactly the shape of the variable it belongs to.
    """
    x, w, b = cache
    dout = np.asarray(dout)
    if dout.shape != (x.shape[0], w.shape[1]):
        raise ValueError(f"affine_backward expects dout of shape (N, M) = "
                         f"({x.shape[0]}, {w.shape[1]}), got shape {dout.shape}")
    dx = dw = db = None  # your three gradients
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


def softmax_loss(x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean softmax (cross-entropy) loss of class scores, and its gradient.

    Args:
        x: (N, C) class scores; x[i, j] is the score of class j for example i.
        y: (N,) integer labels in [0, C).

    Returns:
        loss: (1/N) sum_i [ log sum_j exp(x[i, j]) - x[i, y[i]] ], a Python float.
        dx: (N, C) gradient of the loss with respect to x: (softmax(x) - one_hot(y)) / N.

    Subtract each row's maximum before exponentiating: the softmax does not change, and
    exp cannot overflow even for scores in the thousands. No Python loops are needed
    (``x[np.arange(N), y]`` picks the true class of every row).
    """
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 2:
        raise ValueError(f"softmax_loss expects scores x of shape (N, C), got shape {x.shape}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"y must have shape (N,) = ({x.shape[0]},) to match scores "
                         f"{x.shape}, got shape {y.shape}")
    if x.shape[0] == 0:
        raise ValueError("softmax_loss needs at least one example (got N = 0)")
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must hold integer class labels, got dtype {y.dtype}")
    if y.min() < 0 or y.max() >= x.shape[1]:
        raise ValueError(f"labels in y must lie in [0, C) = [0, {x.shape[1]}), got values "
                         f"from {y.min()} to {y.max()}")
    loss, dx = 0.0, np.zeros(x.shape)
    N = x.shape[0]
    rows = np.arange(N)
    shifted = x - x.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    norm = exp.sum(axis=1, keepdims=True)  # log(norm[i]) = log sum_j exp(shifted[i, j])
    loss = np.sum(np.log(norm[:, 0]) - shifted[rows, y]) / N
    dx = exp / norm  # the softmax probabilities
    dx[rows, y] -= 1
    dx /= N
    return float(loss), dx
