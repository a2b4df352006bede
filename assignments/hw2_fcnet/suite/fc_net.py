"""Graded tests of fc_net.py: the affine + activation sandwich and FullyConnectedNet,
plus accuracy credit for the submitted best_model.npz."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from autograder.authoring import expect
from autograder.authoring.model_credit import (
    accuracy_fraction,
    digits_heldout_split,
    saved_model_accuracy,
)
from autograder.core.suite import graded
from autograder.sandbox.student import StudentError

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


PARTS_NOTE = ("{func} chains your {parts} correctly and is judged right here; those "
              "functions' own tests judge them")


def chained_forward(student, x, w, b, activation: str):
    """The student's own affine_forward then activation forward, or None."""
    a = pairs.student_value(student, "layers.affine_forward", x, w, b)
    if not isinstance(a, np.ndarray):
        return None
    return pairs.student_value(student, f"activations.{activation}_forward", a)


def chained_backward(student, dout, cache, activation: str):
    """The student's own activation backward then affine_backward, on the reference
    sandwich cache ``cache``, or None."""
    affine_cache, act_cache, _ = cache
    da = pairs.student_value(student, f"activations.{activation}_backward", dout, act_cache,
                             index=None)
    if not isinstance(da, np.ndarray):
        return None
    grads = pairs.student_value(student, "layers.affine_backward", da, affine_cache, index=None)
    return grads if isinstance(grads, tuple | list) and len(grads) == 3 else None


@graded(points=1, cell="test_affine_activation", tags=["affine_activation_forward"],
        visible=True)
def sandwich_forward(student, ref):
    """affine_activation_forward: affine then ReLU, for inputs of several shapes"""
    notes = []
    for k, (activation, x_shape) in enumerate([("relu", (4, 5)), ("relu", (3, 2, 3)),
                                               ("relu", (1, 6))]):
        x, w, b, _ = sandwich_problem(500 + k, x_shape, 4)
        label = f"affine_activation_forward ({activation}, x of shape {x_shape})"
        out, _ = pairs.call_forward(student, SANDWICH_FORWARD, (x, w, b, activation), label,
                                    {"0": "x", "1": "w", "2": "b"})
        out = expect.array(out, f"out of {label}", shape=(x_shape[0], 4))
        expected, _ = ref.fc_net.affine_activation_forward(x, w, b, activation)
        if not expect.agrees(out, expected, 1e-8):
            own = chained_forward(student, x, w, b, activation)
            if own is not None and expect.agrees(out, own, 1e-8):
                notes.append(PARTS_NOTE.format(func="affine_activation_forward",
                                               parts=f"affine_forward and {activation}_forward"))
                continue
        expect.close(f"out of {label}", out, expected, rtol=1e-8, terms={"bias b": b},
                     hint="apply affine_forward, then the activation's forward function")
    return expect.passed(notes)


@graded(points=2, cell="test_affine_activation", tags=["affine_activation_backward"])
def sandwich_backward(student, ref):
    """affine_activation_backward: dx, dw, db through affine then ReLU, several shapes"""
    notes = []
    for k, (activation, x_shape) in enumerate([("relu", (4, 5)), ("relu", (3, 2, 3)),
                                               ("relu", (1, 6))]):
        x, w, b, dout = sandwich_problem(510 + k, x_shape, 3)
        label = f"affine_activation_backward ({activation}, x of shape {x_shape})"
        ref_cache = ref.fc_net.affine_activation_forward(x, w, b, activation)[1]
        expected = ref.fc_net.affine_activation_backward(dout, ref_cache)

        def check(grads, expected=expected, label=label, ref_cache=ref_cache,
                  activation=activation, dout=dout, N=x_shape[0]):
            grads = [expect.array(g, f"{n} of {label}", shape=e.shape)
                     for g, n, e in zip(grads, ("dx", "dw", "db"), expected, strict=True)]
            if all(expect.agrees(g, e, 1e-7) for g, e in zip(grads, expected, strict=True)):
                return []
            own = chained_backward(student, dout, ref_cache, activation)
            if own is not None and all(expect.agrees(g, o, 1e-7)
                                       for g, o in zip(grads, own, strict=True)):
                return [PARTS_NOTE.format(func="affine_activation_backward",
                                          parts=f"{activation}_backward and affine_backward")]
            for name, value, exp in zip(("dx", "dw", "db"), grads, expected, strict=True):
                expect.close(f"{name} of {label}", value, exp, rtol=1e-7, N=N,
                             hint="go backwards: the activation's backward first, then "
                                  "affine_backward")
            return []

        def own_cache(x=x, w=w, b=b, activation=activation):
            return pairs.call_forward(student, SANDWICH_FORWARD, (x, w, b, activation),
                                      "affine_activation_forward",
                                      {"0": "x", "1": "w", "2": "b"})[1]

        notes += pairs.judge_backward(student, SANDWICH_BACKWARD, dout, ref_cache, own_cache,
                                      label, 3, check)
    return expect.passed(notes)


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


NET_PARTS_NOTE = ("FullyConnectedNet.loss computes exactly what your own layer functions give "
                  "when chained, and is judged right here; those functions' own tests "
                  "judge them")


def composed_net(student, params: dict, X, y, activation: str, reg: float):
    """What the network gives when built from the STUDENT's own building blocks (the
    sandwich, affine_forward/backward, softmax_loss), chained as the network should chain
    them: scores when ``y`` is None, else (loss, grads); None when a block fails. A
    network that equals this is right, even where those blocks are wrong (their own tests
    charge their bugs)."""
    L = sum(1 for k in params if k.startswith("W"))
    try:
        h, caches = X, []
        for i in range(1, L):
            h, cache = student.call(SANDWICH_FORWARD, h, params[f"W{i}"], params[f"b{i}"],
                                    activation)
            caches.append(cache)
        scores, cache = student.call("layers.affine_forward", h, params[f"W{L}"],
                                     params[f"b{L}"])
        if y is None:
            return scores
        loss, dscores = student.call("layers.softmax_loss", scores, y)
        grads = {}
        dh, grads[f"W{L}"], grads[f"b{L}"] = student.call("layers.affine_backward", dscores,
                                                          cache)
        for i in range(L - 1, 0, -1):
            upstream = dh
            dh, grads[f"W{i}"], grads[f"b{i}"] = student.call(SANDWICH_BACKWARD, dh,
                                                              caches[i - 1])
        for i in range(1, L + 1):
            W = np.asarray(params[f"W{i}"], dtype=np.float64)
            loss = float(loss) + reg * float(np.sum(W * W))
            grads[f"W{i}"] = grads[f"W{i}"] + 2 * reg * params[f"W{i}"]
    except (StudentError, TypeError, ValueError, KeyError, IndexError, OverflowError):
        return None
    # layer 1 may skip affine_backward (its input gradient is unused) and take dW1 and db1
    # from the gradient at its affine output, as the reference does: accept that chain too
    try:
        da1 = np.asarray(dscores if L == 1 else student.call(
            f"activations.{activation}_backward", upstream, caches[0][1]), dtype=np.float64)
        direct_w1 = np.asarray(X).reshape(len(X), -1).T @ da1 + 2 * reg * params["W1"]
        grads["W1"], grads["b1"] = [grads["W1"], direct_w1], [grads["b1"], da1.sum(axis=0)]
    except (StudentError, TypeError, ValueError, KeyError, IndexError, OverflowError):
        pass
    return float(loss), grads


def agrees_with(loss, grads, target, rtol_loss: float, rtol_grad: float) -> bool:
    """True when (loss, grads) equal ``target`` = (loss, grads) to the tolerances."""
    if target is None or not isinstance(grads, dict):
        return False
    t_loss, t_grads = target  # a list of arrays: any of them is right
    return expect.agrees(loss, t_loss, rtol_loss) and set(grads) >= set(t_grads) and all(
        any(expect.agrees(grads[k], c, rtol_grad) for c in (v if isinstance(v, list) else [v]))
        for k, v in t_grads.items())


def compare_loss(student, ref, seed: int, N: int, **kwargs) -> list[str]:
    """Loss and every gradient equal the reference's for the same parameters (or what the
    student's own layers give, chained; see ``composed_net``)."""
    X, y = batch(seed, N, kwargs["input_dim"], kwargs["num_classes"])
    ref_net = reference_net(ref, seed, **kwargs)
    net = student_net(student, ref_net, **kwargs)
    label = f"FullyConnectedNet.loss ({describe(kwargs)})"
    loss, grads = expect.sequence(net.call("loss", X, y), 2, label)
    expect.not_mutated(student, label, {"0": "X", "1": "y"})
    ref_loss, ref_grads = ref_net.loss(X, y)
    loss = expect.scalar(loss, f"the loss of {label}")
    if not agrees_with(loss, grads, (ref_loss, ref_grads), 1e-7, 1e-6) and agrees_with(
            loss, grads, composed_net(student, ref_net.params, X, y,
                                      kwargs.get("activation", "relu"), kwargs.get("reg", 0.0)),
            1e-7, 1e-6):
        return [NET_PARTS_NOTE]
    reg = kwargs.get("reg", 0.0)
    reg_loss = reg * sum(float(np.sum(v * v)) for k, v in ref_net.params.items()
                         if k.startswith("W"))
    expect.close(f"the loss of {label}", loss, ref_loss, rtol=1e-7, N=N,
                 terms={"regularization term": reg_loss},
                 hint="softmax_loss of the scores plus reg * sum(W * W) over the weights")
    expect.true(isinstance(grads, dict), f"the grads returned by {label} should be a dict")
    missing = sorted(set(ref_grads) - set(grads))
    expect.true(not missing, f"grads of {label} has no entry for {missing}",
                "grads needs one entry per parameter, with the same keys as params")
    for key in ref_grads:  # layer order: W1, b1, W2, ...
        value = expect.array(grads[key], f"grads['{key}'] of {label}",
                             shape=ref_grads[key].shape)
        terms = ({"regularization gradient 2 * reg * W": 2 * reg * ref_net.params[key]}
                 if key.startswith("W") else {})
        expect.close(f"grads['{key}'] of {label}", value, ref_grads[key], rtol=1e-6, N=N,
                     terms=terms,
                     hint="L2 regularization adds 2 * reg * W to each weight gradient and "
                          "nothing to the biases" if reg else None)
    return []


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
    notes = []
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
        expected = ref_net.loss(X)
        if not expect.agrees(scores, expected, 1e-8) and expect.agrees(
                scores, composed_net(student, ref_net.params, X, None, kwargs["activation"],
                                     0.0), 1e-8):
            notes.append(NET_PARTS_NOTE)
            continue
        expect.close(f"the scores of {label}", scores, expected, rtol=1e-8,
                     hint="hidden layers are affine -> activation; the last layer is affine "
                          "only")
    return expect.passed(notes)


@graded(points=3, cell="test_fc_net", tags=["FullyConnectedNet.loss"])
def net_loss_and_gradients(student, ref):
    """FullyConnectedNet.loss(X, y): loss and gradients for several depths and activations"""
    configs = [([], "relu"), ([6], "relu"), ([5, 4], "sigmoid"), ([4, 5, 3], "gelu"),
               ([5, 5], "leaky_relu"), ([4, 3], "softplus")]
    notes = []
    for k, (dims, activation) in enumerate(configs):
        notes += compare_loss(student, ref, 610 + k, N=9, hidden_dims=dims, input_dim=6,
                              num_classes=4, activation=activation, weight_scale=0.5)
    return expect.passed(notes)


@graded(points=2, cell="test_fc_net", tags=["FullyConnectedNet.loss"])
def net_regularization(student, ref):
    """FullyConnectedNet.loss: L2 regularization of every weight matrix, none on biases"""
    notes = []
    for k, (dims, activation, reg) in enumerate([([6], "relu", 0.3), ([5, 4, 3], "tanh", 1.5),
                                                 ([], "relu", 0.7), ([4, 4], "elu", 0.05)]):
        notes += compare_loss(student, ref, 620 + k, N=8, hidden_dims=dims, input_dim=5,
                              num_classes=3, activation=activation, reg=reg, weight_scale=0.5)
    return expect.passed(notes)


@graded(points=2, cell="test_fc_net", tags=["FullyConnectedNet.loss"])
def net_numerical_gradient(student, ref):
    """FullyConnectedNet.loss: gradients agree with numerical gradients of your own loss"""
    kwargs = {"hidden_dims": [4, 3], "input_dim": 3, "num_classes": 3, "activation": "tanh",
              "reg": 0.2, "weight_scale": 0.7}
    X, y = batch(630, 5, 3, 3)
    ref_net = reference_net(ref, 630, **kwargs)
    net = student_net(student, ref_net, **kwargs)
    loss, grads = expect.sequence(net.call("loss", X, y), 2, "FullyConnectedNet.loss")
    expect.true(isinstance(grads, dict), "the grads returned by loss should be a dict")
    loss = expect.scalar(loss, "the loss")
    if not agrees_with(loss, grads, ref_net.loss(X, y), 1e-7, 1e-6) and agrees_with(
            loss, grads, composed_net(student, ref_net.params, X, y, "tanh", 0.2), 1e-7, 1e-6):
        return expect.Passed(NET_PARTS_NOTE)  # what disagrees is in the layers
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
        expect.nontrivial(f"the numerical gradient of your loss for {key}", numeric,
                          ref_net.loss(X, y)[1][key], "the loss must depend on every parameter")
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
    loss = expect.scalar(loss, "the loss")
    expect.true(isinstance(grads, dict), "the grads returned by loss should be a dict")
    for key, expected in ref_grads.items():
        expect.true(key in grads, f"grads has no entry '{key}'")
        got = expect.array(grads[key], f"grads['{key}']", shape=expected.shape)
        expect.true(got.dtype == np.float32, f"grads['{key}'] of a float32 network has dtype "
                    f"{got.dtype}", "convert X to self.dtype; keep every array in that dtype")
    if not agrees_with(loss, grads, (ref_loss, ref_grads), 1e-4, 1e-3) and agrees_with(
            loss, grads, composed_net(student, ref_net.params, X.astype(np.float32), y, "relu",
                                      0.1), 1e-4, 1e-3):
        return expect.Passed(NET_PARTS_NOTE)
    expect.close("the loss of a float32 network", loss, ref_loss, rtol=1e-4)
    for key, expected in ref_grads.items():
        expect.close(f"grads['{key}'] of a float32 network", grads[key], expected, rtol=1e-3)
    return None


# ----- accuracy credit ----------------------------------------------------------------------
@graded(points=6, cell="test_best_model", tags=["FullyConnectedNet"])
def best_model_accuracy(student, ref):
    """best_model.npz: accuracy on held-out digits, full points at 0.97, none at chance"""
    X_test, y_test = digits_heldout_split()  # digits students never get
    accuracy = saved_model_accuracy(student.submitted_file("best_model.npz"),
                                    ref.fc_net.FullyConnectedNet, X_test, y_test)
    return accuracy_fraction(accuracy, chance=CHANCE, target=TARGET)
