"""Helpers shared by hw2's suite files: calling forward/backward pairs in student code.

Files starting with ``_`` are not test files; the suite files load this one by path
(``load_helpers()`` below) because suite files are not a package.

A backward pass is judged on the cache the REFERENCE forward pass makes from the test's
inputs (the caches' layouts are given code), so that a bug in the student's forward pass
costs points in the forward tests only. A student who changed the cache's layout is judged
again on the cache of their own forward pass (caches travel from the student process to
the grader and back unchanged).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograder import expect
from autograder.expect import Failure
from autograder.sandbox.student import StudentError

OWN_CACHE_NOTE = ("judged on the cache of your own forward pass, whose layout differs from "
                  "the given one")


def call_forward(student: Any, name: str, args: tuple, label: str,
                 arg_names: dict[str, str], **kwargs: Any) -> tuple[np.ndarray, Any]:
    """``(out, cache)`` of the student's forward function ``module.func`` on ``args``."""
    value = student.call(name, *args, **kwargs)
    out, cache = expect.sequence(value, 2, label)
    expect.not_mutated(student, label, arg_names)
    odd = expect.opaque_parts(cache)
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


def judge_backward(student: Any, name: str, dout: np.ndarray, ref_cache: Any,
                   own_cache: Callable[[], Any] | None, label: str, count: int,
                   check: Callable[[tuple[Any, ...]], list[str]]) -> list[str]:
    """Run the student's backward ``name`` on the reference cache and ``check`` its
    gradients (``check`` raises ``Failure`` or returns notes). When that fails, and
    ``own_cache`` (a call of the student's forward pass) gives a cache that passes, the
    answer is accepted with a note; otherwise the first failure stands."""
    try:
        return check(call_backward(student, name, dout, ref_cache, label, count))
    except (Failure, StudentError) as first:
        if own_cache is None:
            raise
        try:
            notes = check(call_backward(student, name, dout, own_cache(), label, count))
        except (Failure, StudentError):
            raise first from None
        return [*notes, f"{label}: {OWN_CACHE_NOTE}"]


def check_cache(student: Any, backward_name: str, ref_backward: Callable[..., Any],
                cache: Any, ref_cache: Any, out_shape: tuple[int, ...], label: str,
                rtol: float) -> None:
    """The cache a forward pass returned must let the backward pass work: the given
    backward (the reference) on it, or the student's own backward on it, must give the
    gradients that the reference cache gives. Charges a wrong cache to the forward pass
    (not to the backward pass, which is judged on the reference cache)."""
    dout = np.random.default_rng(17).standard_normal(out_shape)
    expected = ref_backward(dout, ref_cache)
    expected = expected if isinstance(expected, tuple) else (expected,)

    def works(grads: Any) -> bool:
        grads = grads if isinstance(grads, tuple | list) else (grads,)
        return len(grads) == len(expected) and all(
            expect.agrees(g, e, rtol) for g, e in zip(grads, expected, strict=True))

    try:
        with np.errstate(all="ignore"):
            if works(ref_backward(dout, cache)):
                return
    except Exception:  # noqa: BLE001 - any layout the given backward cannot read
        pass
    if works(student_value(student, backward_name, dout, cache, index=None)):
        return
    expect.fail(f"the cache returned by {label} does not give the right gradients, neither "
                "with the given layout of the cache nor with your backward pass",
                "keep in the cache what the backward pass reads (see the given cache line)")


def student_value(student: Any, name: str, *args: Any, index: int | None = 0) -> Any:
    """``name(*args)`` in the student process (element ``index`` of the result), or None
    when it fails: for judging a function by the student's own building blocks."""
    try:
        value = student.call(name, *args)
        return value if index is None else value[index]
    except (StudentError, TypeError, IndexError, KeyError):
        return None


