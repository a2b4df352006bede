"""Tests of utils.gradient_check against closed-form gradients."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from utils.gradient_check import (
    eval_numerical_gradient,
    eval_numerical_gradient_array,
    grad_check_sparse,
    rel_error,
)

EPS = np.finfo(np.float64).eps


def _away_from_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Entries with |x| in [0.5, 2], so that relative errors are well defined."""
    return np.array(rng.uniform(0.5, 2.0, size=shape) * rng.choice([-1.0, 1.0], size=shape))


def _softmax_cross_entropy(S: np.ndarray, y: np.ndarray) -> float:
    """Mean cross-entropy of scores S: (N, C) with labels y: (N,)."""
    shifted = S - S.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1))
    return float(np.mean(log_norm - shifted[np.arange(len(y)), y]))


def _softmax_cross_entropy_grad(S: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Closed form: (softmax(S) - onehot(y)) / N."""
    shifted = S - S.max(axis=1, keepdims=True)
    P = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    P[np.arange(len(y)), y] -= 1.0
    return P / len(y)


# Each case: (name, f, closed-form gradient, shape of x)
POLYNOMIALS = [
    ("cube", lambda x: np.sum(x**3), lambda x: 3 * x**2, (7,)),
    ("quadratic_plus_linear", lambda x: np.sum(2 * x**2 + x), lambda x: 4 * x + 1, (3, 4)),
    ("product_of_entries", lambda x: np.prod(x), lambda x: np.prod(x) / x, (2, 3)),
    ("quartic_3d", lambda x: np.sum(x**4) / 4, lambda x: x**3, (2, 2, 3)),
    ("scalar_x", lambda x: float(x) ** 3 - 2 * float(x), lambda x: 3 * x**2 - 2, ()),
]


@pytest.mark.parametrize(
    ("f", "grad", "shape"),
    [case[1:] for case in POLYNOMIALS],
    ids=[case[0] for case in POLYNOMIALS],
)
def test_numerical_gradient_matches_polynomials(f, grad, shape):
    """Does eval_numerical_gradient agree with a polynomial's derivative to 1e-8?"""
    x = _away_from_zero(np.random.default_rng(0), shape)
    expected = grad(x.copy())
    numerical = eval_numerical_gradient(f, x)
    assert numerical.shape == x.shape
    assert rel_error(numerical, expected) < 1e-8


@pytest.mark.parametrize(("N", "C", "seed"), [(4, 3, 0), (8, 10, 1), (1, 2, 2)])
def test_numerical_gradient_matches_softmax_cross_entropy(N, C, seed):
    """Does the numerical gradient of softmax cross-entropy match (P - Y) / N?"""
    rng = np.random.default_rng(seed)
    S = rng.standard_normal((N, C))
    y = rng.integers(C, size=N)
    numerical = eval_numerical_gradient(lambda s: _softmax_cross_entropy(s, y), S)
    assert rel_error(numerical, _softmax_cross_entropy_grad(S, y)) < 1e-7


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_numerical_gradient_matches_matrix_product(seed):
    """Is the numerical gradient of f(W) = sum(X @ W * G) equal to X.T @ G?"""
    rng = np.random.default_rng(seed)
    X, W, G = (rng.standard_normal(s) for s in [(5, 4), (4, 3), (5, 3)])
    numerical = eval_numerical_gradient(lambda w: np.sum(X @ w * G), W)
    assert rel_error(numerical, X.T @ G) < 1e-8


@pytest.mark.parametrize("wrt", ["W", "X"])
def test_array_gradient_matches_matrix_product(wrt):
    """Does eval_numerical_gradient_array give X.T @ G for W and G @ W.T for X?"""
    rng = np.random.default_rng(3)
    X, W, G = (rng.standard_normal(s) for s in [(6, 4), (4, 5), (6, 5)])
    if wrt == "W":
        numerical = eval_numerical_gradient_array(lambda w: X @ w, W, G)
        expected = X.T @ G
    else:
        numerical = eval_numerical_gradient_array(lambda x: x @ W, X, G)
        expected = G @ W.T
    assert rel_error(numerical, expected) < 1e-8


def test_array_gradient_matches_elementwise_tanh():
    """Is the array checker's result for tanh equal to df * (1 - tanh(x)**2)?"""
    rng = np.random.default_rng(4)
    x = rng.uniform(-1.0, 1.0, size=(3, 4))
    df = _away_from_zero(rng, (3, 4))
    numerical = eval_numerical_gradient_array(np.tanh, x, df)
    assert rel_error(numerical, df * (1 - np.tanh(x) ** 2)) < 1e-8


def test_array_gradient_survives_f_returning_x_itself():
    """When f returns its input array unchanged (the identity), is the result df?"""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 2))
    df = _away_from_zero(rng, (3, 2))
    numerical = eval_numerical_gradient_array(lambda v: v, x, df)
    assert rel_error(numerical, df) < 1e-8


@pytest.mark.parametrize("num_checks", [1, 10, 25])
def test_sparse_check_of_a_correct_gradient_is_tiny(num_checks, capsys):
    """Does grad_check_sparse return and print num_checks tiny errors for a correct gradient?"""
    rng = np.random.default_rng(6)
    X, W, G = (rng.standard_normal(s) for s in [(5, 4), (4, 3), (5, 3)])
    errors = grad_check_sparse(lambda w: np.sum(X @ w * G), W, X.T @ G, num_checks, seed=0)
    lines = capsys.readouterr().out.strip().splitlines()
    assert errors.shape == (num_checks,)
    assert np.all(errors < 1e-8)
    assert len(lines) == num_checks
    assert all("numerical" in line and "analytic" in line for line in lines)


def test_sparse_check_measures_a_wrong_gradient():
    """Is a gradient off by a factor 1.1 reported with relative error 0.1 / 2.1?"""
    rng = np.random.default_rng(7)
    x = _away_from_zero(rng, (4, 5))
    errors = grad_check_sparse(lambda v: np.sum(v**2), x, 1.1 * (2 * x), 8, seed=1)
    assert np.allclose(errors, 0.1 / 2.1, rtol=1e-6)


def test_sparse_check_is_deterministic_for_a_seed(capsys):
    """Do two calls with the same seed check the same entries (same printed lines)?"""
    rng = np.random.default_rng(8)
    x = rng.standard_normal((6, 7))
    runs = []
    for _ in range(2):
        grad_check_sparse(lambda v: np.sum(np.sin(v)), x, np.cos(x), 5, seed=42)
        runs.append(capsys.readouterr().out)
    assert runs[0] == runs[1]


def test_verbose_prints_every_index(capsys):
    """Does verbose=True print one line per entry, starting with its index?"""
    x = np.arange(6, dtype=np.float64).reshape(2, 3)
    eval_numerical_gradient(lambda v: np.sum(v**2), x, verbose=True)
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(")")[0] + ")" for line in lines] == [str(ix) for ix in np.ndindex(2, 3)]


class _Boom(Exception):
    """Raised by the failing test functions below."""


def _fails_on_call(k: int):
    """A function that behaves like sum(x) for k-1 calls and raises on call k."""
    calls = {"n": 0}

    def f(x):
        calls["n"] += 1
        if calls["n"] == k:
            raise _Boom(f"call {k}")
        return np.sum(x) if np.ndim(x) else x

    return f


CHECKERS = {
    "scalar": lambda f, x: eval_numerical_gradient(f, x),
    "array": lambda f, x: eval_numerical_gradient_array(lambda v: f(v) * np.ones(2), x, np.ones(2)),
    "sparse": lambda f, x: grad_check_sparse(f, x, np.zeros_like(x), num_checks=4, seed=0),
}


@pytest.mark.parametrize("checker", sorted(CHECKERS))
@pytest.mark.parametrize("failing_call", [1, 2, 5])
def test_x_is_restored_when_f_raises(checker, failing_call):
    """Does each checker restore x exactly (bit for bit) when f raises mid-way?"""
    x = np.random.default_rng(9).standard_normal((2, 3))
    original = x.copy()
    with pytest.raises(_Boom):
        CHECKERS[checker](_fails_on_call(failing_call), x)
    assert np.array_equal(x, original)


@settings(max_examples=40, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=0, max_dims=3, max_side=3),
        elements=st.floats(-1e3, 1e3, allow_nan=False, allow_subnormal=False),
    )
)
def test_x_is_restored_bit_for_bit_after_a_normal_run(x):
    """After a successful run, is every entry of x exactly its old value (even -0.0)?"""
    before = x.copy()
    eval_numerical_gradient(lambda v: float(np.sum(np.sin(v))), x)
    assert np.array_equal(x.view(np.uint64), before.view(np.uint64))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_numerical_gradient_of_random_quadratic_forms(D, seed):
    """Is the gradient of 0.5 x^T A x + b^T x equal to (A + A^T) x / 2 + b up to rounding?"""
    rng = np.random.default_rng(seed)
    A = rng.uniform(-10, 10, size=(D, D))
    b = rng.uniform(-10, 10, size=D)
    x = rng.uniform(-10, 10, size=D)
    h = 1e-5
    numerical = eval_numerical_gradient(lambda v: 0.5 * v @ A @ v + b @ v, x, h=h)
    exact = 0.5 * (A + A.T) @ x + b
    # A centered difference of a quadratic is exact; only rounding of f remains,
    # about eps * (size of the terms of f) / h per evaluation.
    scale = 0.5 * np.abs(x) @ np.abs(A) @ np.abs(x) + np.abs(b) @ np.abs(x) + 1.0
    assert np.max(np.abs(numerical - exact)) <= 64 * D * EPS * scale / h


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-1e6, 1e6, allow_nan=False)),
    hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-1e6, 1e6, allow_nan=False)),
)
def test_rel_error_is_symmetric_and_bounded(a, b):
    """Is rel_error(a, b) == rel_error(b, a), within [0, 1], and 0 for rel_error(a, a)?"""
    if a.shape != b.shape:
        b = np.resize(b, a.shape)
    err = rel_error(a, b)
    assert err == rel_error(b, a)
    assert 0.0 <= err <= 1.0
    assert rel_error(a, a) == 0.0


@pytest.mark.parametrize("value", [1e-3, 1.0, -5.0, 1e8])
def test_rel_error_of_opposite_values_is_one(value):
    """Is the relative error between v and -v equal to 1 (the largest possible)?"""
    assert rel_error(np.array([value, 0.0]), np.array([-value, 0.0])) == 1.0


def test_rel_error_floor_avoids_division_by_zero():
    """Are two tiny values compared against the 1e-8 floor instead of their own size?"""
    assert rel_error(0.0, 0.0) == 0.0
    assert rel_error(0.0, 1e-10) == pytest.approx(1e-10 / 1e-8)


def test_rel_error_accepts_scalars_and_returns_a_float():
    """Does rel_error take Python scalars and return a Python float?"""
    err = rel_error(2.0, 3.0)
    assert isinstance(err, float)
    assert err == pytest.approx(abs(2.0 - 3.0) / (2.0 + 3.0))


@pytest.mark.parametrize(("a", "b"), [((3,), (4,)), ((2, 3), (3, 2)), ((), (1,))])
def test_rel_error_rejects_different_shapes(a, b):
    """Does rel_error refuse arrays of different shapes, naming both shapes?"""
    with pytest.raises(ValueError, match="same shape") as info:
        rel_error(np.zeros(a), np.zeros(b))
    assert str(a) in str(info.value) and str(b) in str(info.value)


def test_array_checker_rejects_df_of_the_wrong_shape():
    """Does a df whose shape differs from f(x)'s raise ValueError naming both shapes?"""
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match="df") as info:
        eval_numerical_gradient_array(lambda v: v @ np.ones((3, 4)), x, np.ones((4, 2)))
    assert "(2, 4)" in str(info.value) and "(4, 2)" in str(info.value)


def test_sparse_checker_rejects_gradient_of_the_wrong_shape():
    """Does grad_check_sparse refuse an analytic gradient shaped unlike x, naming both?"""
    x = np.ones((4, 3))
    with pytest.raises(ValueError, match="analytic_grad") as info:
        grad_check_sparse(lambda v: np.sum(v), x, np.ones((3, 4)))
    assert "(4, 3)" in str(info.value) and "(3, 4)" in str(info.value)


def test_scalar_checker_rejects_array_valued_f():
    """Does eval_numerical_gradient point to the array version when f returns an array?"""
    with pytest.raises(ValueError, match="eval_numerical_gradient_array"):
        eval_numerical_gradient(lambda v: 2 * v, np.ones(3))


@pytest.mark.parametrize(
    ("x", "error", "words"),
    [
        ([1.0, 2.0], TypeError, "numpy array"),
        (np.arange(3), ValueError, "floating-point"),
        (np.zeros((0, 3)), ValueError, "empty"),
    ],
    ids=["list", "integer_array", "empty_array"],
)
def test_checkers_reject_inputs_that_cannot_be_perturbed(x, error, words):
    """Are lists, integer arrays and empty arrays refused with a message saying why?"""
    with pytest.raises(error, match=words):
        eval_numerical_gradient(lambda v: np.sum(v), x)
