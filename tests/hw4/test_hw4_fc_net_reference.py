"""Tests of the reference fc_net.py of hw4: FullyConnectedNet with normalization and dropout.

Gradients are compared with centered differences of the network's own loss (dropout
masks frozen by an integer seed); the plain configuration with hw2's reference network;
test-mode scores with closed-form properties (determinism, independence of the batch) and
with the batch-norm folding of ``inference_network``.
"""

from __future__ import annotations

import numpy as np
import pytest

from utils.gradient_check import eval_numerical_gradient

CONFIGS = [
    {"normalization": "batchnorm"},
    {"normalization": "layernorm"},
    {"dropout_keep_ratio": 0.6},
    {"normalization": "batchnorm", "dropout_keep_ratio": 0.75, "reg": 0.1},
    {"normalization": "layernorm", "dropout_keep_ratio": 0.5, "activation": "tanh"},
]


def small_problem(seed: int, N: int = 6, D: int = 5, C: int = 3):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N, D)), rng.integers(0, C, size=N)


def make_net(fc_net_ref, hidden=(4, 3), D=5, C=3, seed=0, **kwargs):
    return fc_net_ref.FullyConnectedNet(list(hidden), input_dim=D, num_classes=C,
                                        weight_scale=0.5, seed=seed, **kwargs)


# ----- parameters ------------------------------------------------------------------------
@pytest.mark.parametrize("normalization", [None, "batchnorm", "layernorm"])
def test_parameter_names_shapes_and_initial_values(fc_net_ref, normalization):
    """Are there W, b for every layer and gamma (ones), beta (zeros) for every hidden layer
    only when normalizing, with the same weights as without normalization?"""
    net = make_net(fc_net_ref, hidden=(4, 3, 2), normalization=normalization)
    plain = make_net(fc_net_ref, hidden=(4, 3, 2))
    expected = {f"{p}{i}" for i in range(1, 5) for p in "Wb"}
    if normalization:
        expected |= {f"{p}{i}" for i in range(1, 4) for p in ("gamma", "beta")}
        for i, d in enumerate((4, 3, 2), start=1):
            np.testing.assert_array_equal(net.params[f"gamma{i}"], np.ones(d))
            np.testing.assert_array_equal(net.params[f"beta{i}"], np.zeros(d))
    assert set(net.params) == expected
    for i in range(1, 5):
        np.testing.assert_array_equal(net.params[f"W{i}"], plain.params[f"W{i}"])


def test_plain_network_equals_hw2(fc_net_ref, reference):
    """Without normalization or dropout, are the scores, loss and gradients hw2's?"""
    hw2 = reference("hw2_fcnet").fc_net
    X, y = small_problem(1)
    kwargs = {"input_dim": 5, "num_classes": 3, "reg": 0.3, "weight_scale": 0.5, "seed": 4}
    ours, theirs = fc_net_ref.FullyConnectedNet([4, 3], **kwargs), hw2.FullyConnectedNet(
        [4, 3], **kwargs)
    np.testing.assert_allclose(ours.loss(X), theirs.loss(X), rtol=1e-13)
    loss, grads = ours.loss(X, y)
    ref_loss, ref_grads = theirs.loss(X, y)
    assert loss == pytest.approx(ref_loss, rel=1e-13)
    for name, grad in ref_grads.items():
        np.testing.assert_allclose(grads[name], grad, rtol=1e-12)


# ----- gradients -------------------------------------------------------------------------
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(map(str, c.values())))
def test_gradients_match_numerical_at_init(fc_net_ref, config):
    """Does every gradient of the train-mode loss agree with centered differences (dropout
    masks frozen by an integer seed, biases moved off zero)?"""
    X, y = small_problem(2)
    net = make_net(fc_net_ref, seed=3, **config)
    net.dropout_param["seed"] = 123
    rng = np.random.default_rng(4)
    for name in net.params:  # nonzero biases: no ReLU input sits exactly on its kink at 0
        if name.startswith("b"):
            net.params[name] = 0.1 * rng.standard_normal(net.params[name].shape)
    loss, grads = net.loss(X, y)
    assert set(grads) == set(net.params)
    for name, param in net.params.items():
        numerical = eval_numerical_gradient(lambda _: net.loss(X, y)[0], param)
        np.testing.assert_allclose(grads[name], numerical, rtol=1e-5, atol=1e-8,
                                   err_msg=f"gradient of {name}")


def test_regularization_leaves_gamma_and_beta_alone(fc_net_ref):
    """Does reg add only reg * sum(W * W) to the loss, gammas and betas excluded?"""
    X, y = small_problem(3)
    loss0 = make_net(fc_net_ref, normalization="batchnorm").loss(X, y)[0]
    net = make_net(fc_net_ref, normalization="batchnorm", reg=0.7)
    net.params["gamma1"] = net.params["gamma1"] * 3.0
    net2 = make_net(fc_net_ref, normalization="batchnorm")
    net2.params["gamma1"] = net2.params["gamma1"] * 3.0
    penalty = 0.7 * sum(np.sum(net.params[f"W{i}"] ** 2) for i in range(1, 4))
    assert net.loss(X, y)[0] == pytest.approx(net2.loss(X, y)[0] + penalty, rel=1e-12)
    assert loss0 != pytest.approx(net2.loss(X, y)[0])


# ----- modes -----------------------------------------------------------------------------
def test_batchnorm_running_averages_are_updated_in_train_mode_only(fc_net_ref):
    """Does loss(X, y) update each layer's running averages and loss(X) leave them?"""
    X, y = small_problem(4, N=20)
    net = make_net(fc_net_ref, normalization="batchnorm")
    net.loss(X, y)
    first = [p["running_mean"].copy() for p in net.norm_params]
    assert all(np.any(m != 0) for m in first)
    net.loss(X)
    for param, before in zip(net.norm_params, first, strict=True):
        np.testing.assert_array_equal(param["running_mean"], before)


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(map(str, c.values())))
def test_test_mode_is_deterministic_and_per_example(fc_net_ref, config):
    """After some training steps, do two loss(X) calls agree, and is an example's score the
    same alone as in its batch?"""
    X, y = small_problem(5, N=12)
    net = make_net(fc_net_ref, **config)
    for _ in range(3):
        net.loss(X, y)
    scores = net.loss(X)
    np.testing.assert_array_equal(net.loss(X), scores)
    np.testing.assert_allclose(net.loss(X[4:5])[0], scores[4], rtol=1e-12)


def test_dropout_masks_are_fresh_and_reproducible(fc_net_ref):
    """Do successive training losses use new masks, the same sequence for the same seed?"""
    X, y = small_problem(6)
    runs = []
    for _ in range(2):
        net = make_net(fc_net_ref, seed=9, dropout_keep_ratio=0.5)
        runs.append([net.loss(X, y)[0] for _ in range(3)])
    assert runs[0] == runs[1]
    assert len(set(runs[0])) == 3


def test_test_mode_without_dropout_effect(fc_net_ref):
    """Are the test-mode scores of a dropout network those of the same network without
    dropout?"""
    X, _ = small_problem(7)
    with_dropout = make_net(fc_net_ref, dropout_keep_ratio=0.3)
    without = make_net(fc_net_ref)
    np.testing.assert_array_equal(with_dropout.loss(X), without.loss(X))


# ----- saving ----------------------------------------------------------------------------
def test_inference_network_folds_batchnorm(fc_net_ref):
    """Does the folded plain network give the batch-norm network's test-mode scores?"""
    rng = np.random.default_rng(8)
    net = make_net(fc_net_ref, normalization="batchnorm", dropout_keep_ratio=0.8)
    for _ in range(5):
        X = 2.0 + 3.0 * rng.standard_normal((16, 5))
        net.loss(X, rng.integers(0, 3, size=16))
    plain, kwargs = fc_net_ref.inference_network(net)
    assert kwargs["normalization"] is None and plain.normalization is None
    X_test = rng.standard_normal((10, 5))
    np.testing.assert_allclose(plain.loss(X_test), net.loss(X_test), rtol=1e-10, atol=1e-12)
    rebuilt = fc_net_ref.FullyConnectedNet(**kwargs)
    assert set(rebuilt.params) == set(plain.params)


def test_inference_network_keeps_layernorm(fc_net_ref):
    """Is a layer-norm network returned as it is, with kwargs that rebuild it?"""
    net = make_net(fc_net_ref, normalization="layernorm")
    same, kwargs = fc_net_ref.inference_network(net)
    assert same is net
    assert set(fc_net_ref.FullyConnectedNet(**kwargs).params) == set(net.params)


def test_inference_network_refuses_an_untrained_batchnorm_net(fc_net_ref):
    """Does folding a never-trained batch-norm network raise a clear ValueError?"""
    with pytest.raises(ValueError, match="running averages"):
        fc_net_ref.inference_network(make_net(fc_net_ref, normalization="batchnorm"))


# ----- bad input -------------------------------------------------------------------------
@pytest.mark.parametrize(("kwargs", "words"), [
    ({"normalization": "groupnorm"}, "normalization"),
    ({"normalization": "BatchNorm"}, "'batchnorm'"),
    ({"dropout_keep_ratio": 0.0}, "(0, 1]"),
    ({"dropout_keep_ratio": 1.5}, "keeping"),
])
def test_bad_options_raise_a_clear_value_error(fc_net_ref, kwargs, words):
    """Does an unknown normalization or a keep ratio outside (0, 1] raise ValueError?"""
    with pytest.raises(ValueError) as info:
        make_net(fc_net_ref, **kwargs)
    assert words in str(info.value)
