"""Tests of the reference dropout.py of hw4 (inverted dropout).

The mask for a seed is recomputed independently from the documented draw; the keep
ratio and the preserved mean are checked statistically with bounds of several standard
deviations (seeded, so the tests are deterministic); the backward pass against centered
differences with the mask frozen by an integer seed.
"""

from __future__ import annotations

import numpy as np
import pytest

from utils.gradient_check import eval_numerical_gradient_array


def documented_mask(seed: int, shape: tuple[int, ...], p: float) -> np.ndarray:
    """The mask the API prescribes: (rng.random(shape) < p) / p with default_rng(seed)."""
    return (np.random.default_rng(seed).random(shape) < p) / p


@pytest.mark.parametrize(("p", "shape"), [(0.5, (4, 6)), (0.9, (3, 2, 5)), (0.25, (1, 7))])
def test_train_output_for_a_seed(dropout_ref, p, shape):
    """Does train mode return x * mask with exactly the documented mask for a seed?"""
    x = np.random.default_rng(1).standard_normal(shape)
    out, (_, mask) = dropout_ref.dropout_forward(x, {"p": p, "mode": "train", "seed": 7})
    expected = documented_mask(7, shape, p)
    np.testing.assert_array_equal(mask, expected)
    np.testing.assert_allclose(out, x * expected, rtol=1e-15)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_keep_ratio_and_mean_are_preserved(dropout_ref, p):
    """Is the fraction of kept units about p, and the mean of the output about the mean of
    the input (within 5 standard deviations)?"""
    n = 200_000
    x = np.full((n // 100, 100), 2.0)
    out, _ = dropout_ref.dropout_forward(x, {"p": p, "mode": "train", "seed": 3})
    kept = np.mean(out != 0)
    assert abs(kept - p) < 5 * np.sqrt(p * (1 - p) / n)
    assert abs(out.mean() - 2.0) < 5 * 2.0 * np.sqrt((1 - p) / (p * n))
    np.testing.assert_allclose(out[out != 0], 2.0 / p, rtol=1e-15)


def test_test_mode_is_the_identity(dropout_ref):
    """Does test mode return x unchanged (a copy), whatever p and seed are?"""
    x = np.random.default_rng(2).standard_normal((5, 4))
    out, (_, mask) = dropout_ref.dropout_forward(x, {"p": 0.3, "mode": "test", "seed": 0})
    np.testing.assert_array_equal(out, x)
    assert out is not x and mask is None
    dx = dropout_ref.dropout_backward(np.ones((5, 4)), (_, mask))
    np.testing.assert_array_equal(dx, np.ones((5, 4)))


def test_keep_everything_is_the_identity_in_train_mode(dropout_ref):
    """With p = 1 does train mode keep every unit unscaled?"""
    x = np.random.default_rng(3).standard_normal((6, 3))
    out, _ = dropout_ref.dropout_forward(x, {"p": 1.0, "mode": "train"})
    np.testing.assert_array_equal(out, x)


def test_integer_seed_repeats_and_generator_continues(dropout_ref):
    """Does an int seed give the same mask every call, and a Generator fresh masks that
    repeat when the Generator is re-created from the same seed?"""
    x = np.ones((20, 10))
    first = dropout_ref.dropout_forward(x, {"p": 0.5, "mode": "train", "seed": 4})[0]
    again = dropout_ref.dropout_forward(x, {"p": 0.5, "mode": "train", "seed": 4})[0]
    np.testing.assert_array_equal(first, again)
    masks = []
    for _ in range(2):
        rng = np.random.default_rng(5)
        param = {"p": 0.5, "mode": "train", "seed": rng}
        masks.append([dropout_ref.dropout_forward(x, param)[0] for _ in range(2)])
    assert not np.array_equal(masks[0][0], masks[0][1])
    np.testing.assert_array_equal(masks[0][1], masks[1][1])


def test_backward_uses_the_forward_mask(dropout_ref):
    """Does the backward pass multiply dout by the forward pass's mask, and agree with
    centered differences when the mask is frozen by a seed?"""
    rng = np.random.default_rng(6)
    x, dout = rng.standard_normal((8, 5)), rng.standard_normal((8, 5))
    param = {"p": 0.6, "mode": "train", "seed": 11}
    _, cache = dropout_ref.dropout_forward(x, param)
    dx = dropout_ref.dropout_backward(dout, cache)
    np.testing.assert_allclose(dx, dout * documented_mask(11, (8, 5), 0.6), rtol=1e-15)
    numerical = eval_numerical_gradient_array(
        lambda v: dropout_ref.dropout_forward(v, param)[0], x, dout)
    np.testing.assert_allclose(dx, numerical, rtol=1e-7, atol=1e-9)


def test_input_is_not_modified(dropout_ref):
    """Is x left untouched by the forward pass in both modes?"""
    x = np.random.default_rng(7).standard_normal((4, 4))
    copy = x.copy()
    for mode in ("train", "test"):
        dropout_ref.dropout_forward(x, {"p": 0.5, "mode": mode, "seed": 1})
    np.testing.assert_array_equal(x, copy)


@pytest.mark.parametrize(("param", "words"), [
    ({"mode": "train"}, "'p'"),
    ({"p": 0.0, "mode": "train"}, "(0, 1]"),
    ({"p": 1.5, "mode": "train"}, "keeping"),
    ({"p": 0.5}, "mode"),
    ({"p": 0.5, "mode": "eval"}, "'train' or 'test'"),
])
def test_bad_dropout_param_raises_a_clear_value_error(dropout_ref, param, words):
    """Does a missing or invalid p or mode raise ValueError naming the problem?"""
    with pytest.raises(ValueError) as info:
        dropout_ref.dropout_forward(np.ones((2, 2)), param)
    assert words in str(info.value)


def test_backward_refuses_a_mismatched_dout(dropout_ref):
    """Does dropout_backward name both shapes when dout does not fit the mask?"""
    _, cache = dropout_ref.dropout_forward(np.ones((2, 3)), {"p": 0.5, "mode": "train"})
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        dropout_ref.dropout_backward(np.ones((3, 2)), cache)
