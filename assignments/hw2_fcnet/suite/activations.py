"""Graded tests of activations.py: seven activations, forward and backward."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from autograder import expect
from autograder.suite import graded

_spec = importlib.util.spec_from_file_location("_hw2_suite_pairs",
                                               Path(__file__).with_name("_pairs.py"))
pairs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pairs)

SHAPES = [(4, 5), (7,), (2, 3, 4)]
HUGE = np.array([-1000.0, -800.0, -710.0, -50.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 50.0, 710.0,
                 800.0, 1000.0])
HINTS = {
    "relu": "relu(x) = max(0, x); its derivative is 1 where x > 0 and 0 where x < 0",
    "sigmoid": "cache the output s and use s * (1 - s)",
    "tanh": "tanh'(x) = 1 - tanh(x)^2: square the OUTPUT of the forward pass, not its input",
    "leaky_relu": "use the alpha you were given: the slope is alpha where x < 0",
    "elu": "the slope for x < 0 is alpha * exp(x)",
    "softplus": "softplus'(x) is the sigmoid of x",
    "gelu": "product rule on 0.5 x (1 + t), chain rule through tanh (1 - t^2) and through "
            "the cubic",
}


def inputs(seed: int, shape: tuple[int, ...], scale: float = 2.0) -> np.ndarray:
    """Seeded inputs with some exact zeros (where kinked activations are tested)."""
    x = scale * np.random.default_rng(seed).standard_normal(shape)
    x.reshape(-1)[::4] = 0.0
    return x


def tolerance(x: np.ndarray) -> float:
    """Relative tolerance: tight in float64, a few float32 rounding steps in float32."""
    return 1e-7 if x.dtype == np.float64 else 1e-5


def check_forward(student, ref, name: str, x: np.ndarray, what: str, **kwargs) -> None:
    label = f"{name}_forward ({what})"
    out, cache = pairs.call_forward(student, f"activations.{name}_forward", (x,), label,
                                    {"0": "x"}, **kwargs)
    warned = list(student.last.warnings)
    out = expect.array(out, f"the output of {label}", shape=x.shape)
    expected, ref_cache = getattr(ref.activations, f"{name}_forward")(x, **kwargs)
    expect.close(f"the output of {label}", out, expected, rtol=tolerance(x),
                 hint=HINTS.get(name))
    expect.true(not warned, f"{label} emitted warnings: " + "; ".join(warned[:2]),
                "rewrite the formula so that no exponential can overflow")
    pairs.check_cache(student, f"activations.{name}_backward",
                      getattr(ref.activations, f"{name}_backward"), cache, ref_cache,
                      x.shape, label, tolerance(x))


KINKED = {"relu": "0", "leaky_relu": "alpha", "elu": "alpha"}  # their slope left of 0


def kink_note(name: str) -> str:
    return (f"{name}_backward uses the slope from the right (1) at exactly x = 0, the "
            f"reference the one from the left ({KINKED[name]}): both are accepted")


def check_backward(student, ref, name: str, x: np.ndarray, what: str, **kwargs) -> list[str]:
    """dx of the student's backward on the reference cache (or, failing that, on the cache
    of the student's own forward pass) against the reference. Accepted besides: at a kink
    (x exactly 0) the slope from the right; for softplus, dout times the student's own
    sigmoid_forward(x) when that function is wrong (its own tests charge it)."""
    label = f"{name}_backward ({what})"
    dout = np.random.default_rng(x.size).standard_normal(x.shape)
    forward = getattr(ref.activations, f"{name}_forward")
    backward = getattr(ref.activations, f"{name}_backward")
    ref_cache = forward(x, **kwargs)[1]
    expected = backward(dout, ref_cache)
    rtol = tolerance(x)
    accepted = []
    if name in KINKED and np.any(x == 0):
        right = np.where(x == 0, dout, expected)
        accepted.append((right, kink_note(name)))
    if name == "softplus":
        s = pairs.student_value(student, "activations.sigmoid_forward", x)
        if isinstance(s, np.ndarray) and s.shape == x.shape and not expect.agrees(
                s, ref.activations.sigmoid_forward(x)[0], rtol):
            accepted.append((dout * s, "softplus_backward equals dout * your sigmoid_forward(x) "
                             "and is judged right here; your sigmoid_forward's own tests "
                             "judge that function"))

    def check(grads):
        dx = expect.array(grads[0], f"dx of {label}", shape=x.shape)
        warned = list(student.last.warnings)
        expect.true(not warned, f"{label} emitted warnings: " + "; ".join(warned[:2]))
        if expect.agrees(dx, expected, rtol):
            return []
        for alternative, note in accepted:
            if expect.agrees(dx, alternative, rtol):
                return [note]
        expect.close(f"dx of {label}", dx, expected, rtol=rtol, hint=HINTS.get(name))
        return []

    def own_cache():
        return pairs.call_forward(student, f"activations.{name}_forward", (x,),
                                  f"{name}_forward", {"0": "x"}, **kwargs)[1]

    return pairs.judge_backward(student, f"activations.{name}_backward", dout, ref_cache,
                                own_cache, label, 1, check)


def forward_cases(student, ref, name: str, seed: int, **kwargs) -> None:
    for k, shape in enumerate(SHAPES):
        check_forward(student, ref, name, inputs(seed + k, shape), f"x of shape {shape}",
                      **kwargs)


def backward_cases(student, ref, name: str, seed: int, **kwargs) -> list[str]:
    notes = []
    for k, shape in enumerate(SHAPES):
        notes += check_backward(student, ref, name, inputs(seed + k, shape),
                                f"x of shape {shape}, some entries exactly 0", **kwargs)
    return notes


def stability_cases(student, ref, name: str, **kwargs) -> list[str]:
    notes = []
    for dtype in (np.float64, np.float32):
        x = HUGE.astype(dtype)
        what = f"|x| up to 1000, {np.dtype(dtype).name}"
        check_forward(student, ref, name, x, what, **kwargs)
        notes += check_backward(student, ref, name, x, what, **kwargs)
    return notes


# ----- ReLU ------------------------------------------------------------------------------------
@graded(points=1, cell="test_relu", tags=["relu_forward"], visible=True)
def relu_forward(student, ref):
    """relu_forward: inputs of several shapes, including exact zeros"""
    forward_cases(student, ref, "relu", seed=100)


@graded(points=2, cell="test_relu", tags=["relu_backward"])
def relu_backward(student, ref):
    """relu_backward: gradients for several shapes; at exactly 0 either one-sided slope"""
    return expect.passed(backward_cases(student, ref, "relu", seed=110))


# ----- sigmoid and tanh ---------------------------------------------------------------------
@graded(points=1, cell="test_sigmoid_tanh", tags=["sigmoid_forward"], visible=True)
def sigmoid_forward(student, ref):
    """sigmoid_forward: inputs of several shapes"""
    forward_cases(student, ref, "sigmoid", seed=200)


@graded(points=1, cell="test_sigmoid_tanh", tags=["sigmoid_backward"])
def sigmoid_backward(student, ref):
    """sigmoid_backward: gradients for several shapes"""
    return expect.passed(backward_cases(student, ref, "sigmoid", seed=210))


@graded(points=2, cell="test_sigmoid_tanh", tags=["sigmoid_forward", "sigmoid_backward"])
def sigmoid_stable(student, ref):
    """sigmoid: finite, warning-free values and gradients for |x| up to 1000"""
    return expect.passed(stability_cases(student, ref, "sigmoid"))


@graded(points=1, cell="test_sigmoid_tanh", tags=["tanh_forward"])
def tanh_forward(student, ref):
    """tanh_forward: inputs of several shapes"""
    forward_cases(student, ref, "tanh", seed=220)


@graded(points=2, cell="test_sigmoid_tanh", tags=["tanh_backward"])
def tanh_backward(student, ref):
    """tanh_backward: gradients for several shapes and for |x| up to 1000"""
    notes = backward_cases(student, ref, "tanh", seed=230)
    notes += check_backward(student, ref, "tanh", HUGE, "|x| up to 1000")
    return expect.passed(notes)


# ----- leaky ReLU and ELU --------------------------------------------------------------------
@graded(points=1, cell="test_leaky_relu_elu", tags=["leaky_relu_forward"], visible=True)
def leaky_relu_forward(student, ref):
    """leaky_relu_forward: the default alpha and alpha = 0.2"""
    forward_cases(student, ref, "leaky_relu", seed=300)
    check_forward(student, ref, "leaky_relu", inputs(305, (5, 3)), "alpha=0.2", alpha=0.2)


@graded(points=2, cell="test_leaky_relu_elu", tags=["leaky_relu_backward"])
def leaky_relu_backward(student, ref):
    """leaky_relu_backward: the default alpha and alpha = 0.2; either slope at exactly 0"""
    notes = backward_cases(student, ref, "leaky_relu", seed=310)
    notes += check_backward(student, ref, "leaky_relu", inputs(315, (5, 3)), "alpha=0.2",
                            alpha=0.2)
    return expect.passed(notes)


@graded(points=1, cell="test_leaky_relu_elu", tags=["elu_forward"])
def elu_forward(student, ref):
    """elu_forward: the default alpha, alpha = 0.5, and |x| up to 1000 without warnings"""
    forward_cases(student, ref, "elu", seed=320)
    check_forward(student, ref, "elu", inputs(325, (5, 3)), "alpha=0.5", alpha=0.5)
    check_forward(student, ref, "elu", HUGE, "|x| up to 1000")


@graded(points=2, cell="test_leaky_relu_elu", tags=["elu_backward"])
def elu_backward(student, ref):
    """elu_backward: the default alpha and alpha = 0.5; either slope at exactly 0"""
    notes = backward_cases(student, ref, "elu", seed=330)
    notes += check_backward(student, ref, "elu", inputs(335, (5, 3)), "alpha=0.5", alpha=0.5)
    notes += check_backward(student, ref, "elu", HUGE, "|x| up to 1000", alpha=1.5)
    return expect.passed(notes)


# ----- softplus and GELU ----------------------------------------------------------------------
@graded(points=1, cell="test_softplus_gelu", tags=["softplus_forward"], visible=True)
def softplus_forward(student, ref):
    """softplus_forward: inputs of several shapes"""
    forward_cases(student, ref, "softplus", seed=400)


@graded(points=1, cell="test_softplus_gelu", tags=["softplus_backward"])
def softplus_backward(student, ref):
    """softplus_backward: gradients for several shapes"""
    return expect.passed(backward_cases(student, ref, "softplus", seed=410))


@graded(points=2, cell="test_softplus_gelu", tags=["softplus_forward", "softplus_backward"])
def softplus_stable(student, ref):
    """softplus: finite, warning-free values and gradients for |x| up to 1000"""
    return expect.passed(stability_cases(student, ref, "softplus"))


@graded(points=1, cell="test_softplus_gelu", tags=["gelu_forward"])
def gelu_forward(student, ref):
    """gelu_forward: the tanh approximation on inputs of several shapes"""
    forward_cases(student, ref, "gelu", seed=420)
    check_forward(student, ref, "gelu", HUGE, "|x| up to 1000")


@graded(points=2, cell="test_softplus_gelu", tags=["gelu_backward"])
def gelu_backward(student, ref):
    """gelu_backward: gradients for several shapes and for |x| up to 1000"""
    notes = backward_cases(student, ref, "gelu", seed=430)
    notes += check_backward(student, ref, "gelu", HUGE, "|x| up to 1000")
    return expect.passed(notes)
