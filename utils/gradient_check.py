"""Numerical gradients for checking hand-written backward passes.

Every checker estimates a derivative with centered differences,

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2 h),

whose error shrinks like h**2, so with ``h = 1e-5`` and float64 inputs a correct
analytic gradient usually agrees to a relative error below ``1e-7``.

The checkers change one entry of ``x`` at a time *in place* (so that ``f`` may
close over ``x``, e.g. a layer's weights) and always put the original value back,
even when ``f`` raises.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "eval_numerical_gradient",
    "eval_numerical_gradient_array",
    "grad_check_sparse",
    "rel_error",
]

_FLOOR = 1e-8


def rel_error(x: Any, y: Any, floor: float = _FLOOR) -> float:
    """Return the largest relative error between two arrays of the same shape.

    For each entry, ``|x - y| / max(floor, |x| + |y|)`` (``floor`` = 1e-8 by default);
    the result is the maximum over entries (``0.0`` for empty arrays). Entries that are
    equal, equal infinities included, agree (error 0); an entry that is NaN, or an
    infinity against anything else, gives ``inf``. The grader uses this same function.

    Args:
        x: array of any shape (or a scalar).
        y: array with exactly the shape of ``x`` (or a scalar when ``x`` is one).
        floor: the smallest denominator; a larger one forgives absolute differences up to
            ``floor`` times the relative error (see ``utils.checks.check_rel_error``'s
            ``scale``).

    Returns:
        The maximum relative error, a Python float in ``[0, 1]``, or ``inf``.

    Raises:
        ValueError: when the shapes differ.
    """
    x_arr = np.asarray(x, dtype=np.float64)
    y_arr = np.asarray(y, dtype=np.float64)
    if x_arr.shape != y_arr.shape:
        raise ValueError(
            f"rel_error needs arrays of the same shape, got x: {x_arr.shape} and y: {y_arr.shape}"
        )
    if x_arr.size == 0:
        return 0.0
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        err = np.abs(x_arr - y_arr) / np.maximum(floor, np.abs(x_arr) + np.abs(y_arr))
    err = np.where(x_arr == y_arr, 0.0, err)
    return float(np.max(np.nan_to_num(err, nan=np.inf)))


def _check_perturbable(x: Any, name: str = "x") -> None:
    """Raise unless ``x`` is a floating-point ndarray that can be perturbed in place."""
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"{name} must be a numpy array (it is perturbed in place), got {type(x).__name__}"
        )
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(
            f"{name} must have a floating-point dtype to be perturbed by h, got {x.dtype}; "
            f"convert it first, e.g. {name}.astype(np.float64)"
        )
    if x.size == 0:
        raise ValueError(f"{name} is empty (shape {x.shape}); there is no gradient to check")
    if not x.flags.writeable:
        raise ValueError(f"{name} is read-only; pass a writeable copy, e.g. {name}.copy()")


def _as_scalar(value: Any) -> float:
    """Convert the output of a scalar-valued function to float, or explain why not."""
    arr = np.asarray(value)
    if arr.ndim != 0:
        raise ValueError(
            f"f must return a scalar, got an array of shape {arr.shape}; "
            "for array-valued functions use eval_numerical_gradient_array(f, x, df)"
        )
    return float(arr)


def _centered_difference(
    f: Callable[[np.ndarray], Any], x: np.ndarray, ix: tuple[int, ...], h: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(f(x) with x[ix] += h, f(x) with x[ix] -= h)``; ``x[ix]`` is always restored.

    Array outputs are copied, so a function that returns (a view of) ``x`` or an
    internal buffer still yields two independent results.
    """
    old = x[ix].copy()
    try:
        x[ix] = old + h
        f_plus = np.array(f(x), copy=True)
        x[ix] = old - h
        f_minus = np.array(f(x), copy=True)
    finally:
        x[ix] = old
    return f_plus, f_minus


def eval_numerical_gradient(
    f: Callable[[np.ndarray], Any], x: np.ndarray, h: float = 1e-5, verbose: bool = False
) -> np.ndarray:
    """Estimate the gradient of a scalar-valued function at ``x``.

    Args:
        f: function taking ``x`` and returning a scalar (e.g. a loss).
        x: float array of any shape, e.g. weights ``(D, C)``; perturbed in place
            one entry at a time and restored exactly afterwards.
        h: step of the centered difference.
        verbose: print each index and its numerical derivative.

    Returns:
        grad: array with the shape of ``x``; ``grad[i] ~ df/dx[i]``.

    Raises:
        TypeError / ValueError: when ``x`` is not a writeable float array, or ``f``
            does not return a scalar.
    """
    _check_perturbable(x)
    grad = np.zeros(x.shape, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readonly"]])
    for _ in it:
        ix = it.multi_index
        f_plus, f_minus = _centered_difference(f, x, ix, h)
        grad[ix] = (_as_scalar(f_plus) - _as_scalar(f_minus)) / (2 * h)
        if verbose:
            print(ix, grad[ix])
    return grad


def eval_numerical_gradient_array(
    f: Callable[[np.ndarray], Any], x: np.ndarray, df: Any, h: float = 1e-5
) -> np.ndarray:
    """Estimate the gradient of ``sum(f(x) * df)`` for an array-valued ``f``.

    This is the backward pass of a layer with upstream gradient ``df``: entry ``i``
    of the result is ``sum((f(x + h e_i) - f(x - h e_i)) * df) / (2 h)``.

    Args:
        f: function taking ``x`` and returning an array, e.g. a layer's output ``(N, M)``.
        x: float array of any shape, e.g. inputs ``(N, D)``; perturbed in place one
            entry at a time and restored exactly afterwards.
        df: upstream gradient, same shape as ``f(x)``.
        h: step of the centered difference.

    Returns:
        grad: array with the shape of ``x``.

    Raises:
        ValueError: when ``df``'s shape differs from ``f(x)``'s (both are named).
    """
    _check_perturbable(x)
    df_arr = np.asarray(df, dtype=np.float64)
    grad = np.zeros(x.shape, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readonly"]])
    for _ in it:
        ix = it.multi_index
        f_plus, f_minus = _centered_difference(f, x, ix, h)
        if f_plus.shape != df_arr.shape or f_minus.shape != df_arr.shape:
            raise ValueError(
                f"df must have the shape of f(x): f(x) has shape {f_plus.shape} "
                f"but df has shape {df_arr.shape}"
            )
        grad[ix] = np.sum((f_plus - f_minus) * df_arr) / (2 * h)
    return grad


def grad_check_sparse(
    f: Callable[[np.ndarray], Any],
    x: np.ndarray,
    analytic_grad: Any,
    num_checks: int = 10,
    h: float = 1e-5,
    seed: int | None = None,
) -> np.ndarray:
    """Compare an analytic gradient with numerical derivatives at random entries.

    Cheaper than :func:`eval_numerical_gradient` for large ``x`` (two calls of ``f``
    per check instead of per entry). Prints one line per check.

    Args:
        f: scalar-valued function of ``x``, e.g. ``lambda W: loss(W, X, y)[0]``.
        x: float array of any shape, e.g. weights ``(D, C)``; restored after each check.
        analytic_grad: gradient to check, same shape as ``x``.
        num_checks: how many random entries to check (drawn with replacement).
        h: step of the centered difference.
        seed: seed of ``np.random.default_rng`` that picks the entries.

    Returns:
        errors: ``(num_checks,)`` relative errors, one per checked entry.

    Raises:
        ValueError: when ``analytic_grad``'s shape differs from ``x``'s, or
            ``num_checks`` is negative.
    """
    _check_perturbable(x)
    analytic = np.asarray(analytic_grad, dtype=np.float64)
    if analytic.shape != x.shape:
        raise ValueError(
            f"analytic_grad must have the shape of x: x has shape {x.shape} "
            f"but analytic_grad has shape {analytic.shape}"
        )
    if int(num_checks) != num_checks or num_checks < 0:
        raise ValueError(f"num_checks must be a non-negative integer, got {num_checks!r}")
    rng = np.random.default_rng(seed)
    errors = np.empty(int(num_checks), dtype=np.float64)
    for k in range(int(num_checks)):
        ix = tuple(int(rng.integers(dim)) for dim in x.shape)
        f_plus, f_minus = _centered_difference(f, x, ix, h)
        numerical = (_as_scalar(f_plus) - _as_scalar(f_minus)) / (2 * h)
        exact = float(analytic[ix])
        errors[k] = rel_error(numerical, exact)
        print(
            f"numerical: {numerical:+.6e}  analytic: {exact:+.6e}  relative error: {errors[k]:.3e}"
        )
    return errors
