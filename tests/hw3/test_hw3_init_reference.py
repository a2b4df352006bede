"""Tests of the reference init.py of hw3: Xavier and He initialization and their purpose.

Expected variances are the closed forms gain / fan_in; the last tests check the claim of
the module docstring on a deep network: with the matching initialization the size of
the activations stays about constant from layer to layer.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

GAINS = {"xavier_init": 1.0, "he_init": 2.0}


@pytest.mark.parametrize("name", sorted(GAINS))
@pytest.mark.parametrize(("fan_in", "fan_out"), [(2000, 300), (300, 2000), (64, 6000)])
def test_variance_and_mean(init_ref, name, fan_in, fan_out):
    """Is the empirical variance within 2% of gain / fan_in, and the mean about 0?"""
    W = getattr(init_ref, name)(fan_in, fan_out, np.random.default_rng(fan_in))
    target = GAINS[name] / fan_in
    assert W.shape == (fan_in, fan_out) and W.dtype == np.float64
    assert np.var(W) == pytest.approx(target, rel=0.02)
    assert abs(np.mean(W)) < 5 * np.sqrt(target / W.size)


@pytest.mark.parametrize("name", sorted(GAINS))
def test_same_generator_state_same_weights(init_ref, name):
    """Do equal seeds give equal weights and other seeds other weights?"""
    init = getattr(init_ref, name)
    a = init(30, 20, np.random.default_rng(3))
    b = init(30, 20, np.random.default_rng(3))
    c = init(30, 20, np.random.default_rng(4))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("name", ["xavier_init", "he_init", "gaussian_init"])
def test_draws_advance_the_generator(init_ref, name):
    """Do two consecutive draws from one generator give different weights?"""
    rng = np.random.default_rng(0)
    init = getattr(init_ref, name)
    assert not np.array_equal(init(5, 5, rng), init(5, 5, rng))


@pytest.mark.parametrize("name", ["xavier_init", "he_init", "gaussian_init"])
@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "8"])
def test_bad_fans_are_clear_errors(init_ref, name, bad):
    """Does a fan that is not a positive integer raise ValueError naming it?"""
    init = getattr(init_ref, name)
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="fan_in"):
        init(bad, 4, rng)
    with pytest.raises(ValueError, match="fan_out"):
        init(4, bad, rng)


@pytest.mark.parametrize("name", ["xavier_init", "he_init", "gaussian_init"])
def test_rng_must_be_a_generator(init_ref, name):
    """Does a seed passed instead of a Generator raise TypeError suggesting default_rng?"""
    with pytest.raises(TypeError, match="default_rng"):
        getattr(init_ref, name)(3, 3, 0)


def test_gaussian_init_scale(init_ref):
    """Is gaussian_init's standard deviation its scale, whatever the fan-in?"""
    W = init_ref.gaussian_init(3000, 200, np.random.default_rng(1), scale=0.5)
    assert np.std(W) == pytest.approx(0.5, rel=0.01)


# ----- initialize_weights --------------------------------------------------------------------
def network_params(dims: list[int]) -> dict[str, np.ndarray]:
    params = {}
    for i, (d_in, d_out) in enumerate(zip(dims[:-1], dims[1:], strict=True), start=1):
        params[f"W{i}"] = np.zeros((d_in, d_out))
        params[f"b{i}"] = np.full(d_out, float(i))
    return params


def test_initialize_weights_draws_in_layer_order(init_ref):
    """Are W1, W2, W3 drawn in order from one generator, biases copied, the input untouched?"""
    params = network_params([6, 5, 4, 3])
    out = init_ref.initialize_weights(params, init_ref.he_init, np.random.default_rng(7))
    rng = np.random.default_rng(7)
    for i, (d_in, d_out) in enumerate([(6, 5), (5, 4), (4, 3)], start=1):
        np.testing.assert_array_equal(out[f"W{i}"], init_ref.he_init(d_in, d_out, rng))
        np.testing.assert_array_equal(out[f"b{i}"], params[f"b{i}"])
        assert out[f"b{i}"] is not params[f"b{i}"]
        np.testing.assert_array_equal(params[f"W{i}"], 0.0)
    assert set(out) == set(params)


def test_initialize_weights_with_partial(init_ref):
    """Does a functools.partial of gaussian_init work as an initializer?"""
    init = functools.partial(init_ref.gaussian_init, scale=2.0)
    out = init_ref.initialize_weights(network_params([400, 300]), init, np.random.default_rng(0))
    assert np.std(out["W1"]) == pytest.approx(2.0, rel=0.02)


def test_initialize_weights_errors(init_ref):
    """Do params without W1, and an initializer of the wrong shape, raise ValueError?"""
    with pytest.raises(ValueError, match="W1"):
        init_ref.initialize_weights({"b1": np.zeros(3)}, init_ref.he_init,
                                    np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"\(3, 2\)"):
        init_ref.initialize_weights(network_params([2, 3]), lambda i, o, r: np.zeros((o, i)),
                                    np.random.default_rng(0))


# ----- what initialization does to a deep network ----------------------------------------------
def last_layer_std(init, activation, depth: int = 10, width: int = 256) -> float:
    """Std of the activations of the last of ``depth`` layers for unit-Gaussian inputs."""
    rng = np.random.default_rng(0)
    h = rng.standard_normal((500, width))
    for _ in range(depth):
        h = activation(h @ init(width, width, rng))
    return float(np.std(h))


def relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def test_small_gaussian_makes_activations_vanish(init_ref):
    """With weights of std 0.01, do tanh activations shrink by orders of magnitude in 10
    layers?"""
    assert last_layer_std(init_ref.gaussian_init, np.tanh) < 1e-6


@pytest.mark.parametrize(("name", "activation", "low", "high"), [
    ("xavier_init", np.tanh, 0.2, 1.0),  # tanh slowly shrinks even at unit gain
    ("he_init", relu, 0.3, 3.0),
])
def test_matched_initialization_keeps_activations_alive(init_ref, name, activation, low, high):
    """With the matching initialization, does the last of 10 layers keep a healthy std?"""
    assert low < last_layer_std(getattr(init_ref, name), activation) < high


def test_xavier_with_relu_halves_the_second_moment(init_ref):
    """Does Xavier (gain 1) with ReLU lose about half of the second moment per layer, so
    that He's factor 2 is needed?"""
    rng = np.random.default_rng(1)
    h = relu(rng.standard_normal((4000, 512)))
    moments = []
    for _ in range(4):
        h = relu(h @ init_ref.xavier_init(512, 512, rng))
        moments.append(np.mean(h * h))
    ratios = np.array(moments[1:]) / np.array(moments[:-1])
    np.testing.assert_allclose(ratios, 0.5, rtol=0.1)
