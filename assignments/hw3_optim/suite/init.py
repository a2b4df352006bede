"""Graded tests of init.py: xavier_init and he_init.

The distribution is not prescribed (a Gaussian or a uniform both qualify), so the
weights are not compared entry by entry with the reference. Instead: the shape, the
empirical mean and variance on large layers (against the reference's own empirical
variance, which must match the target 1/fan_in or 2/fan_in), and reproducibility: the
same generator state gives the same weights, another state other weights.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autograder import expect
from autograder.suite import graded

GAINS = {"xavier_init": 1.0, "he_init": 2.0}  # variance = gain / fan_in
VARIANCE_RTOL = 0.05
# (fan_in, fan_out): fan_in != fan_out, so a variance based on fan_out or on
# fan_in + fan_out is told apart from one based on fan_in.
LARGE_LAYERS = ((2000, 300), (300, 2000), (64, 5000))


def draw(student, name: str, fan_in: int, fan_out: int, seed: int) -> np.ndarray:
    W = student.call(f"init.{name}", fan_in, fan_out, np.random.default_rng(seed))
    return expect.array(W, f"{name}({fan_in}, {fan_out}, rng)", shape=(fan_in, fan_out))


def check_variance(student, ref, name: str, fan_in: int, fan_out: int, seed: int) -> None:
    W = draw(student, name, fan_in, fan_out, seed)
    ref_W = getattr(ref.init, name)(fan_in, fan_out, np.random.default_rng(seed))
    target = float(np.var(ref_W))  # the reference's empirical variance (about gain / fan_in)
    goal = f"{GAINS[name]:g} / fan_in"
    var, mean = float(np.var(W)), float(np.mean(W))
    relative = abs(var - target) / target
    expect.true(relative < VARIANCE_RTOL,
                f"the weights of {name}({fan_in}, {fan_out}, rng) have variance {var:.3e}, "
                f"{relative:.0%} away from {goal} (should be within {VARIANCE_RTOL:.0%})",
                f"the variance of every weight should be {goal}: scale unit-variance draws "
                f"by sqrt({goal})")
    bound = 6.0 * np.sqrt(target / W.size)
    expect.true(abs(mean) < bound, f"the weights of {name}({fan_in}, {fan_out}, rng) have "
                f"mean {mean:.2e} (should be 0, within {bound:.1e})",
                "draw zero-mean weights")


def shape_and_scale(name: str) -> Callable:
    def test(student, ref):
        for fan_in, fan_out in ((64, 100), (3, 1), (1, 7)):
            W = draw(student, name, fan_in, fan_out, seed=fan_in)
            expect.true(bool(np.any(W != 0)), f"{name}({fan_in}, {fan_out}, rng) is all zeros",
                        "draw random weights with rng")
        check_variance(student, ref, name, 500, 400, seed=1)

    test.__doc__ = f"{name}: shape (fan_in, fan_out), float weights of the right scale"
    return test


def large_layers(name: str) -> Callable:
    def test(student, ref):
        for i, (fan_in, fan_out) in enumerate(LARGE_LAYERS):
            check_variance(student, ref, name, fan_in, fan_out, seed=20 + i)

    test.__doc__ = (f"{name}: mean 0 and variance {GAINS[name]:g} / fan_in on large layers "
                    "(fan_in larger and smaller than fan_out)")
    return test


def reproducible(name: str) -> Callable:
    def test(student, ref):
        # reproducible draws of the wrong distribution earn nothing: check it first
        check_variance(student, ref, name, 400, 300, seed=4)
        first = draw(student, name, 40, 30, seed=5)
        again = draw(student, name, 40, 30, seed=5)
        expect.true(np.array_equal(first, again), f"two calls of {name} with generators of "
                    "the same seed returned different weights",
                    "draw only from the rng argument, not from np.random.* functions")
        other = draw(student, name, 40, 30, seed=6)
        expect.true(not np.array_equal(first, other), f"{name} returned the same weights for "
                    "generators of different seeds", "draw the weights from the rng argument")

    test.__doc__ = (f"{name}: the same generator state gives the same weights, another state "
                    "others (and the weights have the right variance)")
    return test


def register(name: str, kind: str, func: Callable, points: float,
             visible: bool = False) -> None:
    globals()[f"{name}_{kind}"] = graded(points=points, cell=f"test_{name}", tags=[name],
                                         visible=visible)(func)


for _name in GAINS:
    register(_name, "shape_and_scale", shape_and_scale(_name), 2, visible=True)
    register(_name, "large_layers", large_layers(_name), 2)
    register(_name, "reproducible", reproducible(_name), 2)
del _name
