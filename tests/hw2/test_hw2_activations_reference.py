"""Tests of the reference activations.py of hw2 (seven activations, forward and backward).

Forward values are compared with independent formulas (scipy's ``expit`` and
``log_expit``, Python's ``math`` module element by element); backward passes with
numerical gradients and closed-form derivatives.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.special import expit, log_expit

from utils.gradient_check import eval_numerical_gradient_array

NAMES = ["relu", "sigmoid", "tanh", "leaky_relu", "elu", "softplus", "gelu"]
WITH_ALPHA = ["leaky_relu", "elu"]
GRAD_RTOL, GRAD_ATOL = 1e-6, 1e-9
SHAPES = [(7,), (4, 5), (2, 3, 4), (2, 1, 3, 2)]


def _gelu_scalar(v: float) -> float:
    return 0.5 * v * (1.0 + math.tanh(math.sqrt(2.0 / math.pi) * (v + 0.044715 * v**3)))


def _elu_scalar(v: float, alpha: float) -> float:
    return v if v > 0 else alpha * math.expm1(v)


def independent(name: str, x: np.ndarray, alpha: float | None = None) -> np.ndarray:
    """f(x) computed without the module under test."""
    if name == "relu":
        return np.clip(x, 0.0, None)
    if name == "sigmoid":
        return expit(x)
    if name == "tanh":
        return 2.0 * expit(2.0 * x) - 1.0
    if name == "leaky_relu":
        a = 0.01 if alpha is None else alpha
        return np.maximum(x, 0.0) + a * np.minimum(x, 0.0)
    if name == "elu":
        a = 1.0 if alpha is None else alpha
        return np.vectorize(lambda v: _elu_scalar(v, a))(x)
    if name == "softplus":
        return -log_expit(-x)
    if name == "gelu":
        return np.vectorize(_gelu_scalar)(x)
    raise KeyError(name)


def pair(activations, name: str, alpha: float | None = None):
    forward = getattr(activations, f"{name}_forward")
    backward = getattr(activations, f"{name}_backward")
    if alpha is None:
        return forward, backward
    return (lambda x: forward(x, alpha=alpha)), backward


def away_from_kinks(seed: int, shape: tuple[int, ...], scale: float = 2.0) -> np.ndarray:
    """Seeded inputs with |x| >= 0.05, so that centered differences never straddle 0."""
    x = scale * np.random.default_rng(seed).standard_normal(shape)
    return np.where(np.abs(x) < 0.05, 0.05 + np.abs(x), x)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", SHAPES)
def test_forward_matches_independent_formula(activations, name, shape):
    """Does every activation compute its formula elementwise, for any input shape?"""
    x = away_from_kinks(NAMES.index(name), shape, scale=3.0)
    out, _ = getattr(activations, f"{name}_forward")(x)
    assert out.shape == x.shape
    np.testing.assert_allclose(out, independent(name, x), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", WITH_ALPHA)
@pytest.mark.parametrize("alpha", [0.2, 2.5])
def test_forward_and_backward_use_alpha(activations, name, alpha):
    """Do leaky_relu and elu use a non-default alpha in both passes?"""
    x = away_from_kinks(5, (6, 4))
    forward, backward = pair(activations, name, alpha)
    out, cache = forward(x)
    np.testing.assert_allclose(out, independent(name, x, alpha), rtol=1e-12, atol=1e-15)
    dout = np.random.default_rng(6).standard_normal(x.shape)
    numeric = eval_numerical_gradient_array(lambda v: forward(v)[0], x.copy(), dout)
    np.testing.assert_allclose(backward(dout, cache), numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", SHAPES[1:3])
def test_backward_matches_numerical_gradient(activations, name, shape):
    """Does every backward pass equal the numerical gradient of its forward pass?"""
    x = away_from_kinks(11, shape)
    forward, backward = pair(activations, name)
    dout = np.random.default_rng(12).standard_normal(shape)
    _, cache = forward(x)
    dx = backward(dout, cache)
    numeric = eval_numerical_gradient_array(lambda v: forward(v)[0], x.copy(), dout)
    assert dx.shape == x.shape
    np.testing.assert_allclose(dx, numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL)


CLOSED_FORM_DERIVATIVES = {
    "sigmoid": lambda x: expit(x) * expit(-x),
    "tanh": lambda x: 1.0 / np.cosh(x) ** 2,
    "softplus": expit,
}


@pytest.mark.parametrize("name", sorted(CLOSED_FORM_DERIVATIVES))
def test_backward_matches_closed_form_for_large_inputs(activations, name):
    """Are the smooth derivatives right far into saturation, |x| up to 30?"""
    x = np.linspace(-30.0, 30.0, 61)
    forward, backward = pair(activations, name)
    dx = backward(np.ones_like(x), forward(x)[1])
    np.testing.assert_allclose(dx, CLOSED_FORM_DERIVATIVES[name](x), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(("name", "alpha", "expected"), [
    ("relu", None, 0.0), ("leaky_relu", None, 0.01), ("leaky_relu", 0.3, 0.3),
    ("elu", None, 1.0), ("elu", 0.5, 0.5),
])
def test_derivative_at_exactly_zero(activations, name, alpha, expected):
    """Is the derivative at a kink taken from the x <= 0 side (relu'(0) = 0)?"""
    forward, backward = pair(activations, name, alpha)
    dx = backward(np.ones(3), forward(np.zeros(3))[1])
    np.testing.assert_array_equal(dx, np.full(3, expected))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_stable_for_huge_inputs(activations, name, dtype):
    """Are outputs and gradients finite, warning-free and of the input dtype at |x| = 1000?"""
    x = np.array([-1000.0, -750.0, -1.0, 0.0, 1.0, 750.0, 1000.0], dtype=dtype)
    forward, backward = pair(activations, name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, cache = forward(x)
        dx = backward(np.ones_like(x), cache)
    assert out.dtype == dtype and dx.dtype == dtype
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(dx))
    np.testing.assert_allclose(out.astype(np.float64), independent(name, x.astype(np.float64)),
                               rtol=1e-6 if dtype == np.float32 else 1e-12, atol=1e-30)


@pytest.mark.parametrize("name", NAMES)
def test_inputs_are_not_modified(activations, name):
    """Do the forward and backward passes leave x and dout untouched?"""
    x = away_from_kinks(21, (5, 3))
    dout = np.random.default_rng(22).standard_normal(x.shape)
    x_copy, dout_copy = x.copy(), dout.copy()
    forward, backward = pair(activations, name)
    backward(dout, forward(x)[1])
    np.testing.assert_array_equal(x, x_copy)
    np.testing.assert_array_equal(dout, dout_copy)


@pytest.mark.parametrize("name", NAMES)
def test_backward_rejects_dout_of_another_shape(activations, name):
    """Does a backward pass name both shapes when dout does not match x?"""
    forward, backward = pair(activations, name)
    _, cache = forward(np.zeros((3, 4)))
    with pytest.raises(ValueError, match=r"\(3, 4\).*\(4, 3\)"):
        backward(np.zeros((4, 3)), cache)


def test_get_activation_lists_the_choices(activations):
    """Does an unknown activation name get an error listing the seven valid names?"""
    assert sorted(activations.ACTIVATIONS) == sorted(NAMES)
    with pytest.raises(ValueError, match="gelu.*leaky_relu.*tanh"):
        activations.get_activation("swish")


@pytest.mark.parametrize("name", WITH_ALPHA)
def test_alpha_must_be_a_number(activations, name):
    """Is a non-numeric alpha refused with a message naming alpha?"""
    with pytest.raises(ValueError, match="alpha"):
        getattr(activations, f"{name}_forward")(np.zeros(2), alpha="0.1")
