"""What a wrong answer's numbers say about the mistake, without giving the answer.

When a value is wrong, it often relates to the expected one in a recognizable way: it is
exactly N times too large (not averaged over the batch), twice or half as large (a factor
2 counted twice or missing), of the opposite sign, transposed, or off by exactly one
named term (the regularization missing or counted twice, the bias left out).
:func:`explain` looks for these relations and returns one sentence saying which one the
numbers show, or None. The notebooks' public checks (``utils.checks``) and the
autograder's messages both use it, so a student reads the same diagnosis in both.

    >>> import numpy as np
    >>> explain(np.array([3.0, 6.0]), np.array([1.0, 2.0]), N=3, what="your loss")
    'your loss is exactly N = 3 times the expected value: is it averaged over the batch?'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["explain", "matches"]

RTOL = 1e-6  # how exactly a relation must hold to be reported


def _floats(value: Any) -> np.ndarray | None:
    """``value`` as a float64 array, or None when it cannot be one."""
    try:
        with np.errstate(all="ignore"):
            arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        return None
    return arr if np.all(np.isfinite(arr)) else None


def matches(actual: Any, expected: Any, rtol: float = RTOL) -> bool:
    """True when ``actual`` equals ``expected`` to ``rtol``, relative to the largest entry
    of either (so exact zeros do not need exact rounding)."""
    a, e = _floats(actual), _floats(expected)
    if a is None or e is None or a.shape != e.shape:
        return False
    if a.size == 0:
        return True
    scale = max(float(np.max(np.abs(a))), float(np.max(np.abs(e))))
    return bool(np.max(np.abs(a - e)) <= rtol * scale)


def _factor(a: np.ndarray, e: np.ndarray) -> float | None:
    """The constant c with a == c * e entrywise, when there is one (and e is not zero)."""
    big = np.abs(e) > 1e-9 * float(np.max(np.abs(e)))
    if not np.any(big):
        return None
    c = float(np.median(a[big] / e[big]))
    return c if c != 0 and matches(a, c * e) else None


def _factor_sentence(c: float, N: int | None, what: str, generic: bool) -> str | None:
    """The sentence for ``actual == c * expected``; a factor without a known meaning only
    when ``generic`` (an array: one number times a constant says nothing)."""
    if N is not None and N > 2 and np.isclose(c, N, rtol=RTOL):
        return (f"{what} is exactly N = {N} times the expected value: is it averaged over "
                "the batch?")
    if N is not None and N > 2 and np.isclose(c, 1 / N, rtol=RTOL):
        return (f"{what} is exactly 1/N (N = {N}) of the expected value: is it divided by "
                "N twice?")
    if np.isclose(c, -1, rtol=RTOL):
        return f"{what} has the right size but the opposite sign: check the signs"
    if np.isclose(c, 2, rtol=RTOL):
        return (f"{what} is exactly twice the expected value: is a factor 2 counted twice, "
                "or a 1/2 missing?")
    if np.isclose(c, 0.5, rtol=RTOL):
        return (f"{what} is exactly half the expected value: is a factor 2 missing (the "
                "derivative of w * w is 2 w)?")
    if np.isclose(c, -2, rtol=RTOL) or np.isclose(c, -0.5, rtol=RTOL):
        return f"{what} is {c:g} times the expected value: check the sign and a factor 2"
    rounded = round(c)
    if N is None and rounded >= 3 and np.isclose(c, rounded, rtol=RTOL):
        return (f"{what} is exactly {rounded} times the expected value: if {rounded} is the "
                "number of examples, average over them")
    if N is None and c < 1 and round(1 / c) >= 3 and np.isclose(1 / c, round(1 / c), rtol=RTOL):
        return (f"{what} is exactly 1/{round(1 / c)} of the expected value: if "
                f"{round(1 / c)} is the number of examples, is it divided by it twice?")
    if not generic:
        return None
    return (f"{what} is the expected value times a constant ({c:.3g}): look for a missing "
            "or extra scale factor")


def explain(actual: Any, expected: Any, *, N: int | None = None,
            terms: Mapping[str, Any] | None = None, what: str = "your value") -> str | None:
    """One sentence on how ``actual`` relates to ``expected``, or None when no simple
    relation holds (or when they already agree).

    Args:
        actual: the student's value (number or array).
        expected: the correct value, same shape.
        N: the batch size, when a factor N or 1/N is a likely mistake.
        terms: named parts of ``expected`` (each broadcastable to its shape), e.g.
            ``{"regularization term": 2 * reg * W, "bias": b}``; reports ``actual ==
            expected - term`` (missing), ``+ term`` (counted twice) and ``- term / 2``
            (half of it: a factor 2 missing in it).
        what: how the sentence names the value, e.g. ``"your loss"``.
    """
    a, e = _floats(actual), _floats(expected)
    if a is None or e is None or a.size == 0 or matches(a, e):
        return None
    if a.size == 1:
        what = f"{what} ({float(a.flat[0]):.6g})"
    if a.shape != e.shape:
        if a.ndim == 2 and a.T.shape == e.shape and matches(a.T, e):
            return f"{what} is the transpose of the expected value: check the order of the axes"
        return None
    if a.ndim == 2 and a.shape[0] == a.shape[1] and a.shape[0] > 1 and matches(a.T, e):
        return f"{what} is the transpose of the expected value: check the order of the axes"
    for name, term in (terms or {}).items():
        t = _floats(term)
        if t is None or not np.any(t):
            continue
        try:
            t = np.broadcast_to(t, e.shape)
        except ValueError:
            continue
        if matches(a, e - t):
            return f"{what} differs from the expected value by exactly the {name}: is it missing?"
        if matches(a, e + t):
            return (f"{what} differs from the expected value by exactly the {name} once more: "
                    "is it counted twice?")
        if matches(a, e - t / 2):
            return (f"{what} lacks exactly half of the {name}: is its factor 2 missing?")
    if not np.any(a):
        return f"{what} is all zeros"
    c = _factor(a, e)
    if c is None:
        return None
    return _factor_sentence(c, N, what, generic=int(np.count_nonzero(e)) > 1)
