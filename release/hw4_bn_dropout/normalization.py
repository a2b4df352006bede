"""Batch normalization and layer normalization, as forward/backward pairs.

Notation: a batch ``x: (N, D)`` holds N examples as rows and D features (units) as
columns; ``gamma: (D,)`` and ``beta: (D,)`` are learned per feature.

Batch normalization standardizes every feature (column) with statistics of the batch,
then lets the network rescale and shift it again:

    mu_j      = (1/N) sum_i x_ij                    the batch mean of feature j
    sigma2_j  = (1/N) sum_i (x_ij - mu_j)^2         its (biased) batch variance
    xhat_ij   = (x_ij - mu_j) / sqrt(sigma2_j + eps)
    out_ij    = gamma_j * xhat_ij + beta_j

At test time there may be a single example, and a prediction must not depend on which
other examples share its batch. So training keeps exponential running averages of the
batch statistics,

    running_mean = momentum * running_mean + (1 - momentum) * mu
    running_var  = momentum * running_var  + (1 - momentum) * sigma2

and test mode normalizes with these instead of the batch statistics.

Layer normalization uses the same formulas along the other axis: every example (row) is
standardized with its own mean and variance over its D features. It needs no running
averages and behaves the same in training and at test time, for any batch size.

Write the parts marked ``# YOUR CODE HERE``; everything else is given.
"""

from __future__ import annotations

from typing import Any

import numpy as np

DEFAULT_EPS = 1e-5
DEFAULT_MOMENTUM = 0.9


def _check_inputs(name: str, x: Any, gamma: Any,
                  beta: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x (N, D), gamma (D,), beta (D,) as arrays, or a ValueError naming the shapes."""
    x, gamma, beta = np.asarray(x), np.asarray(gamma), np.asarray(beta)
    if x.ndim != 2:
        raise ValueError(f"{name} expects x of shape (N, D), got shape {x.shape}")
    if x.shape[0] == 0:
        raise ValueError(f"{name} needs at least one example (got x of shape {x.shape})")
    D = x.shape[1]
    for label, value in (("gamma", gamma), ("beta", beta)):
        if value.shape != (D,):
            raise ValueError(f"{name}: {label} must have shape (D,) = ({D},) to match x "
                             f"{x.shape}, got shape {value.shape}")
    return x, gamma, beta


def _check_param(name: str, param: Any, which: str) -> dict[str, Any]:
    """The parameter dict itself (None for layer norm means {}), or a clear error."""
    if param is None and which == "ln_param":
        return {}
    if not isinstance(param, dict):
        raise TypeError(f"{name} expects {which} to be a dict, got {type(param).__name__}")
    eps = param.get("eps", DEFAULT_EPS)
    if not np.isscalar(eps) or not eps > 0:
        raise ValueError(f"{name}: {which}['eps'] must be a positive number, got {eps!r}")
    return param


def _check_mode(name: str, bn_param: dict[str, Any]) -> str:
    """bn_param['mode'], which must be 'train' or 'test'."""
    mode = bn_param.get("mode")
    if mode not in ("train", "test"):
        raise ValueError(f"{name}: bn_param['mode'] must be 'train' or 'test', got {mode!r}")
    return mode


def _running_stat(name: str, bn_param: dict[str, Any], key: str, D: int,
                  dtype: np.dtype) -> np.ndarray:
    """bn_param[key] as a (D,) array; zeros of shape (D,) when the key is absent."""
    if key not in bn_param:
        return np.zeros(D, dtype=dtype)
    value = np.asarray(bn_param[key])
    if value.shape != (D,):
        raise ValueError(f"{name}: bn_param[{key!r}] must have shape (D,) = ({D},), got "
                         f"shape {value.shape} (was bn_param used for a layer of another "
                         "width?)")
    return value


def _check_dout(name: str, dout: Any, cache: Any) -> np.ndarray:
    """dout as an array with the shape of the forward input, or a clear error."""
    if not isinstance(cache, dict) or "x" not in cache:
        raise ValueError(f"{name} expects the cache returned by the forward pass in train "
                         "mode (test mode has no backward pass)")
    dout = np.asarray(dout)
    if dout.shape != np.shape(cache["x"]):
        raise ValueError(f"{name} expects dout with the shape of the forward input "
                         f"{np.shape(cache['x'])}, got shape {dout.shape}")
    return dout


# ----- batch normalization -------------------------------------------------------------
def batchnorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                      bn_param: dict[str, Any]) -> tuple[np.ndarray, dict[str, Any] | None]:
    """Forward pass of batch normalization.

    Args:
        x: (N, D) inputs.
        gamma: (D,) scale of each feature.
        beta: (D,) shift of each feature.
        bn_param: a dict with the keys
            * ``mode``: "train" or "test" (required);
            * ``eps``: added to the variance before the square root (default 1e-5);
            * ``momentum``: of the running averages (default 0.9);
            * ``running_mean``, ``running_var``: (D,) running averages of the batch
              mean and variance; zeros when absent.

    Returns:
        out: (N, D) normalized, scaled and shifted inputs.
        cache: in train mode the dict {"x", "xhat", "mean", "var", "gamma", "eps"} for the
            backward passes (mean and var are the batch statistics, shape (D,)); None in
            test mode.

    Train mode: compute the batch mean and the biased variance (divide by N, not N - 1)
    of every column, normalize, scale and shift (see the module docstring), and update
    the running averages with the momentum. Test mode: normalize with running_mean and
    running_var instead, and leave them unchanged.

    The running averages are written back into ``bn_param`` (as new arrays), so that the
    next call continues from them; x, gamma and beta are not modified.
    """
    name = "batchnorm_forward"
    x, gamma, beta = _check_inputs(name, x, gamma, beta)
    bn_param = _check_param(name, bn_param, "bn_param")
    mode = _check_mode(name, bn_param)
    eps = bn_param.get("eps", DEFAULT_EPS)
    momentum = bn_param.get("momentum", DEFAULT_MOMENTUM)
    if not np.isscalar(momentum) or not 0 <= momentum <= 1:
        raise ValueError(f"{name}: bn_param['momentum'] must lie in [0, 1], got {momentum!r}")
    N, D = x.shape
    dtype = np.result_type(x, 1.0)
    running_mean = _running_stat(name, bn_param, "running_mean", D, dtype)
    running_var = _running_stat(name, bn_param, "running_var", D, dtype)

    out: np.ndarray | None = None
    cache: dict[str, Any] | None = None
    if mode == "train":
        mean, var, xhat = None, None, None  # the cache below needs these three
        # YOUR CODE HERE
        raise NotImplementedError("batchnorm_forward is not implemented yet")
        cache = {"x": x, "xhat": xhat, "mean": mean, "var": var, "gamma": gamma, "eps": eps}
    else:
        # YOUR CODE HERE
        raise NotImplementedError("batchnorm_forward is not implemented yet")

    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout: np.ndarray,
                       cache: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of batch normalization, one node of the computational graph at a time.

    Args:
        dout: (N, D) gradient of the loss with respect to ``out``.
        cache: from ``batchnorm_forward`` in train mode.

    Returns:
        dx: (N, D) gradient with respect to x.
        dgamma: (D,) gradient with respect to gamma.
        dbeta: (D,) gradient with respect to beta.

    Draw the forward pass as a chain of elementary steps, for example

        mean = sum(x) / N;  xc = x - mean;  sq = xc ** 2;  var = sum(sq) / N;
        std = sqrt(var + eps);  inv = 1 / std;  xhat = xc * inv;
        out = gamma * xhat + beta

    and walk it backwards, turning the gradient of each step's output into gradients of
    its inputs. Two things to watch: x reaches the loss along three paths (directly
    through xc, through the mean, and through the variance), and a variable used by
    several steps (xc is used by sq and by xhat) receives the sum of their gradients. A
    (D,) quantity broadcast over the N rows in the forward pass gets the sum over the
    rows in the backward pass.
    """
    dout = _check_dout("batchnorm_backward", dout, cache)
    dx, dgamma, dbeta = None, None, None
    # YOUR CODE HERE
    raise NotImplementedError("batchnorm_backward is not implemented yet")
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout: np.ndarray,
                           cache: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of batch normalization in closed form.

    Same arguments and results as ``batchnorm_backward``, but computed from a formula
    simplified on paper, with no graph intermediates. Work it out by differentiating
    xhat_ij with respect to x_kj (remember that mu_j and sigma2_j depend on every x_kj)
    and summing over i; the result is short: dx is (gamma / (N * sqrt(var + eps))) times
    a combination of N * dout, dbeta and xhat * dgamma. Written that way it needs only a
    few passes over the (N, D) arrays and is clearly faster than the graph version.
    """
    dout = _check_dout("batchnorm_backward_alt", dout, cache)
    dx, dgamma, dbeta = None, None, None
    # YOUR CODE HERE
    raise NotImplementedError("batchnorm_backward_alt is not implemented yet")
    return dx, dgamma, dbeta


# ----- layer normalization -------------------------------------------------------------
def layernorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                      ln_param: dict[str, Any] | None) -> tuple[np.ndarray, dict[str, Any]]:
    """Forward pass of layer normalization.

    Args:
        x: (N, D) inputs.
        gamma: (D,) scale of each feature.
        beta: (D,) shift of each feature.
        ln_param: a dict with the optional key ``eps`` (default 1e-5); other keys (such
            as ``mode``) are ignored, and None means {}.

    Returns:
        out: (N, D); row i is standardized with the mean and the biased variance of its
            own D entries, then scaled by gamma and shifted by beta (per feature, as in
            batch normalization).
        cache: the dict {"x", "xhat", "mean", "var", "gamma", "eps"} for the backward
            pass, where mean and var are the (N,) statistics of the rows.

    Same in training and at test time; nothing is stored in ln_param.
    """
    name = "layernorm_forward"
    x, gamma, beta = _check_inputs(name, x, gamma, beta)
    ln_param = _check_param(name, ln_param, "ln_param")
    eps = ln_param.get("eps", DEFAULT_EPS)
    out: np.ndarray | None = None
    mean, var, xhat = None, None, None  # the cache below needs these three
    # YOUR CODE HERE
    raise NotImplementedError("layernorm_forward is not implemented yet")
    cache = {"x": x, "xhat": xhat, "mean": mean, "var": var, "gamma": gamma, "eps": eps}
    return out, cache


def layernorm_backward(dout: np.ndarray,
                       cache: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of layer normalization.

    Args:
        dout: (N, D) gradient of the loss with respect to ``out``.
        cache: from ``layernorm_forward``.

    Returns:
        dx: (N, D), dgamma: (D,), dbeta: (D,).

    gamma and beta act per feature exactly as in batch normalization, so dgamma and dbeta
    are sums over the rows. For dx, the normalization is batch normalization's applied to
    the transposed problem: each row plays the part of a column, and D the part of N.
    Start from the gradient with respect to xhat, dout * gamma, and reuse your closed
    form along axis 1.
    """
    dout = _check_dout("layernorm_backward", dout, cache)
    dx, dgamma, dbeta = None, None, None
    # YOUR CODE HERE
    raise NotImplementedError("layernorm_backward is not implemented yet")
    return dx, dgamma, dbeta
