"""Helpers shared by hw4's suite files (not a test file: its name starts with ``_``).

Suite files are not a package, so they load this one by path with ``load_common()``.
Inputs are seeded; expected values come from the reference (``ref``) in the grader's
process, never from the student process.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder import expect

NORM = "normalization"
DROP = "dropout"
XGB = {"0": "x", "1": "gamma", "2": "beta"}  # readable names of forward arguments


def batch(seed: int, N: int, D: int, loc: float = 3.0,
          scale: float = 2.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seeded x (N, D) with per-column offsets and spreads, gamma (D,), beta (D,)."""
    rng = np.random.default_rng(seed)
    spread = scale * rng.uniform(0.5, 2.0, D)
    x = loc * rng.standard_normal(D) + spread * rng.standard_normal((N, D))
    return x, rng.uniform(0.5, 2.0, D), rng.standard_normal(D)


def forward(student: Any, func: str, args: tuple, label: str, shape: tuple[int, ...],
            arg_names: dict[str, str] | None = None) -> tuple[np.ndarray, Any]:
    """(out, cache) of the student's ``func`` on ``args``: out checked for type and shape,
    the inputs for in-place changes, the cache for values that cannot travel."""
    out, cache = expect.sequence(student.call(func, *args), 2, label)
    expect.not_mutated(student, label, arg_names or XGB)
    out = expect.array(out, f"out of {label}", shape=shape)
    odd = expect.opaque_parts(cache)
    if odd:
        expect.fail(f"the cache returned by {label} holds an object of type {odd[0]}",
                    "keep the cache to numpy arrays, numbers, strings, dicts and tuples")
    return out, cache


def backward3(student: Any, func: str, dout: np.ndarray, cache: Any, label: str,
              shapes: tuple[tuple[int, ...], ...]) -> tuple[np.ndarray, ...]:
    """(dx, dgamma, dbeta) of the student's backward ``func``, each checked for shape."""
    grads = expect.sequence(student.call(func, dout, cache), 3, label)
    expect.not_mutated(student, label, {"0": "dout"})
    names = ("dx", "dgamma", "dbeta")
    return tuple(expect.array(g, f"{n} of {label}", shape=s)
                 for g, n, s in zip(grads, names, shapes, strict=True))


def compare3(label: str, got: tuple[np.ndarray, ...], expected: tuple[np.ndarray, ...],
             rtol: float, hints: tuple[str | None, str | None, str | None],
             scale: float | None = None, N: int | None = None) -> None:
    """dx, dgamma, dbeta against expected values, each with its own hint; ``scale`` is
    the size of dx's terms (rounding of that size is forgiven in dx)."""
    for name, g, e, hint in zip(("dx", "dgamma", "dbeta"), got, expected, hints, strict=True):
        expect.close(f"{name} of {label}", g, e, rtol=rtol, hint=hint, N=N,
                     scale=scale if name == "dx" else None)


def dx_scale(cache: dict, dout: np.ndarray) -> float:
    """The size of the terms whose sum is a normalization layer's dx, from the reference
    cache: gamma / std times dout times (1 + xhat^2), at their largest."""
    std = np.sqrt(np.min(cache["var"]) + cache["eps"])
    xhat = float(np.max(np.abs(cache["xhat"])))
    return float(np.max(np.abs(cache["gamma"])) * np.max(np.abs(dout)) * (1 + xhat**2) / std)


