"""A fully-connected network of any depth with optional normalization and dropout.

This is hw2's network (given complete) with two optional parts that you add. Every hidden
layer i = 1, ..., L - 1 is

    affine -> [batchnorm or layernorm] -> activation -> [dropout]

and the output layer L is a plain affine layer followed by the softmax loss. The parts in
brackets are present only when enabled:

* ``normalization="batchnorm"`` or ``"layernorm"`` adds a normalization layer with its
  own learned scale gamma_i: (d_i,) and shift beta_i: (d_i,), stored in ``params`` as
  "gamma1", "beta1", ..., "gamma{L-1}", "beta{L-1}" (initialized to ones and zeros,
  so that at the start each normalization layer outputs plain standardized values);
* ``dropout_keep_ratio=p < 1`` adds inverted dropout keeping each unit with probability p.

Layer i maps (N, d_{i-1}) to (N, d_i), where d_0 = D (input features) and d_L = C
(classes). Both new parts behave differently in training and at test time:
``loss(X, y)`` runs them in train mode (batch statistics, random masks) and ``loss(X)``
in test mode (running averages, no dropout).

Write the parts marked ``# YOUR CODE HERE``; everything else is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from activations import get_activation
from dropout import dropout_backward, dropout_forward
from layers import affine_backward, affine_forward, softmax_loss
from normalization import (
    batchnorm_backward_alt,
    batchnorm_forward,
    layernorm_backward,
    layernorm_forward,
)

NORMALIZATIONS = (None, "batchnorm", "layernorm")
# The (forward, backward) pair of each normalization layer, and of dropout.
NORM_LAYERS = {
    "batchnorm": (batchnorm_forward, batchnorm_backward_alt),
    "layernorm": (layernorm_forward, layernorm_backward),
}
DROPOUT_LAYER = (dropout_forward, dropout_backward)


# ----- given: hw2's sandwich ------------------------------------------------------------
def affine_activation_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray,
                              activation: str = "relu") -> tuple[np.ndarray, tuple]:
    """An affine layer followed by an activation: f(x_flat @ w + b).

    Args:
        x: (N, d_1, ..., d_k) inputs, D = d_1 * ... * d_k.
        w: (D, M) weights.
        b: (M,) biases.
        activation: name of the activation f (see activations.py).

    Returns:
        out: (N, M) activations.
        cache: (affine_cache, activation_cache, activation) for the backward pass.
    """
    act_forward, _ = get_activation(activation)
    a, affine_cache = affine_forward(x, w, b)
    out, act_cache = act_forward(a)
    return out, (affine_cache, act_cache, activation)


def affine_activation_backward(dout: np.ndarray,
                               cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of ``affine_activation_forward``: (dx, dw, db)."""
    affine_cache, act_cache, activation = cache
    _, act_backward = get_activation(activation)
    da = act_backward(dout, act_cache)
    return affine_backward(da, affine_cache)


def affine_param_backward(dout: np.ndarray,
                          cache: tuple[np.ndarray, np.ndarray, np.ndarray]
                          ) -> tuple[np.ndarray, np.ndarray]:
    """``affine_backward`` without dx: (dw (D, M), db (M,)), for a layer whose input needs
    no gradient.

    The first layer's input is the data X, and nothing uses dX: it would cost as much as
    the forward product X @ W1, the largest of a training step.
    """
    x, _, _ = cache
    return x.reshape(x.shape[0], -1).T @ dout, dout.sum(axis=0)


# ----- new: the sandwich with a normalization layer ---------------------------------------
def affine_norm_activation_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray,
                                   gamma: np.ndarray, beta: np.ndarray,
                                   norm_param: dict[str, Any], normalization: str,
                                   activation: str = "relu") -> tuple[np.ndarray, tuple]:
    """affine -> normalization -> activation, for one hidden layer.

    Args:
        x: (N, d_1, ..., d_k) inputs, D = d_1 * ... * d_k.
        w: (D, M) weights.
        b: (M,) biases.
        gamma: (M,) scale of the normalization layer.
        beta: (M,) shift of the normalization layer.
        norm_param: the layer's bn_param (batchnorm: mode and running averages) or
            ln_param (layernorm); passed on unchanged.
        normalization: "batchnorm" or "layernorm".
        activation: name of the activation (see activations.py).

    Returns:
        out: (N, M) activations.
        cache: (affine_cache, norm_cache, activation_cache, normalization, activation).

    Chain the three forward functions (the normalization's is picked for you).
    """
    if normalization not in NORM_LAYERS:
        raise ValueError(f"normalization must be 'batchnorm' or 'layernorm', got "
                         f"{normalization!r}")
    act_forward, _ = get_activation(activation)
    norm_forward, _ = NORM_LAYERS[normalization]
    out, affine_cache, norm_cache, act_cache = np.zeros(0), (), None, ()
    ### BEGIN SOLUTION
    a, affine_cache = affine_forward(x, w, b)
    n, norm_cache = norm_forward(a, gamma, beta, norm_param)
    out, act_cache = act_forward(n)
    ### END SOLUTION
    cache = (affine_cache, norm_cache, act_cache, normalization, activation)
    return out, cache


def affine_norm_activation_backward(
        dout: np.ndarray, cache: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of ``affine_norm_activation_forward`` (train mode).

    Args:
        dout: (N, M) gradient of the loss with respect to the sandwich's output.
        cache: from the forward pass.

    Returns:
        dx (x's shape), dw (D, M), db (M,), dgamma (M,), dbeta (M,).

    Go backwards: activation, normalization, affine. (For batch norm, NORM_LAYERS picks
    your ``batchnorm_backward_alt``, the faster of your two equal versions.)
    """
    affine_cache, norm_cache, act_cache, normalization, activation = cache
    _, act_backward = get_activation(activation)
    _, norm_backward = NORM_LAYERS[normalization]
    dx, dw, db, dgamma, dbeta = (np.zeros(0),) * 5
    ### BEGIN SOLUTION
    dn = act_backward(dout, act_cache)
    da, dgamma, dbeta = norm_backward(dn, norm_cache)
    dx, dw, db = affine_backward(da, affine_cache)
    ### END SOLUTION
    return dx, dw, db, dgamma, dbeta


# ----- given: argument checks -----------------------------------------------------------
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


def _check_options(normalization: Any, dropout_keep_ratio: Any) -> float:
    """Validate the two hw4 options; returns the keep ratio as a float."""
    if normalization not in NORMALIZATIONS:
        raise ValueError(f"normalization must be None, 'batchnorm' or 'layernorm', got "
                         f"{normalization!r}")
    if (isinstance(dropout_keep_ratio, bool)
            or not isinstance(dropout_keep_ratio, int | float | np.integer | np.floating)
            or not 0 < dropout_keep_ratio <= 1):
        raise ValueError(f"dropout_keep_ratio is the probability of keeping a unit and must "
                         f"lie in (0, 1], got {dropout_keep_ratio!r}")
    return float(dropout_keep_ratio)


class FullyConnectedNet:
    """A fully-connected classifier with optional normalization and dropout.

    Attributes:
        params: dict with "W1", "b1", ..., "WL", "bL" and, with normalization,
            "gamma1", "beta1", ..., "gamma{L-1}", "beta{L-1}"; all of dtype ``dtype``.
        num_layers: L = len(hidden_dims) + 1.
        hidden_dims, input_dim, num_classes, activation, reg, dtype: as given.
        normalization: None, "batchnorm" or "layernorm".
        dropout_keep_ratio: p; dropout is used when p < 1 (``use_dropout``).
        norm_params: one dict per hidden layer, passed as bn_param / ln_param to that
            layer's normalization (batch norm keeps its running averages there).
        dropout_param: the dict passed to every dropout layer. Its "seed" is the
            network's random generator, so masks are fresh on every call and still
            reproducible from ``seed``; set it to an int to get the same masks on every
            call (for gradient checks).
    """

    def __init__(self, hidden_dims: Sequence[int], input_dim: int = 3 * 32 * 32,
                 num_classes: int = 10, activation: str = "relu", reg: float = 0.0,
                 weight_scale: float = 1e-2, dtype: Any = np.float64,
                 seed: int | None = None, normalization: str | None = None,
                 dropout_keep_ratio: float = 1.0) -> None:
        """Create the network and draw its initial parameters.

        Args:
            hidden_dims: sizes [H_1, ..., H_{L-1}] of the hidden layers.
            input_dim: D, the number of input features.
            num_classes: C, the number of classes.
            activation: name of the activation of every hidden layer (see activations.py).
            reg: L2 regularization strength (weights only).
            weight_scale: standard deviation of the initial weights.
            dtype: dtype of the parameters (np.float64 for gradient checks).
            seed: seed of the random generator (initial weights, then dropout masks).
            normalization: None, "batchnorm" or "layernorm".
            dropout_keep_ratio: probability of keeping a unit in dropout; 1 means no
                dropout.

        The weights and biases are drawn as in hw2 (given). With normalization, add
        gamma_i = ones and beta_i = zeros of shape (d_i,) and dtype ``dtype`` for every
        hidden layer i = 1, ..., L - 1 (not for the output layer).
        """
        dims = _check_dims(hidden_dims, input_dim, num_classes)
        get_activation(activation)  # raises ValueError for an unknown name
        if (isinstance(reg, bool) or not isinstance(reg, int | float | np.integer | np.floating)
                or not np.isfinite(reg) or reg < 0):
            raise ValueError(f"reg must be a finite number >= 0, got {reg!r}")
        keep = _check_options(normalization, dropout_keep_ratio)
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise ValueError(f"dtype must be a floating-point type such as np.float64, got "
                             f"{self.dtype}")
        self.hidden_dims = dims[1:-1]
        self.input_dim, self.num_classes = dims[0], dims[-1]
        self.num_layers = len(dims) - 1
        self.activation = activation
        self.reg = float(reg)
        self.normalization = normalization
        self.dropout_keep_ratio = keep
        self.use_dropout = keep < 1.0
        self.params: dict[str, np.ndarray] = {}
        rng = np.random.default_rng(seed)
        for i in range(1, self.num_layers + 1):
            W = weight_scale * rng.standard_normal((dims[i - 1], dims[i]))
            self.params[f"W{i}"] = W.astype(self.dtype)
            self.params[f"b{i}"] = np.zeros(dims[i], dtype=self.dtype)
        if self.normalization is not None:
            ### BEGIN SOLUTION
            for i in range(1, self.num_layers):
                self.params[f"gamma{i}"] = np.ones(dims[i], dtype=self.dtype)
                self.params[f"beta{i}"] = np.zeros(dims[i], dtype=self.dtype)
            ### END SOLUTION
        self.norm_params: list[dict[str, Any]] = [{"mode": "train"}
                                                  for _ in range(self.num_layers - 1)]
        self.dropout_param: dict[str, Any] = {"mode": "train", "p": keep, "seed": rng}

    def _check_batch(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray | None]:
        """X as an array of self.dtype and y as labels, or a ValueError naming the shapes."""
        X = np.asarray(X)
        if X.ndim < 2 or int(np.prod(X.shape[1:], dtype=np.int64)) != self.input_dim:
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
        """Class scores (test mode), or the loss and its gradients (train mode).

        Args:
            X: (N, D) inputs (or (N, d_1, ..., d_k) with D = d_1 * ... * d_k).
            y: (N,) integer labels in [0, C), or None.

        Returns:
            If y is None: scores, (N, C), computed in test mode.
            Otherwise (loss, grads), computed in train mode: loss = softmax_loss(scores, y)
            + reg * sum_i sum(Wi * Wi) (weights only: no biases, gammas or betas), a float;
            grads has the keys of self.params, each gradient with its parameter's shape.

        The mode is set below in every norm_params dict and in dropout_param (given). The
        plain hidden layer and the output layer are given; add the normalization sandwich
        and dropout where marked, in the forward and in the backward pass.
        """
        X, y = self._check_batch(X, y)
        mode = "test" if y is None else "train"
        for norm_param in self.norm_params:
            norm_param["mode"] = mode
        self.dropout_param["mode"] = mode
        L = self.num_layers
        caches: list[Any] = []
        h = X
        for i in range(1, L):
            W, b = self.params[f"W{i}"], self.params[f"b{i}"]
            if self.normalization is None:
                h, cache = affine_activation_forward(h, W, b, self.activation)
            else:
                ### BEGIN SOLUTION
                h, cache = affine_norm_activation_forward(
                    h, W, b, self.params[f"gamma{i}"], self.params[f"beta{i}"],
                    self.norm_params[i - 1], self.normalization, self.activation)
                ### END SOLUTION
            caches.append(cache)
            if self.use_dropout:
                ### BEGIN SOLUTION
                h, cache = dropout_forward(h, self.dropout_param)
                ### END SOLUTION
                caches.append(cache)
        scores, cache = affine_forward(h, self.params[f"W{L}"], self.params[f"b{L}"])
        caches.append(cache)
        if y is None:
            return scores

        grads: dict[str, np.ndarray] = {}
        loss, dh = softmax_loss(scores, y)
        # Layer 1's input is the data X, whose gradient nothing uses: layer 1 goes back to
        # the gradient of its affine output only and gets dW1, db1 from affine_param_backward.
        if L == 1:
            grads["W1"], grads["b1"] = affine_param_backward(dh, caches.pop())
        else:
            dh, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dh, caches.pop())
        for i in range(L - 1, 0, -1):
            if self.use_dropout:
                ### BEGIN SOLUTION
                dh = dropout_backward(dh, caches.pop())
                ### END SOLUTION
            if self.normalization is None and i > 1:
                dh, grads[f"W{i}"], grads[f"b{i}"] = affine_activation_backward(dh, caches.pop())
            elif self.normalization is None:
                affine_cache, act_cache, activation = caches.pop()
                _, act_backward = get_activation(activation)
                grads["W1"], grads["b1"] = affine_param_backward(act_backward(dh, act_cache),
                                                                 affine_cache)
            else:
                # Calling the sandwich is right for layer 1 too (it also computes dX, unused).
                ### BEGIN SOLUTION
                if i > 1:
                    dh, grads[f"W{i}"], grads[f"b{i}"], grads[f"gamma{i}"], grads[f"beta{i}"] = (
                        affine_norm_activation_backward(dh, caches.pop()))
                else:
                    affine_cache, norm_cache, act_cache, normalization, activation = caches.pop()
                    _, act_backward = get_activation(activation)
                    _, norm_backward = NORM_LAYERS[normalization]
                    dn = act_backward(dh, act_cache)
                    da, dgamma, dbeta = norm_backward(dn, norm_cache)
                    grads["W1"], grads["b1"] = affine_param_backward(da, affine_cache)
                    grads["gamma1"], grads["beta1"] = dgamma, dbeta
                ### END SOLUTION
        if self.reg:
            for i in range(1, L + 1):
                W, dW = self.params[f"W{i}"], grads[f"W{i}"]
                loss += self.reg * np.vdot(W, W)  # = np.sum(W * W), without a temporary
                # dW += 2 * reg * W, in place: for a large W, allocating a temporary array
                # costs more than the arithmetic itself
                dW /= 2 * self.reg
                dW += W
                dW *= 2 * self.reg
        return float(loss), grads


# ----- given: saving a trained network -----------------------------------------------------
def inference_network(net: FullyConnectedNet) -> tuple[FullyConnectedNet, dict[str, Any]]:
    """A network with ``net``'s test-mode scores that ``utils.model_io.save_model`` can save.

    Returns:
        (network, constructor_kwargs): save it with
        ``save_model(path, network, **constructor_kwargs)``.

    A saved model holds ``params`` and constructor arguments only, not batch norm's
    running averages. In test mode batch norm is a fixed affine map per unit,
    n = gamma * (a - running_mean) / sqrt(running_var + eps) + beta, and a = x @ W + b is
    affine too, so the two fold into one affine layer with

        W' = W * s,  b' = (b - running_mean) * s + beta,  s = gamma / sqrt(running_var + eps)

    (s scales the columns of W). A batch-norm network therefore becomes a plain network
    (normalization=None) with equal scores. Layer norm computes its statistics from each
    example and is kept as it is, and dropout does nothing at test time, so such networks
    are returned unchanged.
    """
    kwargs: dict[str, Any] = {
        "hidden_dims": list(net.hidden_dims), "input_dim": net.input_dim,
        "num_classes": net.num_classes, "activation": net.activation, "reg": net.reg,
        "dtype": net.dtype.type, "normalization": net.normalization,
        "dropout_keep_ratio": net.dropout_keep_ratio,
    }
    if net.normalization != "batchnorm":
        return net, kwargs
    kwargs["normalization"] = None
    plain = FullyConnectedNet(**kwargs)
    L = net.num_layers
    for i in range(1, L):
        state = net.norm_params[i - 1]
        if "running_mean" not in state:
            raise ValueError("the batch-norm network has no running averages yet: train it "
                             "(call loss(X, y)) before saving it")
        eps = state.get("eps", 1e-5)
        s = net.params[f"gamma{i}"] / np.sqrt(state["running_var"] + eps)
        plain.params[f"W{i}"] = (net.params[f"W{i}"] * s).astype(net.dtype)
        plain.params[f"b{i}"] = ((net.params[f"b{i}"] - state["running_mean"]) * s
                                 + net.params[f"beta{i}"]).astype(net.dtype)
    plain.params[f"W{L}"] = net.params[f"W{L}"].copy()
    plain.params[f"b{L}"] = net.params[f"b{L}"].copy()
    return plain, kwargs
