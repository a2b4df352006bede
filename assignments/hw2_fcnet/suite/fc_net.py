"""Graded tests of fc_net.py: the affine + activation sandwich and FullyConnectedNet,
plus accuracy credit for the submitted best_model.npz."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from autograder import expect
from autograder.model_credit import accuracy_fraction, digits_test_split, saved_model_accuracy
from autograder.suite import graded

_spec = importlib.util.spec_from_file_location("_hw2_suite_pairs",
                                               Path(__file__).with_name("_pairs.py"))
pairs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pairs)

NET = "fc_net.FullyConnectedNet"
SANDWICH_FORWARD = "fc_net.affine_activation_forward"
SANDWICH_BACKWARD = "fc_net.affine_activation_backward"
CHANCE, TARGET = 0.1, 0.97  # accuracy credit: 0 points at chance, full points at TARGET


# ----- the sandwich ------------------------------------------------------------------------
def sandwich_problem(seed: int, x_shape: tuple[int, ...], M: int):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(x_shape)
    w = rng.standard_normal((int(np.prod(x_shape[1:])), M))
    return x, w, rng.standard_normal(M), rng.standard_normal((x_shape[0], M))


@graded(points=1, cell="test_affine_activation", tags=["affine_activation_forward"],
        visible=True)
def sandwich_forward(student, ref):
    """affine_activation_forward: affine then ReLU, for inputs of several shapes"""
    for k, (activation, x_shape) in enumerate([("relu", (4, 5)), ("relu", (3, 2, 3)),
                                               ("relu", (1, 6))]):
        x, w, b, _ = sandwich_problem(500 + k, x_shape, 4)
        label = f"affine_activation_forward ({activation}, x of shape {x_shape})"
        out, _ = pairs.call_forward(student, SANDWICH_FORWARD, (x, w, b, activation), label,
                                    {"0": "x", "1": "w", "2": "b"})
        out = expect.array(out, f"out of {label}", shape=(x_shape[0], 4))
        expected, _ = ref.fc_net.affine_activation_forward(x, w, b, activation)
        expect.close(f"out of {label}", out, expected, rtol=1e-8,
                     hint="apply affine_forward, then the activation's forward function")


@graded(points=2, cell="test_affine_activation", tags=["affine_activation_backward"])
def sandwich_backward(student, ref):
    """affine_activation_backward: dx, dw, db through affine then ReLU, several shapes"""
    for k, (activation, x_shape) in enumerate([("relu", (4, 5)), ("relu", (3, 2, 3)),
                                               ("relu", (1, 6))]):
        x, w, b, dout = sandwich_problem(510 + k, x_shape, 3)
        label = f"affine_activation_backward ({activation}, x of shape {x_shape})"
        _, cache = pairs.call_forward(student, SANDWICH_FORWARD, (x, w, b, activation),
                                      "affine_activation_forward",
                                      {"0": "x", "1": "w", "2": "b"})
        grads = pairs.call_backward(student, SANDWICH_BACKWARD, dout, cache, label, 3)
        ref_cache = ref.fc_net.affine_activation_forward(x, w, b, activation)[1]
        expected = ref.fc_net.affine_activation_backward(dout, ref_cache)
        for name, value, exp in zip(("dx", "dw", "db"), grads, expected, strict=True):
            value = expect.array(value, f"{name} of {label}", shape=exp.shape)
            expect.close(f"{name} of {label}", value, exp, rtol=1e-7,
                         hint="go backwards: the activation's backward first, then "
                              "affine_backward")


# ----- FullyConnectedNet -------------------------------------------------------------------
def batch(seed: int, N: int, D: int, C: int):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N, D)), rng.integers(0, C, size=N)


def reference_net(ref, seed: int, **kwargs):
    """The reference network, with small random biases so that their gradients matter."""
    net = ref.fc_net.FullyConnectedNet(seed=seed, **kwargs)
    rng = np.random.default_rng(seed + 1)
    for key, value in net.params.items():
        if key.startswith("b"):
            net.params[key] = (0.1 * rng.standard_normal(value.shape)).astype(value.dtype)
    return net


def student_net(student, ref_net, **kwargs):
    """The student's network with the reference network's parameters."""
    net = student.new(NET, **kwargs)
    net.set("params", {k: v.copy() for k, v in ref_net.params.items()})
    return net


def describe(kwargs: dict) -> str:
    parts = [f"hidden_dims={kwargs['hidden_dims']}"]
    parts += [f"{k}={v}" for k, v in kwargs.items() if k in ("activation", "reg")]
    return ", ".join(parts)


def compare_loss(student, ref, seed: int, N: int, **kwargs) -> None:
    """Loss and every gradient equal the reference's for the same parameters."""
    X, y = batch(seed, N, kwargs["input_dim"], kwargs["num_classes"])
    ref_net = reference_net(ref, seed, **kwargs)
    net = student_net(student, ref_net, **kwargs)
    label = f"FullyConnectedNet.loss ({describe(kwargs)})"
    loss, grads = expect.sequence(net.call("loss", X, y), 2, label)
    expect.not_mutated(student, label, {"0": "X", "1": "y"})
    ref_loss, ref_grads = ref_net.loss(X, y)
    loss = expect.scalar(loss, f"the loss of {label}")
    expect.close(f"the loss of {label}", loss, ref_loss, rtol=1e-7,
                 hint="softmax_loss of the scores plus reg * sum(W * W) over the weights")
    expect.true(isinstance(grads, dict), f"the grads returned by {label} should be a dict")
    missing = sorted(set(ref_grads) - set(grads))
    expect.true(not missing, f"grads of {label} has no entry for {missing}",
                "grads needs one entry per parameter, with the same keys as params")
    for key in ref_grads:  # layer order: W1, b1, W2, ...
        value = expect.array(grads[key], f"grads['{key}'] of {label}",
                             shape=ref_grads[key].shape)
        expect.close(f"grads['{key}'] of {label}", value, ref_grads[key], rtol=1e-6,
                     hint="L2 regularization adds 2 * reg * W to each weight gradient and "
                          "nothing to the biases" if kwargs.get("reg") else None)


@graded(points=2, cell="test_fc_net", tags=["FullyConnectedNet.__init__"], visible=True)
def net_initialization(student, ref):
    """FullyConnectedNet.__init__: parameter names, shapes, dtype and values for a seed"""
    for dims, dtype in (([5, 4], np.float64), ([], np.float64), ([3, 6, 2], np.float32)):
        kwargs = {"hidden_dims": dims, "input_dim": 7, "num_classes": 3, "weight_scale": 0.3,
                  "dtype": dtype, "seed": 11}
        net = student.new(NET, **kwargs)
        params = net.get("params")
        expected = ref.fc_net.FullyConnectedNet(**kwargs).params
        label = f"params of FullyConnectedNet(hidden_dims={dims})"
        expect.true(isinstance(params, dict), f"{label} should be a dict")
        expect.equal(f"the keys of {label}", sorted(params), sorted(expected),
                     hint="W1, b1, ..., WL, bL with L = len(hidden_dims) + 1")
        for key, value in expected.items():
            got = expect.array(params[key], f"{label}['{key}']", shape=value.shape)
            expect.true(got.dtype == value.dtype, f"{label}['{key}'] has dtype {got.dtype}, "
                        f"expected {value.dtype}", "convert every parameter to dtype")
            expect.close(f"{label}['{key}']", got, value, rtol=1e-6,
                         hint="draw W1, W2, ... in layer order from "
                              "rng = np.random.default_rng(seed), each as weight_scale * "
                              "rng.standard_normal((d_in, d_out)); biases are zeros")


@graded(points=2, cell="test_fc_net", tags=["FullyConnectedNet.loss"], visible=True)
def net_scores(student, ref):
    """FullyConnectedNet.loss(X): class scores (N, C) when y is None"""
    for seed, kwargs in enumerate([
        {"hidden_dims": [6], "input_dim": 5, "num_classes": 4, "activation": "relu"},
        {"hidden_dims": [5, 4, 3], "input_dim": 8, "num_classes": 3, "activation": "tanh"},
    ]):
        X, _ = batch(600 + seed, 7, kwargs["input_dim"], kwargs["num_classes"])
        ref_net = reference_net(ref, 600 + seed, **kwargs)
        net = student_net(student, ref_net, **kwargs)
        label = f"FullyConnectedNet.loss(X) ({describe(kwargs)})"
        scores = net.call("loss", X)
        expect.not_mutated(student, label, {"0": "X"})
        expect.true(not isinstance(scores, tuple | list), f"{label} returned a tuple: with y "
                    "None it should return the scores array only")
        scores = expect.array(scores, f"the scores of {label}", shape=(7, kwargs["num_classes"]))
        expect.close(f"the scores of {label}", scores, ref_net.loss(X), rtol=1e-8,
                     hint="hidden layers are affine -> activation; the last layer is affine "
                          "only")


@graded(points=3, cell="test_fc_net", tags=["FullyConnectedNet.loss"])
def net_loss_and_gradients(student, ref):
    """FullyConnectedNet.loss(X, y): loss and gradients for several depths and activations"""
    configs = [([], "relu"), ([6], "relu"), ([5, 4], "sigmoid"), ([4, 5, 3], "gelu"),
               ([5, 5], "leaky_relu"), ([4, 3], "softplus")]
    for k, (dims, activation) in enumerate(configs):
        compare_loss(student, ref, 610 + k, N=9, hidden_dims=dims, input_dim=6, num_classes=4,
                     activation=activation, weight_scale=0.5)


@graded(points=2, cell="test_fc_net", tags=["FullyConnectedNet.loss"])
def net_regularization(student, ref):
    """FullyConnectedNet.loss: L2 regularization of every weight matrix, none on biases"""
    for k, (dims, activation, reg) in enumerate([([6], "relu", 0.3), ([5, 4, 3], "tanh", 1.5),
                                                 ([], "relu", 0.7), ([4, 4], "elu", 0.05)]):
        compare_loss(student, ref, 620 + k, N=8, hidden_dims=dims, input_dim=5, num_classes=3,
                     activation=activation, reg=reg, weight_scale=0.5)


@graded(points=2, cell="test_fc_net", tags=["FullyConnectedNet.loss"])
def net_numerical_gradient(student, ref):
    """FullyConnectedNet.loss: gradients agree with numerical gradients of your own loss"""
    kwargs = {"hidden_dims": [4, 3], "input_dim": 3, "num_classes": 3, "activation": "tanh",
              "reg": 0.2, "weight_scale": 0.7}
    X, y = batch(630, 5, 3, 3)
    ref_net = reference_net(ref, 630, **kwargs)
    net = student_net(student, ref_net, **kwargs)
    _, grads = expect.sequence(net.call("loss", X, y), 2, "FullyConnectedNet.loss")
    expect.true(isinstance(grads, dict), "the grads returned by loss should be a dict")
    params = {k: v.copy() for k, v in ref_net.params.items()}
    h = 1e-5
    for key, value in params.items():
        numeric = np.zeros_like(value)
        for idx in np.ndindex(*value.shape):
            values = []
            for step in (h, -h):
                trial = {k: v.copy() for k, v in params.items()}
                trial[key][idx] += step
                net.set("params", trial)
                out = expect.sequence(net.call("loss", X, y), 2, "FullyConnectedNet.loss")
                values.append(expect.scalar(out[0], "the loss"))
            numeric[idx] = (values[0] - values[1]) / (2 * h)
        expect.true(key in grads, f"grads has no entry '{key}'")
        got = expect.array(grads[key], f"grads['{key}']", shape=value.shape)
        expect.close(f"grads['{key}'] against the numerical gradient of your loss", got,
                     numeric, rtol=1e-5, hint="your loss and its gradient disagree")


@graded(points=1, cell="test_fc_net", tags=["FullyConnectedNet.loss"])
def net_float32(student, ref):
    """FullyConnectedNet.loss: a float32 network computes in float32"""
    kwargs = {"hidden_dims": [6, 5], "input_dim": 4, "num_classes": 3, "dtype": np.float32,
              "reg": 0.1}
    X, y = batch(640, 6, 4, 3)
    ref_net = reference_net(ref, 640, **kwargs)
    net = student_net(student, ref_net, **kwargs)
    loss, grads = expect.sequence(net.call("loss", X, y), 2, "FullyConnectedNet.loss")
    ref_loss, ref_grads = ref_net.loss(X, y)
    expect.close("the loss of a float32 network", expect.scalar(loss, "the loss"), ref_loss,
                 rtol=1e-4)
    expect.true(isinstance(grads, dict), "the grads returned by loss should be a dict")
    for key, expected in ref_grads.items():
        expect.true(key in grads, f"grads has no entry '{key}'")
        got = expect.array(grads[key], f"grads['{key}']", shape=expected.shape)
        expect.true(got.dtype == np.float32, f"grads['{key}'] of a float32 network has dtype "
                    f"{got.dtype}", "convert X to self.dtype; keep every array in that dtype")
        expect.close(f"grads['{key}'] of a float32 network", got, expected, rtol=1e-3)


# ----- accuracy credit ----------------------------------------------------------------------
@graded(points=6, cell="test_best_model", tags=["FullyConnectedNet"])
def best_model_accuracy(student, ref):
    """best_model.npz: test accuracy on digits, full points at 0.97, none at chance (0.10)"""
    X_test, y_test = digits_test_split()  # the notebook's split, shipped with the grader
    accuracy = saved_model_accuracy(student.submitted_file("best_model.npz"),
                                    ref.fc_net.FullyConnectedNet, X_test, y_test)
    return accuracy_fraction(accuracy, chance=CHANCE, target=TARGET)
