"""Tests of the reference fc_net.py of hw2 (sandwich layers and FullyConnectedNet).

Gradients are compared with numerical gradients of the network's own loss; the
initialization with draws from an identically seeded generator; the regularization with
the closed form reg * sum(W * W) over weights only.
"""

from __future__ import annotations

import numpy as np
import pytest

from utils.gradient_check import eval_numerical_gradient, eval_numerical_gradient_array

NAMES = ["relu", "sigmoid", "tanh", "leaky_relu", "elu", "softplus", "gelu"]


def batch(seed: int, N: int, D: int, C: int):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N, D)), rng.integers(0, C, size=N)


@pytest.mark.parametrize("name", NAMES)
def test_sandwich_matches_numerical_gradient(fc_net, name):
    """Does the affine + activation sandwich backpropagate into x (4-D), w and b?"""
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((3, 2, 2, 2)), rng.standard_normal((8, 5)), rng.standard_normal(5)
    dout = rng.standard_normal((3, 5))
    _, cache = fc_net.affine_activation_forward(x, w, b, name)
    grads = fc_net.affine_activation_backward(dout, cache)
    inputs = [x, w, b]
    for k in range(3):
        def f(v, k=k):
            args = list(inputs)
            args[k] = v
            return fc_net.affine_activation_forward(*args, name)[0]
        numeric = eval_numerical_gradient_array(f, inputs[k].copy(), dout)
        assert grads[k].shape == inputs[k].shape
        np.testing.assert_allclose(grads[k], numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("hidden_dims", [[], [6], [5, 4, 3]])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_initialization_follows_the_contract(fc_net, hidden_dims, dtype):
    """Are W1, b1, ..., WL, bL drawn in layer order from default_rng(seed), in dtype?"""
    net = fc_net.FullyConnectedNet(hidden_dims, input_dim=7, num_classes=3, weight_scale=0.5,
                                   dtype=dtype, seed=42)
    dims = [7, *hidden_dims, 3]
    rng = np.random.default_rng(42)
    expected = {}
    for i in range(1, len(dims)):
        expected[f"W{i}"] = (0.5 * rng.standard_normal((dims[i - 1], dims[i]))).astype(dtype)
        expected[f"b{i}"] = np.zeros(dims[i], dtype=dtype)
    assert list(net.params) == list(expected)
    for key, value in expected.items():
        assert net.params[key].dtype == dtype
        np.testing.assert_array_equal(net.params[key], value)


CONFIGS = [([], "relu", 0.0), ([6], "tanh", 0.0), ([6], "relu", 0.7), ([5, 4], "sigmoid", 0.3),
           ([5, 4, 3], "gelu", 0.1), ([4, 4], "leaky_relu", 0.0), ([5, 3], "elu", 1.2),
           ([4, 3, 3], "softplus", 0.05)]


@pytest.mark.parametrize(("hidden_dims", "activation", "reg"), CONFIGS)
def test_gradients_match_numerical_gradient(fc_net, hidden_dims, activation, reg):
    """Do the network's gradients match numerical ones for any depth, activation and reg?"""
    X, y = batch(3, N=6, D=5, C=4)
    net = fc_net.FullyConnectedNet(hidden_dims, input_dim=5, num_classes=4,
                                   activation=activation, reg=reg, weight_scale=0.5, seed=4)
    for key in net.params:  # non-zero biases exercise their gradients too
        if key.startswith("b"):
            net.params[key] = 0.1 * np.random.default_rng(5).standard_normal(net.params[key].shape)
    loss, grads = net.loss(X, y)
    assert isinstance(loss, float) and sorted(grads) == sorted(net.params)
    for key, param in net.params.items():
        numeric = eval_numerical_gradient(lambda _: net.loss(X, y)[0], param)
        np.testing.assert_allclose(grads[key], numeric, rtol=1e-5, atol=1e-8, err_msg=key)


def test_regularization_covers_weights_only(fc_net):
    """Is the loss softmax_loss + reg * sum(Wi * Wi), with biases left out?"""
    X, y = batch(7, N=8, D=6, C=3)
    kwargs = {"hidden_dims": [5, 4], "input_dim": 6, "num_classes": 3, "seed": 8}
    plain = fc_net.FullyConnectedNet(**kwargs)
    regular = fc_net.FullyConnectedNet(reg=0.25, **kwargs)
    for net in (plain, regular):
        net.params["b1"] = np.full(5, 3.0)
    loss0, grads0 = plain.loss(X, y)
    loss1, grads1 = regular.loss(X, y)
    weights = [regular.params[f"W{i}"] for i in (1, 2, 3)]
    np.testing.assert_allclose(loss1 - loss0, 0.25 * sum(np.sum(W * W) for W in weights),
                               rtol=1e-10)
    for i in (1, 2, 3):
        np.testing.assert_allclose(grads1[f"W{i}"] - grads0[f"W{i}"],
                                   0.5 * regular.params[f"W{i}"], rtol=1e-9, atol=1e-15)
        np.testing.assert_array_equal(grads1[f"b{i}"], grads0[f"b{i}"])


def test_scores_only_when_y_is_none(fc_net):
    """Does loss(X) return the (N, C) scores, equal to a hand-chained forward pass?"""
    X, _ = batch(9, N=5, D=4, C=3)
    net = fc_net.FullyConnectedNet([6], input_dim=4, num_classes=3, activation="tanh", seed=1)
    scores = net.loss(X)
    p = net.params
    expected = np.tanh(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]
    assert isinstance(scores, np.ndarray) and scores.shape == (5, 3)
    np.testing.assert_allclose(scores, expected, rtol=1e-12)


def test_float32_network_stays_float32(fc_net):
    """Does a float32 network give float32 scores and gradients for float64 input?"""
    X, y = batch(10, N=4, D=6, C=3)
    net = fc_net.FullyConnectedNet([5], input_dim=6, num_classes=3, dtype=np.float32, reg=0.1,
                                   seed=0)
    assert net.loss(X).dtype == np.float32
    _, grads = net.loss(X, y)
    assert {g.dtype for g in grads.values()} == {np.dtype(np.float32)}


def test_loss_leaves_inputs_untouched(fc_net):
    """Does loss(X, y) leave X, y and the parameters unchanged?"""
    X, y = batch(11, N=6, D=5, C=3)
    net = fc_net.FullyConnectedNet([4], input_dim=5, num_classes=3, reg=0.1, seed=2)
    before = [X.copy(), y.copy(), {k: v.copy() for k, v in net.params.items()}]
    net.loss(X, y)
    np.testing.assert_array_equal(X, before[0])
    np.testing.assert_array_equal(y, before[1])
    for key, value in before[2].items():
        np.testing.assert_array_equal(net.params[key], value)


def test_two_layer_relu_net_learns_xor(fc_net):
    """Does a 2-layer ReLU net fit XOR, which no linear classifier can?"""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    net = fc_net.FullyConnectedNet([8], input_dim=2, num_classes=2, weight_scale=1.0, seed=0)
    for _ in range(500):
        _, grads = net.loss(X, y)
        for key in net.params:
            net.params[key] -= 0.5 * grads[key]
    np.testing.assert_array_equal(np.argmax(net.loss(X), axis=1), y)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"hidden_dims": 10}, "hidden_dims must be a list"),
    ({"hidden_dims": [10, 0]}, r"hidden_dims\[1\] must be a positive integer"),
    ({"hidden_dims": [10], "input_dim": 2.5}, "input_dim must be a positive integer"),
    ({"hidden_dims": [10], "activation": "swish"}, "unknown activation 'swish'"),
    ({"hidden_dims": [10], "reg": -1.0}, "reg must be"),
    ({"hidden_dims": [10], "dtype": np.int32}, "floating-point"),
])
def test_constructor_explains_bad_arguments(fc_net, kwargs, words):
    """Does the constructor name the argument that is wrong?"""
    with pytest.raises(ValueError, match=words):
        fc_net.FullyConnectedNet(**kwargs)


@pytest.mark.parametrize(("X", "y", "words"), [
    (np.zeros((4, 5)), None, r"X must have shape \(N, 6\)"),
    (np.zeros((4, 6)), np.zeros(3, dtype=int), "y must hold N = 4 integer labels"),
    (np.zeros((4, 6)), np.zeros(4), "dtype float64"),
])
def test_loss_explains_bad_batches(fc_net, X, y, words):
    """Does loss name the shapes of a batch that does not fit the network?"""
    net = fc_net.FullyConnectedNet([3], input_dim=6, num_classes=2, seed=0)
    with pytest.raises(ValueError, match=words):
        net.loss(X, y)
