"""Helpers shared by hw2's suite files: calling forward/backward pairs in student code.

Files starting with ``_`` are not test files; the suite files load this one by path
(``load_helpers()`` below) because suite files are not a package.

A backward pass receives the cache its own forward pass produced: the cache travels from
the student process to the grader and back unchanged, so students may store whatever
arrays, numbers and tuples they like in it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder import expect
from autograder.sandbox.codec import Opaque


def _opaque_parts(value: Any, depth: int = 0) -> list[str]:
    """Type names of values the data-only transport could not carry (functions, objects)."""
    if isinstance(value, Opaque):
        return [value.type_name]
    if depth > 20:
        return []
    if isinstance(value, tuple | list):
        return [name for v in value for name in _opaque_parts(v, depth + 1)]
    if isinstance(value, dict):
        return [name for v in value.values() for name in _opaque_parts(v, depth + 1)]
    return []


def call_forward(student: Any, name: str, args: tuple, label: str,
                 arg_names: dict[str, str], **kwargs: Any) -> tuple[np.ndarray, Any]:
    """``(out, cache)`` of the student's forward function ``module.func`` on ``args``."""
    value = student.call(name, *args, **kwargs)
    out, cache = expect.sequence(value, 2, label)
    expect.not_mutated(student, label, arg_names)
    odd = _opaque_parts(cache)
    if odd:
        expect.fail(f"the cache returned by {label} holds an object of type {odd[0]}",
                    "keep caches to numpy arrays, numbers, strings and tuples of them")
    return out, cache


def call_backward(student: Any, name: str, dout: np.ndarray, cache: Any, label: str,
                  count: int) -> tuple[Any, ...]:
    """The gradients (``count`` of them) returned by the student's backward function."""
    value = student.call(name, dout, cache)
    expect.not_mutated(student, label, {"0": "dout"})
    if count == 1:
        return (value,)
    return expect.sequence(value, count, label)


def numerical_gradient(f: Any, x: np.ndarray, dout: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Centered-difference gradient of sum(f(x) * dout) with respect to x (x is copied)."""
    x = np.array(x, dtype=np.float64, copy=True)
    grad = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = np.asarray(f(x.copy()), dtype=np.float64)
        x[idx] = old - h
        minus = np.asarray(f(x.copy()), dtype=np.float64)
        x[idx] = old
        grad[idx] = np.sum((plus - minus) * dout) / (2 * h)
    return grad
