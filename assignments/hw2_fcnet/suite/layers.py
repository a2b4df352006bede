"""Graded tests of layers.py: affine_forward, affine_backward, softmax_loss."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from autograder import expect
from autograder.expect import Failure
from autograder.suite import graded

_spec = importlib.util.spec_from_file_location("_hw2_suite_pairs",
                                               Path(__file__).with_name("_pairs.py"))
pairs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pairs)

FORWARD, BACKWARD = "layers.affine_forward", "layers.affine_backward"
SOFTMAX = "layers.softmax_loss"
XWB = {"0": "x", "1": "w", "2": "b"}


def affine_problem(seed: int, x_shape: tuple[int, ...], M: int):
    """Seeded x (N, d_1..d_k), w (D, M), b (M,) and an upstream gradient dout (N, M)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(x_shape)
    D = int(np.prod(x_shape[1:]))
    w, b = rng.standard_normal((D, M)), rng.standard_normal(M)
    return x, w, b, rng.standard_normal((x_shape[0], M))


def check_forward(student, ref, seed: int, x_shape: tuple[int, ...], M: int) -> None:
    x, w, b, _ = affine_problem(seed, x_shape, M)
    label = f"affine_forward (x of shape {x_shape}, M={M})"
    out, _ = pairs.call_forward(student, FORWARD, (x, w, b), label, XWB)
    out = expect.array(out, f"out of {label}", shape=(x_shape[0], M))
    expect.close(f"out of {label}", out, ref.layers.affine_forward(x, w, b)[0], rtol=1e-8,
                 hint="flatten each example with x.reshape(N, -1), then x_flat @ w + b")


def check_backward(student, ref, seed: int, x_shape: tuple[int, ...], M: int) -> None:
    x, w, b, dout = affine_problem(seed, x_shape, M)
    label = f"affine_backward (x of shape {x_shape}, M={M})"
    _, cache = pairs.call_forward(student, FORWARD, (x, w, b), "affine_forward", XWB)
    dx, dw, db = pairs.call_backward(student, BACKWARD, dout, cache, label, 3)
    ref_grads = ref.layers.affine_backward(dout, ref.layers.affine_forward(x, w, b)[1])
    hints = {"dx": "dx = dout @ w.T, reshaped back to x's shape",
             "dw": "dw = x_flat.T @ dout with x_flat = x.reshape(N, -1)",
             "db": "db sums dout over the batch (axis 0)"}
    for name, value, expected in zip(("dx", "dw", "db"), (dx, dw, db), ref_grads, strict=True):
        value = expect.array(value, f"{name} of {label}", shape=expected.shape)
        expect.close(f"{name} of {label}", value, expected, rtol=1e-8, hint=hints[name])


@graded(points=2, cell="test_affine_forward", tags=["affine_forward"], visible=True)
def affine_forward_small(student, ref):
    """affine_forward: a small batch of 2-D inputs"""
    check_forward(student, ref, seed=0, x_shape=(2, 4), M=3)


@graded(points=2, cell="test_affine_forward", tags=["affine_forward"])
def affine_forward_any_shape(student, ref):
    """affine_forward: inputs of shape (N, d_1, ..., d_k) (images), N = 1, wide layers"""
    for seed, (x_shape, M) in enumerate([((3, 2, 3, 4), 5), ((1, 7), 2), ((10, 3, 2), 12),
                                         ((4, 6), 1)]):
        check_forward(student, ref, seed=10 + seed, x_shape=x_shape, M=M)


@graded(points=3, cell="test_affine_backward", tags=["affine_backward"], visible=True)
def affine_backward_small(student, ref):
    """affine_backward: dx, dw, db on a small batch of 2-D inputs"""
    check_backward(student, ref, seed=20, x_shape=(5, 4), M=3)


@graded(points=2, cell="test_affine_backward", tags=["affine_backward"])
def affine_backward_any_shape(student, ref):
    """affine_backward: dx keeps the shape (N, d_1, ..., d_k) of x; N = 1"""
    for seed, (x_shape, M) in enumerate([((3, 2, 3, 4), 5), ((1, 7), 2), ((6, 3, 2), 4)]):
        check_backward(student, ref, seed=30 + seed, x_shape=x_shape, M=M)


@graded(points=1, cell="test_affine_backward", tags=["affine_backward"])
def affine_backward_numerical(student, ref):
    """affine_backward: agrees with a numerical gradient of your own affine_forward"""
    x, w, b, dout = affine_problem(40, (2, 3, 2), 3)
    _, cache = pairs.call_forward(student, FORWARD, (x, w, b), "affine_forward", XWB)
    grads = pairs.call_backward(student, BACKWARD, dout, cache, "affine_backward", 3)
    inputs = [x, w, b]
    for k, name in enumerate(("dx", "dw", "db")):
        def f(v, k=k):
            args = list(inputs)
            args[k] = v
            return expect.array(student.call(FORWARD, *args)[0], "out of affine_forward")
        numeric = pairs.numerical_gradient(f, inputs[k], dout)
        value = expect.array(grads[k], name, shape=inputs[k].shape)
        expect.close(f"{name} against the numerical gradient of your affine_forward", value,
                     numeric, rtol=1e-6, hint="your forward and backward passes disagree")


# ----- softmax loss -------------------------------------------------------------------
def check_softmax(student, ref, seed: int, N: int, C: int, scale: float = 1.0) -> None:
    rng = np.random.default_rng(seed)
    x, y = scale * rng.standard_normal((N, C)), rng.integers(0, C, size=N)
    label = f"softmax_loss (N={N}, C={C})"
    loss, dx = expect.sequence(student.call(SOFTMAX, x, y), 2, label)
    expect.not_mutated(student, label, {"0": "x", "1": "y"})
    ref_loss, ref_dx = ref.layers.softmax_loss(x, y)
    loss = expect.scalar(loss, f"the loss of {label}")
    expect.close(f"the loss of {label}", loss, ref_loss, rtol=1e-8,
                 hint="average -log softmax(x)[i, y[i]] over the N examples")
    dx = expect.array(dx, f"dx of {label}", shape=x.shape)
    expect.close(f"dx of {label}", dx, ref_dx, rtol=1e-7,
                 hint="the gradient is (softmax(x) - one_hot(y)) / N")


@graded(points=2, cell="test_softmax_loss", tags=["softmax_loss"], visible=True)
def softmax_loss_small(student, ref):
    """softmax_loss: loss and gradient of a small batch"""
    check_softmax(student, ref, seed=50, N=6, C=4)


@graded(points=2, cell="test_softmax_loss", tags=["softmax_loss"])
def softmax_loss_shapes(student, ref):
    """softmax_loss: one example (N=1), two classes (C=2), a larger batch"""
    for seed, (N, C) in enumerate([(1, 5), (9, 2), (200, 10)]):
        check_softmax(student, ref, seed=60 + seed, N=N, C=C)


@graded(points=2, cell="test_softmax_loss", tags=["softmax_loss"])
def softmax_loss_stable(student, ref):
    """softmax_loss: stable for scores large enough to overflow exp (about 1e4)"""
    try:
        check_softmax(student, ref, seed=70, N=20, C=5, scale=1e4)
    except Failure as exc:
        raise Failure(f"{exc}\nHint: subtract each row's maximum before exp; this does not "
                      "change the softmax") from None
    expect.true(not student.last.warnings, "softmax_loss emitted warnings for large scores: "
                + "; ".join(student.last.warnings[:2]), "subtract each row's maximum first")
