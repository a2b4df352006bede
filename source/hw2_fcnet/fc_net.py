"""A fully-connected network of any depth, built from the layers you wrote.

The network with hidden sizes [H_1, ..., H_{L-1}] is

    X -> affine -> f -> affine -> f -> ... -> affine -> f -> affine -> scores -> softmax loss
         \\___ hidden layer 1 ___/            \\__ hidden layer L-1 __/   \\ output layer L /

where f is one activation function chosen by name ("relu", "tanh", ... see activations.py).
Layer i maps (N, d_{i-1}) to (N, d_i) with weights W_i: (d_{i-1}, d_i) and biases b_i:
(d_i,), where d_0 = D (input features) and d_L = C (classes).

The "sandwich" ``affine_activation_forward``/``affine_activation_backward`` chains the two
layers of a hidden layer; the network is a loop over such sandwiches followed by a last
affine layer.

Write the parts marked ``# YOUR CODE HERE``; everything else is given.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from activations import get_activation
from layers import affine_backward, affine_forward, softmax_loss

# The building blocks from layers.py that this file chains together.
BUILDING_BLOCKS = (affine_forward, affine_backward, softmax_loss)


def affine_activation_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray,
                              activation: str = "relu") -> tuple[np.ndarray, tuple]:
    """An affine layer followed by an activation: f(x_flat @ w + b).

    Args:
        x: (N, d_1, ..., d_k) inputs, D = d_1 * ... * d_k.
        w: (D, M) weights.
        b: (M,) biases.
        activation: name of the activation f ("relu", "sigmoid", "tanh", "leaky_relu",
            "elu", "softplus" or "gelu"; leaky_relu and elu use their default alpha).

    Returns:
        out: (N, M) activations.
        cache: (affine_cache, activation_cache, activation) for the backward pass.
    """
    act_forward, _ = get_activation(activation)
    out, affine_cache, act_cache = np.zeros(0), (), ()
    ### BEGIN SOLUTION
    a, affine_cache = affine_forward(x, w, b)
    out, act_cache = act_forward(a)
    ### END SOLUTION
    cache = (affine_cache, act_cache, activation)
    return out, cache


def affine_activation_backward(dout: np.ndarray,
                               cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of ``affine_activation_forward``.

    Args:
        dout: (N, M) gradient of the loss with respect to the sandwich's output.
        cache: (affine_cache, activation_cache, activation) from the forward pass.

    Returns:
        dx: gradient with respect to x, with x's shape (N, d_1, ..., d_k).
        dw: (D, M) gradient with respect to w.
        db: (M,) gradient with respect to b.

    Go backwards through the two layers: first the activation, then the affine layer.
    """
    affine_cache, act_cache, activation = cache
    _, act_backward = get_activation(activation)
    dx, dw, db = np.zeros(0), np.zeros(0), np.zeros(0)
    ### BEGIN SOLUTION
    da = act_backward(dout, act_cache)
    dx, dw, db = affine_backward(da, affine_cache)
    ### END SOLUTION
    return dx, dw, db


def _check_dims(hidden_dims: Any, input_dim: Any, num_classes: Any) -> list[int]:
    """[input_dim, *hidden_dims, num_classes] as ints, or a ValueError saying what is wrong."""
    if isinstance(hidden_dims, str | bytes) or not isinstance(hidden_dims, Sequence | np.ndarray):
        raise ValueError(f"hidden_dims must be a list of layer sizes such as [100, 100], got "
                         f"{hidden_dims!r}")
    dims = [input_dim, *list(hidden_dims), num_classes]
    names = ["input_dim", *[f"hidden_dims[{i}]" for i in range(len(dims) - 2)], "num_classes"]
    for name, value in zip(names, dims, strict=True):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return [int(d) for d in dims]


class FullyConnectedNet:
    """A fully-connected classifier: (affine -> activation) x (L - 1), then affine.

    Attributes:
        params: dict with "W1", "b1", ..., "WL", "bL"; Wi: (d_{i-1}, d_i), bi: (d_i,),
            all of dtype ``dtype``.
        num_layers: L = len(hidden_dims) + 1.
        activation: the activation's name.
        reg: L2 regularization strength.
        dtype: numpy dtype of the parameters and of the computation.
    """

    def __init__(self, hidden_dims: Sequence[int], input_dim: int = 3 * 32 * 32,
                 num_classes: int = 10, activation: str = "relu", reg: float = 0.0,
                 weight_scale: float = 1e-2, dtype: Any = np.float64,
                 seed: int | None = None) -> None:
        """Create the network and draw its initial parameters.

        Args:
            hidden_dims: sizes [H_1, ..., H_{L-1}] of the hidden layers (may be empty: a
                linear softmax classifier).
            input_dim: D, the number of input features.
            num_classes: C, the number of classes.
            activation: name of the activation of every hidden layer (see activations.py).
            reg: L2 regularization strength.
            weight_scale: standard deviation of the initial weights.
            dtype: dtype of the parameters (np.float64 for gradient checks, np.float32 is
                faster).
            seed: seed of the random generator that draws the initial weights.

        Initialization, exactly in this order so that a seed always gives the same net:
        create ONE generator ``rng = np.random.default_rng(seed)``; for i = 1, ..., L draw
        ``weight_scale * rng.standard_normal((d_{i-1}, d_i))`` as W_i (then convert it to
        ``dtype``), and set b_i to zeros of shape (d_i,) and dtype ``dtype``.
        """
        dims = _check_dims(hidden_dims, input_dim, num_classes)
        get_activation(activation)  # raises ValueError for an unknown name
        if (isinstance(reg, bool) or not isinstance(reg, int | float | np.integer | np.floating)
                or not np.isfinite(reg) or reg < 0):
            raise ValueError(f"reg must be a finite number >= 0, got {reg!r}")
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise ValueError(f"dtype must be a floating-point type such as np.float64, got "
                             f"{self.dtype}")
        self.hidden_dims = dims[1:-1]
        self.input_dim, self.num_classes = dims[0], dims[-1]
        self.num_layers = len(dims) - 1
        self.activation = activation
        self.reg = float(reg)
        self.params: dict[str, np.ndarray] = {}
        ### BEGIN SOLUTION
        rng = np.random.default_rng(seed)
        for i in range(1, self.num_layers + 1):
            W = weight_scale * rng.standard_normal((dims[i - 1], dims[i]))
            self.params[f"W{i}"] = W.astype(self.dtype)
            self.params[f"b{i}"] = np.zeros(dims[i], dtype=self.dtype)
        ### END SOLUTION

    def _check_batch(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray | None]:
        """X as an array of self.dtype and y as labels, or a ValueError naming the shapes."""
        X = np.asarray(X)
        if X.ndim < 2 or math.prod(X.shape[1:]) != self.input_dim:
            raise ValueError(f"X must have shape (N, {self.input_dim}) (or (N, ...) with "
                             f"{self.input_dim} features per example), got shape {X.shape}")
        X = X.astype(self.dtype, copy=False)
        if y is None:
            return X, None
        y = np.asarray(y)
        if y.shape != (X.shape[0],) or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(f"y must hold N = {X.shape[0]} integer labels (shape "
                             f"({X.shape[0]},)), got shape {y.shape} and dtype {y.dtype}")
        return X, y

    def loss(self, X: np.ndarray,
             y: np.ndarray | None = None) -> np.ndarray | tuple[float, dict[str, np.ndarray]]:
        """Class scores, or the loss and its gradients.

        Args:
            X: (N, D) inputs (or (N, d_1, ..., d_k) with D = d_1 * ... * d_k).
            y: (N,) integer labels in [0, C), or None.

        Returns:
            If y is None: scores, (N, C).
            Otherwise (loss, grads): loss = softmax_loss(scores, y) + reg * sum_i sum(Wi * Wi)
            (weights only, no biases), a float; grads has the keys of self.params, each
            gradient with the shape and dtype of its parameter.

        Forward: run the L - 1 hidden sandwiches, then the last affine layer, keeping every
        cache in a list. Backward: the softmax loss gives d scores; walk the layers in
        reverse order, popping the caches. Then add the regularization to the loss and
        2 * reg * Wi to each weight gradient.
        """
        X, y = self._check_batch(X, y)
        scores = np.zeros((X.shape[0], self.num_classes), dtype=self.dtype)
        ### BEGIN SOLUTION
        L = self.num_layers
        caches = []
        h = X
        for i in range(1, L):
            h, cache = affine_activation_forward(h, self.params[f"W{i}"],
                                                 self.params[f"b{i}"], self.activation)
            caches.append(cache)
        scores, cache = affine_forward(h, self.params[f"W{L}"], self.params[f"b{L}"])
        caches.append(cache)
        ### END SOLUTION
        if y is None:
            return scores

        loss, grads = 0.0, {}
        ### BEGIN SOLUTION
        loss, dh = softmax_loss(scores, y)
        for i in range(L, 1, -1):  # layers L, ..., 2 pass dh on to the layer below
            backward = affine_backward if i == L else affine_activation_backward
            dh, grads[f"W{i}"], grads[f"b{i}"] = backward(dh, caches.pop())
        # Layer 1 takes the data X, whose gradient nothing uses: of affine_backward's three
        # results only dW1 and db1 are needed, so they are computed here without dX
        # (dX = dh @ W1.T would cost as much as the forward product X @ W1, the step's
        # largest).
        cache = caches.pop()
        if L > 1:  # layer 1 is a sandwich: back through its activation first
            _, act_backward = get_activation(self.activation)
            dh = act_backward(dh, cache[1])
        grads["W1"] = X.reshape(X.shape[0], -1).T @ dh
        grads["b1"] = dh.sum(axis=0)
        if self.reg:
            for i in range(1, L + 1):
                W, dW = self.params[f"W{i}"], grads[f"W{i}"]
                loss += self.reg * np.vdot(W, W)  # = np.sum(W * W), without a temporary
                # dW += 2 * reg * W, in place: for a large W, allocating a temporary array
                # costs more than the arithmetic itself
                dW /= 2 * self.reg
                dW += W
                dW *= 2 * self.reg
        ### END SOLUTION
        return float(loss), grads
