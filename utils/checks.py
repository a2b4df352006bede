"""Checks for the notebooks' public test cells, with messages that help a student.

Each check prints one line. A passing check ends with ``OK``; a failing one starts with
``FAILED`` and names what was measured and what was expected, e.g.::

    dW (naive vs numerical): relative error 3.1e-10 (expected < 1e-7) OK

and adds, on indented lines below, what the numbers show when your value relates to the
expected one in a recognizable way (``utils.relations``: a factor N or 2, a sign, a
transpose) and a hint. Interactively a failing check raises ``CheckFailed`` (an
``AssertionError``) with that block, which Jupyter shows alone, without a traceback. While nbgrader
autogrades (``NBGRADER_EXECUTION`` is set, e.g. to ``"autograde"``) a failure is only
printed, so the rest of the cell (the hidden tests, which decide the points) still runs.
``nbgrader validate`` (``NBGRADER_EXECUTION=validate``) raises like an interactive run,
so a student who validates sees what fails. Nothing here writes to stderr: nbgrader
gives zero points to a test cell with any stderr output.

Wrap calls of your own code in :func:`checking` so that a function you have not written
yet gives a short "not implemented yet" message::

    with checking("softmax_loss_naive"):
        loss, dW = softmax_loss_naive(W, X, y, 0.0)
        check_rel_error("dW (naive vs numerical)", dW, dW_num, tol=1e-7)

The numbers returned by the checks are floats whose notebook display is a sentence
(not a bare number), so a test cell that ends with a check is never read by nbgrader as
"partial credit".
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from utils.gradient_check import rel_error
from utils.relations import explain

__all__ = [
    "CheckFailed",
    "CheckResult",
    "check_close",
    "check_finite",
    "check_rel_error",
    "check_shape",
    "check_true",
    "checking",
    "grading_mode",
    "run_check",
    "time_call",
]

GRADING_ENV = "NBGRADER_EXECUTION"


class CheckResult(float):
    """A measured number (an error, a time) that displays as a sentence in notebooks.

    It is a ``float`` in every computation; only ``repr`` (what a notebook shows when
    it is a cell's last value) describes it, e.g. ``<dW: relative error 3.1e-10 OK>``.
    """

    text: str

    def __new__(cls, value: float, text: str) -> CheckResult:
        obj = super().__new__(cls, value)
        obj.text = text
        return obj

    def __getnewargs__(self) -> tuple[float, str]:
        return (float(self), self.text)

    def __repr__(self) -> str:
        return f"<{self.text}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


class CheckFailed(AssertionError):
    """A failed check. Jupyter (IPython) shows its message alone: what was checked, what
    was measured and expected, and a hint, instead of a traceback through this module."""

    def _render_traceback_(self) -> list[str]:
        return str(self).splitlines()


def grading_mode() -> bool:
    """Return True while nbgrader autogrades (``NBGRADER_EXECUTION`` set, not "validate")."""
    return os.environ.get(GRADING_ENV, "") not in ("", "validate")


def _say(line: str) -> None:
    """Print one line to stdout (never stderr) right away."""
    print(line, file=sys.stdout, flush=True)


def _report(ok: bool, line: str, *notes: str | None) -> None:
    """Print a passing line; for a failing one (with its ``notes``, each on an indented
    line) raise ``CheckFailed``, or print when grading."""
    block = "\n".join([line, *(f"  {note}" for note in notes if note)])
    if ok or grading_mode():
        _say(block)
        return
    raise CheckFailed(block)


def _sci(x: float) -> str:
    """Format a number compactly in scientific notation: 3.1e-10, 1e-7, 0, nan."""
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return str(x)
    mantissa, exponent = f"{x:.1e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}"


def _positive(name: str, value: Any) -> float:
    """Return ``value`` as a float, or raise ValueError unless it is positive and finite."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {value!r}") from None
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return number


def _as_float_array(value: Any) -> np.ndarray | None:
    """Return ``value`` as a float64 array, or None when it cannot be one."""
    if value is None:
        return None
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _describe_type(value: Any) -> str:
    """Say what ``value`` is when it is not a numeric array."""
    if value is None:
        return "None (did the function return its result?)"
    return f"a {type(value).__name__}, not numbers"


def _count_nonfinite(arr: np.ndarray) -> int:
    """Number of NaN or infinite entries of ``arr``."""
    return int(arr.size - np.count_nonzero(np.isfinite(arr)))


def check_rel_error(name: str, actual: Any, expected: Any, tol: float,
                    scale: float | None = None) -> float:
    """Check that ``actual`` matches ``expected`` to a relative error below ``tol``.

    The relative error is ``max |a - e| / max(1e-8, |a| + |e|)`` over all entries (see
    :func:`utils.gradient_check.rel_error`).

    Args:
        name: what is compared, e.g. ``"dW (naive vs numerical)"``.
        actual: your result, an array of any shape (or a scalar).
        expected: the reference, same shape as ``actual``.
        tol: the largest acceptable relative error, e.g. ``1e-7``.
        scale: the size of the terms whose sum the values are, when the exact values can
            be much smaller (batch norm's dx is exactly 0 for one example): differences
            of a thousand float64 rounding steps of that size are forgiven.

    Returns:
        The relative error (``inf`` when the shapes differ or ``actual`` is not numeric).

    Raises:
        AssertionError: when the error is not below ``tol`` or the shapes differ (only
            printed under nbgrader autograding).
        ValueError: when ``tol`` is not a positive number.
    """
    tol = _positive("tol", tol)
    a = _as_float_array(actual)
    e = _as_float_array(expected)
    if a is None or e is None:
        which, value = ("actual", actual) if a is None else ("expected", expected)
        _report(False, f"FAILED {name}: {which} is {_describe_type(value)}")
        return CheckResult(math.inf, f"{name}: FAILED, not numeric")
    if a.shape != e.shape:
        _report(
            False, f"FAILED {name}: shape {a.shape} does not match the expected shape {e.shape}"
        )
        return CheckResult(math.inf, f"{name}: FAILED, shape {a.shape} != {e.shape}")

    with np.errstate(all="ignore"):
        floor = 1e-8 if scale is None else max(1e-8, 1e3 * np.finfo(np.float64).eps
                                               * abs(float(scale)) / tol)
        err = rel_error(a, e, floor)
    facts = f"relative error {_sci(err)} (expected < {_sci(tol)})"
    if err < tol:
        _report(True, f"{name}: {facts} OK")
        return CheckResult(err, f"{name}: {facts} OK")

    bad = _count_nonfinite(a)
    if bad:
        hint = (
            f"{bad} of {a.size} values are NaN or inf; look for overflow in exp, "
            "log(0) or a division by zero"
        )
    elif err > 1e-2:
        hint = "an error this large usually means a wrong formula, index or sign, or a missing term"
    else:
        hint = (
            "close but not close enough: look for a small missing term (e.g. the "
            "regularization gradient) or a loss of precision (float32, a large step h)"
        )
    relation = explain(a, e, what="your value")
    _report(False, f"FAILED {name}: {facts}", relation and f"the numbers: {relation}",
            f"hint: the difference is too large: {hint}")
    return CheckResult(err, f"{name}: {facts} FAILED")


def _shape_text(shape: Sequence[int | None]) -> str:
    """Format an expected shape, writing ``any`` for None entries."""
    parts = ["any" if s is None else str(s) for s in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def check_shape(name: str, arr: Any, shape: int | Sequence[int | None]) -> bool:
    """Check that ``arr`` has exactly ``shape`` (``None`` in ``shape`` matches any size).

    Args:
        name: what is checked, e.g. ``"scores"``.
        arr: an array (or anything with a numpy shape).
        shape: the expected shape, e.g. ``(N, C)`` as numbers.

    Returns:
        True when the shape matches (False when it does not, under nbgrader autograding).

    Raises:
        AssertionError: when the shape differs (only printed under nbgrader autograding).
    """
    expected = (shape,) if isinstance(shape, int | np.integer) else tuple(shape)
    if arr is None:
        _report(
            False, f"FAILED {name}: it is None, expected an array of shape {_shape_text(expected)}"
        )
        return False
    actual = np.shape(arr)
    ok = len(actual) == len(expected) and all(
        want is None or have == want for have, want in zip(actual, expected, strict=True)
    )
    if ok:
        _report(True, f"{name}: shape {actual} OK")
    else:
        _report(False, f"FAILED {name}: shape {actual}, expected {_shape_text(expected)}")
    return ok


def check_finite(name: str, arr: Any) -> bool:
    """Check that every entry of ``arr`` is finite (no NaN, no inf).

    Args:
        name: what is checked, e.g. ``"loss"``.
        arr: an array of any shape, or a scalar.

    Returns:
        True when all entries are finite.

    Raises:
        AssertionError: when an entry is NaN or inf (only printed under autograding).
    """
    values = _as_float_array(arr)
    if values is None:
        _report(False, f"FAILED {name}: it is {_describe_type(arr)}")
        return False
    bad = _count_nonfinite(values)
    if bad == 0:
        _report(True, f"{name}: all {values.size} values finite OK")
        return True
    _report(
        False,
        f"FAILED {name}: {bad} of {values.size} values are not finite (NaN or "
        "inf); look for overflow in exp (shift scores by their max), log(0) or a "
        "division by zero",
    )
    return False


def check_true(cond: Any, message: str) -> bool:
    """Check a condition; ``message`` says what should hold, e.g. ``"loss decreases"``.

    Returns:
        ``bool(cond)``.

    Raises:
        AssertionError: when ``cond`` is false (only printed under autograding).
        ValueError: when ``cond`` is an array with more than one entry (use ``np.all``).
    """
    if np.ndim(cond) != 0:
        raise ValueError(
            f"check_true needs a single True/False, got an array of shape {np.shape(cond)}; "
            "combine it first, e.g. np.all(...)"
        )
    ok = bool(cond)
    _report(ok, f"{message} OK" if ok else f"FAILED {message}")
    return ok


def check_close(name: str, value: Any, target: Any, atol: float) -> float:
    """Check that ``value`` is within ``atol`` of ``target`` (e.g. a loss near ``log(C)``).

    Args:
        name: what is checked, e.g. ``"initial loss"``.
        value: a number, or an array.
        target: the expected number, or an array of ``value``'s shape.
        atol: the largest acceptable absolute difference.

    Returns:
        The largest absolute difference ``max |value - target|``.

    Raises:
        AssertionError: when the difference exceeds ``atol`` (only printed under
            autograding).
        ValueError: when ``atol`` is not a positive number.
    """
    atol = _positive("atol", atol)
    v = _as_float_array(value)
    t = _as_float_array(target)
    if v is None or t is None:
        which, what = ("value", value) if v is None else ("target", target)
        _report(False, f"FAILED {name}: {which} is {_describe_type(what)}")
        return CheckResult(math.inf, f"{name}: FAILED, not numeric")
    try:
        with np.errstate(all="ignore"):
            diff = float(np.max(np.abs(v - t))) if v.size else 0.0
    except ValueError:
        _report(
            False, f"FAILED {name}: shape {v.shape} does not match the expected shape {t.shape}"
        )
        return CheckResult(math.inf, f"{name}: FAILED, shape {v.shape} != {t.shape}")
    if math.isnan(diff):
        diff = math.inf
    if v.ndim == 0 and t.ndim == 0:
        facts = f"{float(v):.6g} (expected {float(t):.6g} ± {atol:g})"
    else:
        facts = f"max |value - target| = {_sci(diff)} (expected <= {atol:g})"
    if diff <= atol:
        _report(True, f"{name}: {facts} OK")
        return CheckResult(diff, f"{name}: {facts} OK")
    relation = explain(v, np.broadcast_to(t, v.shape) if v.ndim else t, what="your value")
    _report(False, f"FAILED {name}: {facts}; off by {diff:.3g}",
            relation and f"the numbers: {relation}")
    return CheckResult(diff, f"{name}: {facts} FAILED")


def time_call(f: Callable[..., Any], *args: Any, repeat: int = 3, **kwargs: Any) -> float:
    """Time ``f(*args, **kwargs)`` and return the best of ``repeat`` runs, in seconds.

    Uses ``time.perf_counter``; the best (smallest) time is the least disturbed by other
    programs running at the same time.
    """
    if isinstance(repeat, bool) or not isinstance(repeat, int) or repeat < 1:
        raise ValueError(f"repeat must be a positive integer, got {repeat!r}")
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        f(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    name = getattr(f, "__name__", "call")
    return CheckResult(best, f"{name}: best of {repeat}: {best * 1e3:.3g} ms")


def _raiser(exc: BaseException) -> str | None:
    """The qualified name of the function that raised ``exc``, outside this package (the
    innermost such frame of its traceback), or None."""
    here = os.path.dirname(os.path.abspath(__file__))
    name = None
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if not os.path.abspath(code.co_filename).startswith(here + os.sep):
            name = getattr(code, "co_qualname", code.co_name).rpartition("<locals>.")[2]
        tb = tb.tb_next
    return None if name in (None, "<module>") else name


@contextlib.contextmanager
def checking(name: str) -> Iterator[None]:
    """Run a block of checks on your code, with friendly messages.

    * ``NotImplementedError`` (an unfinished stub) becomes the message
      ``"NOT IMPLEMENTED YET <function>: ..."``, naming the function that raised it (and
      the block's ``name`` when that differs, e.g. a vectorized check that calls the naive
      version) -- raised as ``CheckFailed`` interactively, printed under nbgrader
      autograding.
    * A failed check inside the block shows as one compact block in Jupyter (see
      :class:`CheckFailed`).
    * Under autograding any other exception is printed as a ``FAILED`` line too, so the
      hidden tests later in the cell still run; interactively it propagates unchanged.
    * Warnings (e.g. numpy's overflow RuntimeWarning) and anything written to stderr
      inside the block are printed to stdout instead.
    """
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(sys.stdout):
            warnings.simplefilter("always")
            yield
    except NotImplementedError as exc:
        detail = f" ({exc})" if str(exc) else ""
        raiser = _raiser(exc) or name
        own = raiser.startswith(name.split()[0]) or name.startswith(raiser)
        needed = "" if own else f" (needed by the checks of {name})"
        line = (
            f"NOT IMPLEMENTED YET {raiser}{needed}: your code raised NotImplementedError"
            f"{detail}; replace the stub's `raise NotImplementedError` with your solution"
        )
        if not grading_mode():
            raise CheckFailed(line) from None
        _say(line)
    except CheckFailed:
        raise
    except Exception as exc:
        if not grading_mode():
            raise
        _say(f"FAILED {name}: {type(exc).__name__}: {exc}")
    finally:
        for warning in caught:
            _say(f"warning in {name}: {warning.category.__name__}: {warning.message}")


def run_check(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn(*args, **kwargs)`` inside :func:`checking` named after ``fn``.

    Returns ``fn``'s result (None when it failed under autograding). It also works as a
    decorator that runs a check function at once::

        @run_check
        def check_affine_forward():
            ...
    """
    with checking(getattr(fn, "__name__", "check")):
        return fn(*args, **kwargs)
    return None
