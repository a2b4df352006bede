"""Graded tests of dropout.py: inverted dropout forward (exact for a seed, statistics, test
mode) and backward (the forward pass's mask, numerical gradients)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from autograder import expect
from autograder.expect import Failure
from autograder.sandbox.student import StudentError
from autograder.suite import graded

_spec = importlib.util.spec_from_file_location("_hw4_suite_common",
                                               Path(__file__).with_name("_common.py"))
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

FWD = "dropout.dropout_forward"
BWD = "dropout.dropout_backward"
X_ONLY = {"0": "x"}
HINT_DRAW = ("draw exactly rng = np.random.default_rng(dropout_param.get('seed')) and "
             "mask = (rng.random(x.shape) < p) / p, then return x * mask")


def call_forward(student, x: np.ndarray, param: dict, label: str) -> tuple[np.ndarray, object]:
    return common.forward(student, FWD, (x, dict(param)), label, x.shape, X_ONLY)


def diagnose(x: np.ndarray, out: np.ndarray, p: float) -> str:
    """A hint naming the likely mistake, from what the wrong output looks like."""
    kept = out != 0
    if np.allclose(out[kept], x[kept]):
        return "the kept units must be divided by p (inverted dropout)"
    if np.allclose(out[kept], x[kept] / (1 - p)):
        return "p is the probability of KEEPING a unit, not of dropping it"
    return HINT_DRAW


@graded(points=3, cell="test_dropout_forward", tags=["dropout_forward"], visible=True)
def dropout_train_exact(student, ref):
    """dropout_forward: train-mode output for given seeds, keep ratios and shapes"""
    for i, (p, shape) in enumerate([(0.5, (6, 8)), (0.8, (3, 2, 5)), (0.25, (1, 40))]):
        x = np.random.default_rng(400 + i).standard_normal(shape)
        param = {"p": p, "mode": "train", "seed": 17 + i}
        label = f"dropout_forward in train mode (p={p}, x of shape {shape})"
        out, _ = call_forward(student, x, param, label)
        expected, _ = ref.dropout.dropout_forward(x, dict(param))
        try:
            expect.close(f"out of {label}", out, expected, rtol=1e-12)
        except Failure as exc:
            raise Failure(f"{exc}\nHint: {diagnose(x, out, p)}") from None


@graded(points=3, cell="test_dropout_forward", tags=["dropout_forward"])
def dropout_statistics(student, ref):
    """dropout_forward: about a fraction p of the units is kept and the mean is preserved"""
    n = 100_000
    x = np.full((1000, 100), 3.0)
    for p, seed in ((0.3, 5), (0.75, None)):
        label = f"dropout_forward in train mode (p={p}, seed={seed})"
        out, _ = call_forward(student, x, {"p": p, "mode": "train", "seed": seed}, label)
        kept = float(np.mean(out != 0))
        bound = 5 * np.sqrt(p * (1 - p) / n)
        expect.true(abs(kept - p) < bound, f"{label} kept {kept:.4f} of the units; it should "
                    f"keep p = {p} of them (within {bound:.4f})",
                    "p is the probability of KEEPING a unit")
        mean = float(np.mean(out))
        bound = 5 * 3.0 * np.sqrt((1 - p) / (p * n))
        expect.true(abs(mean - 3.0) < bound, f"{label} changes the mean of inputs equal to "
                    f"3.0 to {mean:.4f} (it should stay within {bound:.4f} of 3.0)",
                    "divide the kept units by p, so that the expected output equals the input")
    again = [call_forward(student, x[:10], {"p": 0.5, "mode": "train"}, "dropout_forward "
                          "without a seed")[0] for _ in range(2)]
    expect.true(not np.array_equal(again[0], again[1]), "two calls without a seed gave the "
                "same mask", "without a seed every call must draw a fresh mask")


def drops_units(student, x: np.ndarray, p: float, seed: int, label: str) -> np.ndarray:
    """The student's train-mode output, which must drop some units and keep others (a
    dropout that never drops, or drops everything, earns nothing on tests about it)."""
    out, _ = call_forward(student, x, {"p": p, "mode": "train", "seed": seed}, label)
    dropped = (out == 0) & (x != 0)
    expect.true(bool(np.any(dropped)) and not np.all(out == 0),
                f"{label} {'drops every unit' if np.all(out == 0) else 'drops no unit'}",
                "in train mode, keep each unit with probability p and zero the others")
    return out


@graded(points=2, cell="test_dropout_forward", tags=["dropout_forward"])
def dropout_test_mode(student, ref):
    """dropout_forward: test mode returns the input unchanged (train mode drops units)"""
    x = np.random.default_rng(410).standard_normal((7, 5))
    drops_units(student, x, 0.5, 3, "dropout_forward in train mode (p=0.5)")
    for p in (0.3, 1.0):
        label = f"dropout_forward in test mode (p={p})"
        out, _ = call_forward(student, x, {"p": p, "mode": "test", "seed": 1}, label)
        expect.close(f"out of {label}", out, x, rtol=0.0,
                     hint="inverted dropout already rescaled during training: at test time "
                          "the layer is the identity")


@graded(points=2, cell="test_dropout_backward", tags=["dropout_backward"], visible=True)
def dropout_backward_mask(student, ref):
    """dropout_backward: the gradient passes through the forward pass's mask; identity in
    test mode"""
    rng = np.random.default_rng(420)
    x, dout = rng.standard_normal((9, 6)), rng.standard_normal((9, 6))
    notes = []
    for p, mode in ((0.6, "train"), (0.6, "test")):
        param = {"p": p, "mode": mode, "seed": 23}
        _, ref_cache = ref.dropout.dropout_forward(x, dict(param))
        expected = ref.dropout.dropout_backward(dout, ref_cache)
        label = f"dx of dropout_backward ({mode} mode)"

        def check(dx, expected=expected, label=label, mode=mode):
            expect.not_mutated(student, "dropout_backward", {"0": "dout"})
            dx = expect.array(dx, label, shape=x.shape)
            expect.close(label, dx, expected, rtol=1e-12,
                         hint="multiply dout by the mask stored in the cache by the forward "
                              "pass" if mode == "train" else
                              "in test mode the layer is the identity")

        try:  # on the reference's cache, so that a forward bug costs no backward points
            check(student.call(BWD, dout, ref_cache))
        except (Failure, StudentError) as first:
            try:  # a cache laid out otherwise: the student's own forward pass's
                _, cache = call_forward(student, x, param, f"dropout_forward ({mode} mode)")
                check(student.call(BWD, dout, cache))
            except (Failure, StudentError):
                raise first from None
            notes.append(f"dropout_backward ({mode} mode): judged on the cache of your own "
                         "forward pass, whose layout differs from the given one")
    return expect.passed(notes)


@graded(points=2, cell="test_dropout_backward", tags=["dropout_backward", "dropout_forward"])
def dropout_backward_numerical(student, ref):
    """dropout_backward: agrees with numerical gradients of your forward pass (fixed seed)"""
    rng = np.random.default_rng(430)
    x, dout = rng.standard_normal((5, 4)), rng.standard_normal((5, 4))
    param = {"p": 0.7, "mode": "train", "seed": 31}
    drops_units(student, x, 0.7, 31, "dropout_forward (p=0.7)")
    _, cache = call_forward(student, x, param, "dropout_forward (p=0.7)")
    dx = expect.array(student.call(BWD, dout, cache), "dx of dropout_backward", shape=x.shape)

    def out(v):
        value = expect.sequence(student.call(FWD, v, dict(param)), 2, "dropout_forward")
        return expect.array(value[0], "out of dropout_forward", shape=x.shape)

    numerical = expect.numerical_gradient(out, x, dout)
    expect.close("dx of dropout_backward against the numerical gradient of your forward pass",
                 dx, numerical, rtol=1e-6, hint="your forward and backward passes disagree")
