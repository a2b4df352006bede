"""Tests of utils.checks: messages, raising vs printing under nbgrader, no stderr."""

from __future__ import annotations

import math
import re
import sys
import time
import warnings

import numpy as np
import pytest
from nbgrader.utils import get_partial_grade

from utils.checks import (
    CheckResult,
    check_close,
    check_finite,
    check_rel_error,
    check_shape,
    check_true,
    checking,
    run_check,
    time_call,
)

NUMBER = r"([0-9.]+(?:e[-+]?[0-9]+)?|inf|nan)"


@pytest.fixture(autouse=True)
def interactive(monkeypatch):
    """Every test starts outside nbgrader; grading tests set the variable themselves."""
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


@pytest.fixture
def autograding(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """The relative error, written out independently of utils."""
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def measured(line: str) -> tuple[float, float]:
    """Parse ``relative error X (expected < T)`` from a message."""
    match = re.search(rf"relative error {NUMBER} \(expected < {NUMBER}\)", line)
    assert match, f"no 'relative error ... (expected < ...)' in {line!r}"
    return float(match.group(1)), float(match.group(2))


def pair(rel: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two (4, 3) arrays whose relative error is about ``rel``."""
    expected = np.random.default_rng(seed).normal(size=(4, 3))
    return expected * (1 + 2 * rel), expected


# ----------------------------------------------------------------------------- rel error


def test_rel_error_pass_message(capsys):
    """Does a passing check print the name, measured error and tolerance, then OK?"""
    actual, expected = pair(3e-10)
    err = check_rel_error("dW (naive vs numerical)", actual, expected, tol=1e-7)
    out = capsys.readouterr()
    assert out.err == ""
    line = out.out.strip()
    assert line.startswith("dW (naive vs numerical): relative error") and line.endswith("OK")
    shown, tol = measured(line)
    assert err == pytest.approx(relative_error(actual, expected))
    assert shown == pytest.approx(err, rel=0.05)
    assert tol == 1e-7


@pytest.mark.parametrize("rel", [2e-6, 0.3])
def test_rel_error_failure_raises_with_facts(capsys, rel):
    """Does a failing check raise AssertionError with the error, tolerance and a hint?"""
    actual, expected = pair(rel)
    with pytest.raises(AssertionError) as info:
        check_rel_error("dx", actual, expected, tol=1e-8)
    message = str(info.value)
    assert message.startswith("FAILED dx:")
    shown, tol = measured(message)
    assert shown == pytest.approx(relative_error(actual, expected), rel=0.05)
    assert tol == 1e-8
    assert "too large" in message
    assert capsys.readouterr().err == ""


def test_rel_error_shape_mismatch_names_both_shapes():
    """Does a shape mismatch raise an AssertionError naming both shapes?"""
    with pytest.raises(AssertionError, match=r"\(3, 4\).*\(4, 3\)"):
        check_rel_error("dW", np.zeros((3, 4)), np.zeros((4, 3)), tol=1e-7)


@pytest.mark.parametrize(("actual", "needle"), [(None, "None"), ("abc", "str")])
def test_rel_error_non_numeric(actual, needle):
    """Does a result that is not numbers (e.g. a stub returning None) fail clearly?"""
    with pytest.raises(AssertionError, match=needle):
        check_rel_error("dW", actual, np.zeros(3), tol=1e-7)


def test_rel_error_nan_is_counted():
    """Does a result with NaN fail and say how many values are not finite?"""
    actual = np.array([1.0, np.nan, 2.0, np.inf])
    with pytest.raises(AssertionError, match="2 of 4 values are NaN or inf"):
        check_rel_error("out", actual, np.ones(4), tol=1e-5)


@pytest.mark.parametrize("tol", [0, -1e-7, float("nan"), "small"])
def test_rel_error_bad_tolerance(tol):
    """Is a tolerance that is not a positive number rejected with a ValueError?"""
    with pytest.raises(ValueError, match="tol"):
        check_rel_error("dW", np.ones(2), np.ones(2), tol=tol)


# ----------------------------------------------------------------------------- other checks


def test_shape_check(capsys):
    """Does check_shape accept a matching shape (None = any) and reject another?"""
    assert check_shape("scores", np.zeros((5, 10)), (None, 10)) is True
    assert capsys.readouterr().out.strip() == "scores: shape (5, 10) OK"
    with pytest.raises(AssertionError, match=r"shape \(10, 5\), expected \(5, 10\)"):
        check_shape("scores", np.zeros((10, 5)), (5, 10))
    with pytest.raises(AssertionError, match="None"):
        check_shape("scores", None, (5, 10))


def test_finite_check(capsys):
    """Does check_finite pass finite arrays and count the NaN/inf entries of others?"""
    assert check_finite("loss", 2.3) is True
    assert "OK" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="1 of 6 values are not finite"):
        check_finite("dx", np.array([[0.0, 1.0, np.nan], [2.0, 3.0, 4.0]]))


def test_true_check(capsys):
    """Does check_true print OK for a true condition and raise for a false one?"""
    assert check_true(np.float64(1.0) < 2.0, "loss decreases") is True
    assert capsys.readouterr().out.strip() == "loss decreases OK"
    with pytest.raises(AssertionError, match="FAILED loss decreases"):
        check_true(False, "loss decreases")
    with pytest.raises(ValueError, match=r"np.all"):
        check_true(np.array([True, False]), "all positive")


def test_close_check(capsys):
    """Does check_close report value, target and tolerance, and the miss when it fails?"""
    target = math.log(10)
    diff = check_close("initial loss", target + 0.01, target, atol=0.05)
    assert diff == pytest.approx(0.01)
    line = capsys.readouterr().out
    assert f"{target + 0.01:.6g}" in line and f"{target:.6g}" in line and "0.05" in line
    with pytest.raises(AssertionError, match=r"FAILED initial loss: .*off by 2\.7"):
        check_close("initial loss", 5.0, target, atol=0.05)
    with pytest.raises(AssertionError, match=r"\(3,\).*\(2,\)"):
        check_close("x", np.zeros(3), np.zeros(2), atol=0.1)


# ----------------------------------------------------------------------------- nbgrader


FAILING_CHECKS = {
    "rel_error": lambda: check_rel_error("dW", np.ones(3), 2 * np.ones(3), tol=1e-7),
    "rel_error_shape": lambda: check_rel_error("dW", np.ones(3), np.ones(4), tol=1e-7),
    "shape": lambda: check_shape("out", np.zeros((2, 3)), (3, 2)),
    "finite": lambda: check_finite("out", np.array([np.nan])),
    "true": lambda: check_true(False, "it works"),
    "close": lambda: check_close("loss", 9.0, 2.3, atol=0.1),
}


@pytest.mark.parametrize("name", list(FAILING_CHECKS))
def test_autograde_prints_failures(autograding, capsys, name):
    """Under nbgrader autograding, is a failure printed to stdout instead of raised?"""
    FAILING_CHECKS[name]()
    out = capsys.readouterr()
    assert out.out.startswith("FAILED ")
    assert out.err == ""


@pytest.mark.parametrize("name", list(FAILING_CHECKS))
def test_validate_still_raises(monkeypatch, name):
    """Under `nbgrader validate`, does a failure still raise so the student sees it?"""
    monkeypatch.setenv("NBGRADER_EXECUTION", "validate")
    with pytest.raises(AssertionError, match="FAILED"):
        FAILING_CHECKS[name]()


def test_autograde_returns_measured_error(autograding, capsys):
    """Under autograding, does a failing check still return the measured error?"""
    actual, expected = pair(0.1)
    err = check_rel_error("dW", actual, expected, tol=1e-7)
    assert err == pytest.approx(relative_error(actual, expected))
    assert "FAILED dW" in capsys.readouterr().out


def test_result_is_not_partial_credit():
    """Is a check's result a float that nbgrader does not read as partial credit?"""
    err = check_rel_error("dW", np.ones(3), np.ones(3), tol=1e-7)
    assert isinstance(err, float) and err == 0.0
    assert "dW" in repr(err)
    with pytest.raises(ValueError):
        float(repr(err))
    output = {"data": {"text/plain": repr(err)}}
    assert get_partial_grade(output, max_points=2) == 2


# ----------------------------------------------------------------------------- checking


def stub(*args):
    raise NotImplementedError


def softmax_loss_naive(*args):
    raise NotImplementedError


def affine_forward(*args):
    raise NotImplementedError


def test_not_implemented_is_friendly(capsys):
    """Does an unfinished stub give a short 'not implemented yet' AssertionError?"""
    with pytest.raises(AssertionError, match="NOT IMPLEMENTED YET softmax_loss_naive") as info:
        with checking("softmax_loss_naive"):
            softmax_loss_naive()
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert capsys.readouterr().err == ""


def test_not_implemented_printed_when_autograding(autograding, capsys):
    """Under autograding, is the stub's NotImplementedError printed and the cell continued?"""
    reached_hidden_tests = False
    with checking("affine_forward"):
        affine_forward()
    reached_hidden_tests = True
    out = capsys.readouterr()
    assert "NOT IMPLEMENTED YET affine_forward" in out.out
    assert out.err == ""
    assert reached_hidden_tests


def test_other_errors_propagate_interactively():
    """Does a real bug in student code keep its own exception type interactively?"""
    with pytest.raises(ZeroDivisionError), checking("loss"):
        _ = 1 / 0


def test_other_errors_printed_when_autograding(autograding, capsys):
    """Under autograding, is any exception printed as a FAILED line on stdout?"""
    with checking("loss"):
        raise KeyError("W1")
    out = capsys.readouterr()
    assert out.out.strip() == "FAILED loss: KeyError: 'W1'"
    assert out.err == ""


def test_warnings_and_stderr_go_to_stdout(capsys):
    """Are warnings and stderr writes inside a check moved to stdout?"""
    with checking("softmax"):
        with np.errstate(over="warn"):
            np.exp(np.array([1000.0]))
        warnings.warn("custom", UserWarning, stacklevel=1)
        print("debug line", file=sys.stderr)
    out = capsys.readouterr()
    assert out.err == ""
    assert "warning in softmax: RuntimeWarning: overflow" in out.out
    assert "warning in softmax: UserWarning: custom" in out.out
    assert "debug line" in out.out


def test_run_check_returns_result_and_wraps_stubs():
    """Does run_check return fn's result and turn a stub into the friendly message?"""
    assert run_check(lambda a, b: a + b, 2, b=3) == 5
    with pytest.raises(AssertionError, match="NOT IMPLEMENTED YET stub"):
        run_check(stub, 1)


# ----------------------------------------------------------------------------- timing


def test_time_call_best_of_repeat():
    """Does time_call run f `repeat` times with its arguments and return the best time?"""
    calls = []

    def slow(duration, *, tag):
        calls.append(tag)
        time.sleep(duration)

    best = time_call(slow, 0.01, repeat=4, tag="x")
    assert calls == ["x"] * 4
    assert 0.01 <= best < 1.0
    assert isinstance(best, CheckResult) and "best of 4" in repr(best)


@pytest.mark.parametrize("repeat", [0, -1, 2.5, True])
def test_time_call_bad_repeat(repeat):
    """Is a repeat count that is not a positive integer rejected?"""
    with pytest.raises(ValueError, match="repeat"):
        time_call(lambda: None, repeat=repeat)


# ----------------------------------------------------------------------------- issue 22


def test_missing_naive_is_not_reported_as_the_vectorized_one():
    """When the checks of the vectorized loss call an unfinished naive loss, does the
    message name the naive function (and the checks it was needed by)?"""
    with pytest.raises(AssertionError) as info:
        with checking("softmax_loss_vectorized"):
            softmax_loss_naive()
    message = str(info.value)
    assert message.startswith("NOT IMPLEMENTED YET softmax_loss_naive")
    assert "needed by the checks of softmax_loss_vectorized" in message


def test_method_stub_is_named_with_its_class():
    """Is an unfinished method named Class.method?"""
    class SoftmaxClassifier:
        def train(self):
            raise NotImplementedError

    with pytest.raises(AssertionError, match="NOT IMPLEMENTED YET .*SoftmaxClassifier.train:"):
        with checking("SoftmaxClassifier"):
            SoftmaxClassifier().train()


def test_failed_check_renders_as_one_compact_block():
    """Does a failed check inside `checking` render (as Jupyter shows it) as a few lines:
    what was checked, measured and expected, what the numbers show, a hint, and no
    traceback through contextlib or utils?"""
    from utils.checks import CheckFailed

    expected = np.random.default_rng(3).normal(size=(5, 4))
    with pytest.raises(CheckFailed) as info:
        with checking("softmax_loss_vectorized"):
            check_rel_error("dW, vectorized vs naive", 2 * expected, expected, tol=1e-8)
    lines = info.value._render_traceback_()
    assert 2 <= len(lines) <= 4
    assert lines[0].startswith("FAILED dW, vectorized vs naive: relative error")
    assert "(expected < 1e-8)" in lines[0]
    assert any("twice the expected" in line for line in lines)
    assert any(line.strip().startswith("hint:") for line in lines)
    assert not any("contextlib" in line or "checks.py" in line for line in lines)


def test_compact_block_in_a_real_kernel(tmp_path):
    """In a real Jupyter kernel, is a failing check's error output the compact block and
    not a traceback?"""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import numpy as np\n"
        "from utils.checks import check_rel_error, checking\n"
        "with checking('loss'):\n"
        "    check_rel_error('loss', np.array([30.0]), np.array([1.0]), tol=1e-7)")]
    client = NotebookClient(nb, kernel_name="python3", timeout=60, allow_errors=True)
    client.execute(cwd=str(tmp_path))
    error = next(o for o in nb.cells[0].outputs if o["output_type"] == "error")
    text = "\n".join(error["traceback"])
    assert text.startswith("FAILED loss: relative error")
    assert "Traceback" not in text and "contextlib" not in text
    assert len(error["traceback"]) <= 4


@pytest.mark.parametrize(("actual_of", "needle"), [
    (lambda e: 10 * e, "exactly 10 times"),
    (lambda e: -e, "opposite sign"),
    (lambda e: 0.5 * e, "half the expected"),
    (lambda e: e.T, "transpose"),
])
def test_rel_error_reads_relations_from_the_numbers(actual_of, needle):
    """Does a failing comparison say what the numbers show (a factor, a sign, a
    transpose) without giving the expected values?"""
    expected = np.random.default_rng(4).normal(size=(3, 3))
    with pytest.raises(AssertionError, match=needle):
        check_rel_error("dW", actual_of(expected), expected, tol=1e-7)


def test_check_close_reads_a_factor_of_the_batch_size():
    """Does check_close say that a loss is an integer multiple of the expected one?"""
    with pytest.raises(AssertionError, match="exactly 50 times"):
        check_close("loss", 50 * 2.302585, 2.302585, atol=0.05)


def test_scale_forgives_rounding_of_exact_zeros(capsys):
    """Does check_rel_error pass two correct batch-norm dx at N=1 (exactly 0, one with
    rounding of 6e-14) when the size of the terms is given, and still fail a real error?"""
    graph, alt = np.array([[6e-14, -2e-14, 0.0]]), np.zeros((1, 3))
    with pytest.raises(AssertionError):
        check_rel_error("dx", alt, graph, tol=1e-8)
    assert check_rel_error("dx", alt, graph, tol=1e-8, scale=600.0) < 1e-8
    with pytest.raises(AssertionError):
        check_rel_error("dx", alt, np.array([[1e-3, 0.0, 0.0]]), tol=1e-8, scale=600.0)
