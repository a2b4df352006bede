"""Checks used inside graded tests. Each raises ``Failure`` with a message for the student.

Messages say what is wrong and by how much (the measured error and the size it should
have), and may add a hint; they never reveal the expected values themselves.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograder.sandbox.codec import Opaque


class Failure(AssertionError):
    """A graded test failed; ``str(failure)`` is shown to the student."""


def rel_error(actual: np.ndarray, expected: np.ndarray) -> float:
    """Largest elementwise |a - e| / max(1e-8, |a| + |e|) (0 for two empty arrays)."""
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if a.size == 0:
        return 0.0
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(a - e) / np.maximum(1e-8, np.abs(a) + np.abs(e))
    both_equal = a == e  # handles matching infinities
    err = np.where(both_equal, 0.0, err)
    return float(np.max(np.nan_to_num(err, nan=np.inf)))


def _describe_type(value: Any) -> str:
    if isinstance(value, Opaque):
        return f"an object of type {value.type_name}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"a value of type {type(value).__name__}"


def fail(message: str, hint: str | None = None) -> None:
    """Fail the test with ``message`` (and an optional hint)."""
    raise Failure(message + (f"\nHint: {hint}" if hint else ""))


def true(condition: bool, message: str, hint: str | None = None) -> None:
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        fail(message, hint)


def sequence(value: Any, length: int, what: str) -> tuple[Any, ...]:
    """``value`` must be a tuple or list of ``length`` items (e.g. ``(loss, dW)``)."""
    if not isinstance(value, tuple | list) or len(value) != length:
        got = (f"{len(value)} values" if isinstance(value, tuple | list)
               else _describe_type(value))
        fail(f"{what} should return {length} values, but returned {got}")
    return tuple(value)


def scalar(value: Any, what: str) -> float:
    """``value`` must be a finite real number (Python or numpy scalar, or a 0-d array)."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        fail(f"{what} should be a number, but is {_describe_type(value)}")
    number = float(value)
    if not np.isfinite(number):
        fail(f"{what} is {number} (not finite)",
             "look for overflow in exp, division by zero or log of 0")
    return number


def array(value: Any, what: str, shape: tuple[int, ...] | None = None,
          kind: str = "f", finite: bool = True) -> np.ndarray:
    """``value`` must be a numpy array (of ``shape`` and dtype kind ``kind`` if given).

    ``kind`` is a numpy dtype-kind string: "f" floats, "i" signed ints, "iu" any integer,
    "b" booleans, "" anything numeric.
    """
    if not isinstance(value, np.ndarray):
        fail(f"{what} should be a numpy array, but is {_describe_type(value)}")
    if shape is not None and value.shape != tuple(shape):
        fail(f"{what} has shape {value.shape}, expected {tuple(shape)}")
    if kind and value.dtype.kind not in kind:
        names = {"f": "floating-point", "i": "integer", "iu": "integer", "b": "boolean"}
        fail(f"{what} has dtype {value.dtype}, expected a {names.get(kind, kind)} array")
    if finite and value.dtype.kind in "fc" and not np.all(np.isfinite(value)):
        bad = int(np.sum(~np.isfinite(value)))
        fail(f"{what} has {bad} non-finite entries (nan or inf)",
             "look for overflow in exp, division by zero or log of 0")
    return value


def close(what: str, actual: Any, expected: Any, rtol: float, hint: str | None = None) -> float:
    """``actual`` must match ``expected`` to relative error ``rtol``; returns the error."""
    expected = np.asarray(expected)
    if np.shape(actual) != expected.shape:
        fail(f"{what} has shape {np.shape(actual)}, expected {expected.shape}")
    err = rel_error(actual, expected)
    if not err <= rtol:
        fail(f"{what} is wrong: relative error {err:.1e} (should be below {rtol:.0e})", hint)
    return err


def equal(what: str, actual: Any, expected: Any, hint: str | None = None) -> None:
    """Exact equality (integers, labels, shapes, booleans)."""
    expected = np.asarray(expected)
    if np.shape(actual) != expected.shape:
        fail(f"{what} has shape {np.shape(actual)}, expected {expected.shape}")
    mismatches = int(np.sum(np.asarray(actual) != expected))
    if mismatches:
        fail(f"{what} is wrong in {mismatches} of {expected.size} entries", hint)


def not_mutated(student: Any, what: str, names: dict[str, str]) -> None:
    """The last student call must not have modified its array arguments in place.

    ``names`` maps the argument position (``"0"``) or keyword to a readable name.
    """
    changed = [names.get(key, f"argument {key}") for key in student.last.mutated]
    if changed:
        fail(f"{what} modified its input {', '.join(changed)} in place",
             "work on a copy (e.g. `x = x.copy()` or `x = x - ...` instead of `x -= ...`)")
