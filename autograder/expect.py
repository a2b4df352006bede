"""Checks used inside graded tests. Each raises ``Failure`` with a message for the student.

Messages say what is wrong and by how much (the measured error and the size it should
have), what the numbers show when the value relates to the expected one in a simple way
(``utils.relations``: a factor N, 2 or -1, a transpose, a missing term), and may add a
hint; they never reveal the expected values themselves.

Every value that comes from student code is read through these helpers: a value that
cannot be read as what the test needs (a list of strings, an integer too large for a
float, a ragged nest of lists) is the student's error and fails the test with a plain
message, so that "internal grader error" stays reserved for bugs in the grader.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np

from autograder.sandbox.codec import Opaque
from utils import gradient_check
from utils.relations import explain

# absolute tolerance of a comparison, in units of the expected dtype's machine epsilon
# times the size of the terms involved (the largest expected entry, or a given scale)
ROUNDING_ULPS = 1000.0
MIN_FLOOR = 1e-8  # the smallest denominator of a relative error
NEGLIGIBLE = 1e-9  # a correct gradient this small is zero up to rounding


class Failure(AssertionError):
    """A graded test failed; ``str(failure)`` is shown to the student."""


class Passed(float):
    """Full (or ``fraction``) credit with a note for the student, e.g. which of two
    accepted conventions their code follows. Return it from a test."""

    note: str

    def __new__(cls, note: str, fraction: float = 1.0) -> Passed:
        obj = super().__new__(cls, fraction)
        obj.note = note
        return obj


def passed(notes: list[str] | tuple[str, ...] | set[str]) -> Passed | None:
    """What a test returns after its checks: None (plain full credit) without notes,
    else full credit with the notes, each once, in order."""
    unique = list(dict.fromkeys(n for n in notes if n))
    return Passed("; ".join(unique)) if unique else None


# ----- describing and reading student values ------------------------------------------
def _describe_type(value: Any) -> str:
    if isinstance(value, Opaque):
        return f"an object of type {value.type_name}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, list | tuple):
        kinds = sorted({type(v).__name__ for v in value})
        inner = f" of {', '.join(kinds[:3])}" if kinds else ""
        return f"a {type(value).__name__} of {len(value)} value(s){inner}"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1000:
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    return f"a value of type {type(value).__name__}"


@contextmanager
def reading(what: str, value: Any, noun: str = "numbers") -> Iterator[None]:
    """Turn any failure to read or convert ``value`` into a ``Failure`` about ``what``."""
    try:
        yield
    except Failure:
        raise
    except (TypeError, ValueError, OverflowError, RecursionError, MemoryError,
            AttributeError, IndexError, KeyError) as exc:
        detail = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        raise Failure(f"{what} cannot be read as {noun}: it is {_describe_type(value)} "
                      f"({detail})") from None


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


def _nonfinite_text(values: np.ndarray) -> str:
    """'3 non-finite entries (2 nan and 1 inf, of 4)', or 'inf' for a 0-d array."""
    if values.ndim == 0:
        return str(float(values))
    n_nan = int(np.sum(np.isnan(values)))
    n_inf = int(np.sum(np.isinf(values)))
    parts = [f"{n_nan} nan" if n_nan else "", f"{n_inf} inf" if n_inf else ""]
    return (f"{n_nan + n_inf} non-finite entries ({' and '.join(p for p in parts if p)}, "
            f"of {values.size})")


def scalar(value: Any, what: str) -> float:
    """``value`` must be a finite real number (Python or numpy scalar, or a 0-d array)."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, bool | np.bool_) or not isinstance(
            value, int | float | np.integer | np.floating):
        fail(f"{what} should be a number, but is {_describe_type(value)}")
    with reading(what, value, "a number"):
        number = float(value)
    if not np.isfinite(number):
        fail(f"{what} is {number} (not finite)",
             "look for overflow in exp, division by zero or log of 0")
    return number


def numbers(value: Any, what: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """``value`` (an array, or a list or tuple of numbers, e.g. a loss history) as a
    finite float64 array, of ``shape`` if given."""
    if isinstance(value, Opaque) or isinstance(value, str | bytes | dict | set) or value is None:
        fail(f"{what} should be numbers, but is {_describe_type(value)}")
    if isinstance(value, list | tuple) and any(
            isinstance(v, str | bytes | dict | Opaque) or v is None for v in value):
        fail(f"{what} should hold numbers, but is {_describe_type(value)}")
    with reading(what, value), np.errstate(all="ignore"):
        arr = np.asarray(value, dtype=np.float64)
    return array(arr, what, shape=shape)


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
    if not kind and value.dtype.kind not in "biufc":
        fail(f"{what} has dtype {value.dtype}, expected numbers")
    if finite and value.dtype.kind in "fc" and not np.all(np.isfinite(value)):
        fail(f"{what} has {_nonfinite_text(value)}",
             "look for overflow in exp, division by zero or log of 0")
    return value


# ----- comparing -----------------------------------------------------------------------
def numerical_gradient(f: Any, x: np.ndarray, dout: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Centered differences of ``sum(f(x) * dout)`` with respect to ``x``: the students'
    ``eval_numerical_gradient_array``, on a copy of ``x`` and handing ``f`` copies."""
    x = np.array(x, dtype=np.float64, copy=True)
    return gradient_check.eval_numerical_gradient_array(lambda v: f(v.copy()), x, dout, h)


def rel_error(actual: Any, expected: Any, floor: float = MIN_FLOOR) -> float:
    """Largest elementwise |a - e| / max(floor, |a| + |e|): ``utils.gradient_check``'s, the
    one students use, for arrays already of one shape (scalars broadcast)."""
    a, e = np.broadcast_arrays(np.asarray(actual, dtype=np.float64),
                               np.asarray(expected, dtype=np.float64))
    return gradient_check.rel_error(a, e, floor)


def rounding_floor(expected: np.ndarray, rtol: float, scale: float | None = None) -> float:
    """The denominator floor that lets ``close`` forgive rounding: an absolute error of
    ``ROUNDING_ULPS`` machine epsilons (of ``expected``'s dtype) times the size of the
    terms involved, ``max(scale, max |expected|)``. Entries that are exactly 0 in exact
    arithmetic (batch norm's dx at N=1) then pass with the few ulps correct code leaves."""
    if rtol <= 0:
        return MIN_FLOOR
    dtype = expected.dtype if expected.dtype.kind == "f" else np.dtype(np.float64)
    with np.errstate(all="ignore"):
        size = float(np.max(np.abs(expected))) if expected.size else 0.0
    size = max(size if np.isfinite(size) else 0.0, float(scale or 0.0))
    return max(MIN_FLOOR, ROUNDING_ULPS * float(np.finfo(dtype).eps) * size / rtol)


def close(what: str, actual: Any, expected: Any, rtol: float, hint: str | None = None, *,
          scale: float | None = None, N: int | None = None,
          terms: Mapping[str, Any] | None = None) -> float:
    """``actual`` must match ``expected`` to relative error ``rtol``; returns the error.

    ``scale``: the size of the terms whose sum ``expected`` is, when it can be much
    smaller than they are (exact zeros); rounding errors of that size are forgiven.
    ``N`` and ``terms`` let the message say what the numbers show (see
    ``utils.relations.explain``).
    """
    expected = np.asarray(expected)
    with reading(what, actual):
        shape = np.shape(actual)
    if shape != expected.shape:
        relation = explain(actual, expected, what=f"your {what}")
        fail(f"{what} has shape {shape}, expected {expected.shape}"
             + (f"\nThe numbers: {relation}" if relation else ""))
    with reading(what, actual):
        err = rel_error(actual, expected, rounding_floor(expected, rtol, scale))
    if not err <= rtol:
        relation = explain(actual, expected, N=N, terms=terms, what="your value")
        fail(f"{what} is wrong: relative error {err:.1e} (should be below {rtol:.0e})"
             + (f"\nThe numbers: {relation}" if relation else ""), hint)
    return err


def agrees(actual: Any, expected: Any, rtol: float, scale: float | None = None) -> bool:
    """True when ``close`` would pass (for choosing between accepted conventions)."""
    expected = np.asarray(expected)
    try:
        if np.shape(actual) != expected.shape:
            return False
        return rel_error(actual, expected, rounding_floor(expected, rtol, scale)) <= rtol
    except (TypeError, ValueError, OverflowError):
        return False


def equal(what: str, actual: Any, expected: Any, hint: str | None = None) -> None:
    """Exact equality (integers, labels, shapes, booleans)."""
    expected = np.asarray(expected)
    with reading(what, actual):
        shape = np.shape(actual)
    if shape != expected.shape:
        fail(f"{what} has shape {shape}, expected {expected.shape}")
    with reading(what, actual):
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


def opaque_parts(value: Any, depth: int = 0) -> list[str]:
    """Type names of values the data-only transport could not carry (functions, objects)
    anywhere inside ``value``."""
    if isinstance(value, Opaque):
        return [value.type_name]
    if depth > 20:
        return []
    if isinstance(value, tuple | list):
        return [name for v in value for name in opaque_parts(v, depth + 1)]
    if isinstance(value, dict):
        return [name for v in value.values() for name in opaque_parts(v, depth + 1)]
    return []


def nontrivial(what: str, values: Any, reference: Any, hint: str | None = None) -> None:
    """A self-consistency check must not be passed by a constant or all-zero answer:
    ``values`` (e.g. the numerical gradient of the student's own loss) must not be
    negligible next to ``reference`` (the correct gradient)."""
    v = numbers(values, what)
    r = np.asarray(reference, dtype=np.float64)
    size = float(np.max(np.abs(r))) if r.size else 0.0
    if size <= NEGLIGIBLE:  # the correct answer is zero itself (a bias before batch norm)
        return
    true(float(np.max(np.abs(v), initial=0.0)) > 1e-2 * size,
         f"{what} is (almost) zero: a constant or all-zero answer is trivially consistent "
         "and earns nothing here", hint)
