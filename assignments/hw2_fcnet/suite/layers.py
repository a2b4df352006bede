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
    out, cache = pairs.call_forward(student, FORWARD, (x, w, b), label, XWB)
    out = expect.array(out, f"out of {label}", shape=(x_shape[0], M))
    expected, ref_cache = ref.layers.affine_forward(x, w, b)
    expect.close(f"out of {label}", out, expected, rtol=1e-8, terms={"bias b": b},
                 hint="flatten each example with x.reshape(N, -1), then x_flat @ w + b")
    pairs.check_cache(student, BACKWARD, ref.layers.affine_backward, cache, ref_cache,
                      expected.shape, label, 1e-8)


HINTS = {"dx": "dx = dout @ w.T, reshaped back to x's shape",
         "dw": "dw = x_flat.T @ dout with x_flat = x.reshape(N, -1)",
         "db": "db sums dout over the batch (axis 0)"}


def own_cache(student, x, w, b):
    """A thunk: the cache of the student's own affine_forward on (x, w, b)."""
    return lambda: pairs.call_forward(student, FORWARD, (x, w, b), "affine_forward", XWB)[1]


def check_backward(student, ref, seed: int, x_shape: tuple[int, ...], M: int) -> list[str]:
    """affine_backward on the reference cache (or, failing that, the student's own)
    against the reference gradients."""
    x, w, b, dout = affine_problem(seed, x_shape, M)
    label = f"affine_backward (x of shape {x_shape}, M={M})"
    ref_cache = ref.layers.affine_forward(x, w, b)[1]
    ref_grads = ref.layers.affine_backward(dout, ref_cache)

    def check(grads):
        for name, value, expected in zip(("dx", "dw", "db"), grads, ref_grads, strict=True):
            value = expect.array(value, f"{name} of {label}", shape=expected.shape)
            expect.close(f"{name} of {label}", value, expected, rtol=1e-8, N=x_shape[0],
                         hint=HINTS[name])
        return []

    return pairs.judge_backward(student, BACKWARD, dout, ref_cache, own_cache(student, x, w, b),
                                label, 3, check)


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
    return expect.passed(check_backward(student, ref, seed=20, x_shape=(5, 4), M=3))


@graded(points=2, cell="test_affine_backward", tags=["affine_backward"])
def affine_backward_any_shape(student, ref):
    """affine_backward: dx keeps the shape (N, d_1, ..., d_k) of x; N = 1"""
    notes = []
    for seed, (x_shape, M) in enumerate([((3, 2, 3, 4), 5), ((1, 7), 2), ((6, 3, 2), 4)]):
        notes += check_backward(student, ref, seed=30 + seed, x_shape=x_shape, M=M)
    return expect.passed(notes)


@graded(points=1, cell="test_affine_backward", tags=["affine_backward"])
def affine_backward_numerical(student, ref):
    """affine_backward: agrees with numerical gradients of the affine map x_flat @ w + b"""
    x, w, b, dout = affine_problem(40, (2, 3, 2), 3)
    inputs = [x, w, b]
    numeric = []
    for k in range(3):
        def f(v, k=k):
            args = list(inputs)
            args[k] = v
            return ref.layers.affine_forward(*args)[0]
        numeric.append(expect.numerical_gradient(f, inputs[k], dout))

    def check(grads):
        for name, value, expected in zip(("dx", "dw", "db"), grads, numeric, strict=True):
            value = expect.array(value, name, shape=expected.shape)
            expect.close(f"{name} against the numerical gradient of the affine map", value,
                         expected, rtol=1e-6, N=x.shape[0], hint=HINTS[name])
        return []

    return expect.passed(pairs.judge_backward(
        student, BACKWARD, dout, ref.layers.affine_forward(x, w, b)[1],
        own_cache(student, x, w, b), "affine_backward", 3, check))


# ----- softmax loss -------------------------------------------------------------------
def check_softmax(student, ref, seed: int, N: int, C: int, scale: float = 1.0) -> None:
    rng = np.random.default_rng(seed)
    x, y = scale * rng.standard_normal((N, C)), rng.integers(0, C, size=N)
    label = f"softmax_loss (N={N}, C={C})"
    loss, dx = expect.sequence(student.call(SOFTMAX, x, y), 2, label)
    expect.not_mutated(student, label, {"0": "x", "1": "y"})
    ref_loss, ref_dx = ref.layers.softmax_loss(x, y)
    loss = expect.scalar(loss, f"the loss of {label}")
    expect.close(f"the loss of {label}", loss, ref_loss, rtol=1e-8, N=N,
                 hint="average -log softmax(x)[i, y[i]] over the N examples")
    dx = expect.array(dx, f"dx of {label}", shape=x.shape)
    expect.close(f"dx of {label}", dx, ref_dx, rtol=1e-7, N=N,
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
