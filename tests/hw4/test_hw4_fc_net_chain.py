"""hw4's reference network gives the gradients of the plain chain of its layers.

``FullyConnectedNet.loss`` skips the gradient with respect to the data X (layer 1 stops at
its affine output, see ``affine_param_backward``). These tests compare it with the
textbook chain of the same layer functions, every hidden layer through its whole sandwich
(dX included), to 1e-12 relative in float64, with and without normalization and dropout.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest
from fc_net_chain import add_l2_penalty, record_affine_inputs

CONFIGS = [
    {},
    {"reg": 0.3},
    {"normalization": "batchnorm"},
    {"normalization": "layernorm", "reg": 0.1},
    {"dropout_keep_ratio": 0.6},
    {"normalization": "batchnorm", "dropout_keep_ratio": 0.75, "reg": 0.2},
    {"normalization": "layernorm", "dropout_keep_ratio": 0.5, "activation": "tanh"},
]
DEPTHS = [(), (5,), (5, 4, 3)]


def chained_loss(fc: ModuleType, net, X: np.ndarray, y: np.ndarray):
    """Train-mode loss and gradients of ``net`` by the plain chain of ``fc``'s layers."""
    p, L = net.params, net.num_layers
    for norm_param in net.norm_params:
        norm_param["mode"] = "train"
    net.dropout_param["mode"] = "train"
    h, caches = X, []
    for i in range(1, L):
        if net.normalization is None:
            h, cache = fc.affine_activation_forward(h, p[f"W{i}"], p[f"b{i}"], net.activation)
        else:
            h, cache = fc.affine_norm_activation_forward(
                h, p[f"W{i}"], p[f"b{i}"], p[f"gamma{i}"], p[f"beta{i}"], net.norm_params[i - 1],
                net.normalization, net.activation)
        caches.append(cache)
        if net.use_dropout:
            h, cache = fc.dropout_forward(h, net.dropout_param)
            caches.append(cache)
    scores, cache = fc.affine_forward(h, p[f"W{L}"], p[f"b{L}"])
    loss, dh = fc.softmax_loss(scores, y)
    grads = {}
    dh, grads[f"W{L}"], grads[f"b{L}"] = fc.affine_backward(dh, cache)
    for i in range(L - 1, 0, -1):
        if net.use_dropout:
            dh = fc.dropout_backward(dh, caches.pop())
        if net.normalization is None:
            dh, grads[f"W{i}"], grads[f"b{i}"] = fc.affine_activation_backward(dh, caches.pop())
        else:
            dh, grads[f"W{i}"], grads[f"b{i}"], grads[f"gamma{i}"], grads[f"beta{i}"] = (
                fc.affine_norm_activation_backward(dh, caches.pop()))
    assert dh.shape == X.shape  # the chain computes the data's gradient; the network need not
    return add_l2_penalty(loss, grads, p, net.reg), grads


def make_net(fc: ModuleType, hidden, config: dict, D: int = 6, C: int = 3):
    """A network with nonzero biases and dropout masks frozen by an integer seed."""
    net = fc.FullyConnectedNet(list(hidden), input_dim=D, num_classes=C, weight_scale=0.5,
                               seed=5, **config)
    net.dropout_param["seed"] = 123
    rng = np.random.default_rng(6)
    for key, value in net.params.items():
        if key.startswith(("b", "beta")):
            net.params[key] = 0.1 * rng.standard_normal(value.shape)
    return net


def problem(seed: int, N: int = 10, D: int = 6, C: int = 3):
    rng = np.random.default_rng(seed)
    return 1.0 + rng.standard_normal((N, D)), rng.integers(0, C, size=N)


@pytest.mark.parametrize("hidden", DEPTHS, ids=lambda h: f"hidden{list(h)}")
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(map(str, c.values())) or
                         "plain")
def test_gradients_equal_the_plain_chain(fc_net_ref, config, hidden):
    """Are the train-mode loss and gradients those of the plain chain of the layers (to
    1e-12 relative), for any depth, normalization, dropout and reg?"""
    X, y = problem(1)
    net = make_net(fc_net_ref, hidden, config)
    loss, grads = net.loss(X, y)
    expected_loss, expected = chained_loss(fc_net_ref, net, X, y)
    assert loss == pytest.approx(expected_loss, rel=1e-12)
    assert list(grads) == list(expected)  # same keys, in the same (layer) order
    for key, value in expected.items():
        np.testing.assert_allclose(grads[key], value, rtol=1e-12, atol=0, err_msg=key)


@pytest.mark.parametrize("normalization", [None, "batchnorm", "layernorm"])
def test_no_gradient_with_respect_to_the_data(fc_net_ref, normalization, monkeypatch):
    """Does the network leave the data X out of affine_backward (the step's most expensive
    product, and nothing uses it), and call it for every other layer?"""
    calls = record_affine_inputs(monkeypatch, fc_net_ref)
    X, y = problem(2)
    for hidden in DEPTHS:
        calls.clear()
        make_net(fc_net_ref, hidden, {"normalization": normalization,
                                      "dropout_keep_ratio": 0.8}).loss(X, y)
        assert len(calls) == len(hidden)  # every layer but the first
        assert not any(x.shape == X.shape for x in calls)


def test_affine_param_backward_is_affine_backward_without_dx(fc_net_ref):
    """Does affine_param_backward return affine_backward's dw and db, for image-shaped x?"""
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((4, 2, 3)), rng.standard_normal((6, 5)), rng.standard_normal(5)
    dout = rng.standard_normal((4, 5))
    _, cache = fc_net_ref.affine_forward(x, w, b)
    _, dw, db = fc_net_ref.affine_backward(dout, cache)
    got_dw, got_db = fc_net_ref.affine_param_backward(dout, cache)
    np.testing.assert_array_equal(got_dw, dw)
    np.testing.assert_array_equal(got_db, db)
