"""The reference network's gradients are those of the plain chain of its layers.

``FullyConnectedNet.loss`` skips work nobody uses (the gradient with respect to the data
X, temporaries of the regularization). These tests compare it with the textbook chain
built from the same layer functions: every affine layer through ``affine_backward``
(dX included), then ``reg * np.sum(W * W)`` and ``2 * reg * W``, to 1e-12 relative in
float64. They cover hw2's network, hw3's copy of it (hw2's reference handed out without
solution markers) and hw1's linear classifier (hw2's network without hidden layers);
tests/hw4/test_hw4_fc_net_chain.py covers hw4's.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from fc_net_chain import add_l2_penalty, record_affine_inputs

from autograder.core.manifest import load_assignment
from autograder.core.paths import course_root, source_dir
from autograder.core.suite import load_reference
from autograder.release.given import write_given

RTOL = {np.float64: 1e-12, np.float32: 1e-5}
CONFIGS = [([], "relu", 0.0), ([], "relu", 0.4), ([6], "relu", 0.7), ([5, 4], "tanh", 0.0),
           ([5, 4, 3], "gelu", 0.1), ([4, 4], "leaky_relu", 1e-3), ([6, 5, 4, 3], "elu", 0.2)]


def chained_loss(fc_net: ModuleType, net, X: np.ndarray, y: np.ndarray):
    """Loss and gradients of ``net`` by the plain chain of ``fc_net``'s layer functions."""
    p, L = net.params, net.num_layers
    X = X.astype(net.dtype)
    h, caches = X, []
    for i in range(1, L):
        h, cache = fc_net.affine_activation_forward(h, p[f"W{i}"], p[f"b{i}"], net.activation)
        caches.append(cache)
    scores, cache = fc_net.affine_forward(h, p[f"W{L}"], p[f"b{L}"])
    loss, dh = fc_net.softmax_loss(scores, y)
    grads = {}
    dh, grads[f"W{L}"], grads[f"b{L}"] = fc_net.affine_backward(dh, cache)
    for i in range(L - 1, 0, -1):
        dh, grads[f"W{i}"], grads[f"b{i}"] = fc_net.affine_activation_backward(dh, caches.pop())
    assert dh.shape == X.shape  # the chain computes the data's gradient; the network need not
    return add_l2_penalty(loss, grads, p, net.reg), grads


def batch(seed: int, shape: tuple[int, ...], C: int):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape), rng.integers(0, C, size=shape[0])


def make_net(fc_net: ModuleType, hidden_dims, activation, reg, dtype=np.float64, D=12, C=4):
    net = fc_net.FullyConnectedNet(hidden_dims, input_dim=D, num_classes=C,
                                   activation=activation, reg=reg, weight_scale=0.4,
                                   dtype=dtype, seed=7)
    rng = np.random.default_rng(8)
    for key, value in net.params.items():  # nonzero biases, so that their gradients matter
        if key.startswith("b"):
            net.params[key] = (0.1 * rng.standard_normal(value.shape)).astype(dtype)
    return net


def assert_same(loss, grads, expected_loss, expected_grads, rtol):
    assert loss == pytest.approx(expected_loss, rel=rtol)
    assert list(grads) == list(expected_grads)  # same keys, in the same (layer) order
    for key, value in expected_grads.items():
        assert grads[key].dtype == value.dtype and grads[key].shape == value.shape
        np.testing.assert_allclose(grads[key], value, rtol=rtol, atol=0, err_msg=key)


@pytest.fixture(scope="session")
def hw3_fc_net(tmp_path_factory) -> ModuleType:
    """hw3's given fc_net.py with its given layers: the modules hw3 hands out, built from
    their origin as ``course release`` builds them."""
    folder = tmp_path_factory.mktemp("hw3_given")
    written = write_given(load_assignment("hw3_optim"), course_root(), folder)
    return load_reference(folder, [path.stem for path in written]).fc_net


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("hidden_dims", "activation", "reg"), CONFIGS)
def test_hw2_gradients_equal_the_plain_chain(fc_net, hidden_dims, activation, reg, dtype):
    """Are hw2's loss and gradients those of the plain chain of its layers, for any depth
    (none to four hidden layers), activation, reg and image-shaped inputs?"""
    X, y = batch(1, (9, 3, 2, 2), 4)
    net = make_net(fc_net, hidden_dims, activation, reg, dtype)
    assert_same(*net.loss(X, y), *chained_loss(fc_net, net, X, y), RTOL[dtype])


@pytest.mark.parametrize(("hidden_dims", "activation", "reg"), CONFIGS)
def test_hw3_gradients_equal_the_plain_chain(hw3_fc_net, hidden_dims, activation, reg):
    """Does hw3's given network (hw2's reference without markers) give the gradients of the
    plain chain of its layers?"""
    X, y = batch(2, (8, 12), 4)
    net = make_net(hw3_fc_net, hidden_dims, activation, reg)
    assert_same(*net.loss(X, y), *chained_loss(hw3_fc_net, net, X, y), RTOL[np.float64])


def test_hw3_hands_out_hw2_network(hw3_fc_net):
    """Is hw3's given network hw2's reference, so that the tests above cover what hw3's
    students get?"""
    assert load_assignment("hw3_optim").given["fc_net.py"] == "hw2_fcnet"
    assert hasattr(hw3_fc_net, "FullyConnectedNet") and "BEGIN SOLUTION" not in Path(
        hw3_fc_net.__file__).read_text()


def load_hw1_softmax() -> ModuleType:
    name = "hw2_chain_tests_hw1_softmax"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name,
                                                      source_dir("hw1_softmax") / "softmax.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name]


@pytest.mark.parametrize("reg", [0.0, 0.3])
def test_hw1_linear_classifier_is_the_network_without_hidden_layers(fc_net, reg):
    """Does hw2's network without hidden layers give hw1's softmax loss and gradient (bias
    trick, zero bias so that hw1's penalty on the bias row adds nothing)?"""
    softmax = load_hw1_softmax()
    X, y = batch(3, (10, 12), 4)
    net = fc_net.FullyConnectedNet([], input_dim=12, num_classes=4, reg=reg, weight_scale=0.5,
                                   seed=9)
    loss, grads = net.loss(X, y)
    W_bias = np.vstack([net.params["W1"], net.params["b1"]])
    hw1_loss, hw1_dW = softmax.softmax_loss_vectorized(W_bias, softmax.append_bias(X), y, reg)
    assert loss == pytest.approx(hw1_loss, rel=1e-12)
    np.testing.assert_allclose(np.vstack([grads["W1"], grads["b1"]]), hw1_dW, rtol=1e-12,
                               atol=1e-15)


def test_no_gradient_with_respect_to_the_data(fc_net, monkeypatch):
    """Does the network leave the data X out of affine_backward (its dX is the step's most
    expensive product, and nothing uses it), for every other layer call it?"""
    calls = record_affine_inputs(monkeypatch, fc_net)
    X, y = batch(4, (6, 12), 4)
    for hidden_dims in ([], [5], [5, 4, 3]):
        calls.clear()
        net = fc_net.FullyConnectedNet(hidden_dims, input_dim=12, num_classes=4, seed=0)
        net.loss(X, y)
        assert len(calls) == len(hidden_dims)  # every layer but the first
        assert not any(x.shape == X.shape for x in calls)
