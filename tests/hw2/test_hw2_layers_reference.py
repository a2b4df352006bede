"""Tests of the reference layers.py of hw2 (affine layer, softmax loss).

Values are compared with independent computations (``np.einsum``, scipy's
``logsumexp``); gradients with centered-difference numerical gradients. Values and
gradients have separate tolerances.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from scipy.special import logsumexp, softmax

from utils.gradient_check import eval_numerical_gradient, eval_numerical_gradient_array

VALUE_RTOL = 1e-12
GRAD_RTOL, GRAD_ATOL = 1e-6, 1e-9

X_SHAPES = [(4, 5), (3, 2, 3), (2, 3, 2, 2), (1, 7)]


def affine_problem(seed: int, x_shape: tuple[int, ...], M: int):
    """Seeded x (N, d_1..d_k), w (D, M), b (M,)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(x_shape)
    D = int(np.prod(x_shape[1:]))
    return x, rng.standard_normal((D, M)), rng.standard_normal(M)


@pytest.mark.parametrize("x_shape", X_SHAPES)
def test_affine_forward_matches_einsum(layers, x_shape):
    """Does affine_forward flatten each example and compute x_flat @ w + b?"""
    x, w, b = affine_problem(0, x_shape, M=4)
    out, _ = layers.affine_forward(x, w, b)
    letters = "abcdefg"[: x.ndim - 1]
    expected = np.einsum(f"n{letters},{letters}m->nm", x, w.reshape(*x.shape[1:], 4)) + b
    assert out.shape == (x_shape[0], 4)
    np.testing.assert_allclose(out, expected, rtol=VALUE_RTOL, atol=1e-13)


@pytest.mark.parametrize("x_shape", X_SHAPES)
def test_affine_backward_matches_numerical_gradient(layers, x_shape):
    """Do dx, dw and db equal numerical gradients, with dx in x's original shape?"""
    x, w, b = affine_problem(1, x_shape, M=3)
    dout = np.random.default_rng(2).standard_normal((x_shape[0], 3))
    _, cache = layers.affine_forward(x, w, b)
    dx, dw, db = layers.affine_backward(dout, cache)
    assert dx.shape == x.shape and dw.shape == w.shape and db.shape == b.shape
    numeric = {
        "x": eval_numerical_gradient_array(lambda v: layers.affine_forward(v, w, b)[0], x, dout),
        "w": eval_numerical_gradient_array(lambda v: layers.affine_forward(x, v, b)[0], w, dout),
        "b": eval_numerical_gradient_array(lambda v: layers.affine_forward(x, w, v)[0], b, dout),
    }
    for name, analytic in {"x": dx, "w": dw, "b": db}.items():
        np.testing.assert_allclose(analytic, numeric[name], rtol=GRAD_RTOL, atol=GRAD_ATOL,
                                   err_msg=f"d{name}")


def test_affine_keeps_inputs_and_float32(layers):
    """Does the affine pair leave its inputs untouched and keep float32 in float32?"""
    x, w, b = (a.astype(np.float32) for a in affine_problem(3, (5, 2, 3), M=4))
    copies = [a.copy() for a in (x, w, b)]
    out, cache = layers.affine_forward(x, w, b)
    grads = layers.affine_backward(np.ones_like(out), cache)
    for before, after in zip(copies, (x, w, b), strict=True):
        np.testing.assert_array_equal(before, after)
    assert out.dtype == np.float32
    assert [g.dtype for g in grads] == [np.float32] * 3


@pytest.mark.parametrize(("x_shape", "w_shape", "b_shape", "words"), [
    ((4, 6), (5, 3), (3,), "w.shape[0] must equal D"),
    ((4, 6), (6, 3), (4,), "b must have shape"),
    ((4, 6), (6,), (3,), "w of shape (D, M)"),
])
def test_affine_forward_rejects_mismatched_shapes(layers, x_shape, w_shape, b_shape, words):
    """Does affine_forward name the shapes that do not fit together?"""
    with pytest.raises(ValueError, match=re.escape(words)):
        layers.affine_forward(np.zeros(x_shape), np.zeros(w_shape), np.zeros(b_shape))


def test_affine_backward_rejects_wrong_dout(layers):
    """Does affine_backward reject a dout whose shape is not (N, M)?"""
    _, cache = layers.affine_forward(np.zeros((4, 3)), np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match=r"\(4, 2\)"):
        layers.affine_backward(np.zeros((2, 4)), cache)


# ----- softmax loss ----------------------------------------------------------------------
def scores_problem(seed: int, N: int, C: int, scale: float = 1.0):
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal((N, C)), rng.integers(0, C, size=N)


@pytest.mark.parametrize(("N", "C", "scale"), [(1, 2, 1.0), (7, 3, 1.0), (50, 10, 5.0),
                                                (20, 4, 1e4)])
def test_softmax_loss_matches_logsumexp(layers, N, C, scale):
    """Is the loss the mean of logsumexp(x_i) - x_i[y_i], even for scores near 1e4?"""
    x, y = scores_problem(N, N, C, scale)
    loss, dx = layers.softmax_loss(x, y)
    expected = np.mean(logsumexp(x, axis=1) - x[np.arange(N), y])
    assert isinstance(loss, float)
    np.testing.assert_allclose(loss, expected, rtol=VALUE_RTOL)
    expected_dx = (softmax(x, axis=1) - np.eye(C)[y]) / N
    np.testing.assert_allclose(dx, expected_dx, rtol=1e-10, atol=1e-15)


def test_softmax_loss_gradient_matches_numerical(layers):
    """Does dx equal the numerical gradient of the loss?"""
    x, y = scores_problem(9, 8, 5)
    _, dx = layers.softmax_loss(x, y)
    numeric = eval_numerical_gradient(lambda v: layers.softmax_loss(v, y)[0], x)
    np.testing.assert_allclose(dx, numeric, rtol=GRAD_RTOL, atol=GRAD_ATOL)


def test_softmax_loss_of_equal_scores_is_log_c(layers):
    """Are equal scores for every class worth exactly log C?"""
    C = 10
    loss, _ = layers.softmax_loss(np.zeros((6, C)), np.arange(6))
    assert loss == pytest.approx(np.log(C), rel=1e-15)


@pytest.mark.parametrize(("x", "y", "words"), [
    (np.zeros(5), np.zeros(5, dtype=int), "shape \\(N, C\\)"),
    (np.zeros((5, 3)), np.zeros(4, dtype=int), "y must have shape"),
    (np.zeros((5, 3)), np.zeros(5), "integer"),
    (np.zeros((2, 3)), np.array([0, 3]), "\\[0, 3\\)"),
    (np.zeros((0, 3)), np.zeros(0, dtype=int), "N = 0"),
])
def test_softmax_loss_rejects_bad_input(layers, x, y, words):
    """Does softmax_loss explain what is wrong with its scores or labels?"""
    with pytest.raises(ValueError, match=words):
        layers.softmax_loss(x, y)
