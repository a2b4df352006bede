"""Tests of autograder.expect: student values that cannot be used are the student's
error, rounding of the size of the terms is forgiven, and messages say what the numbers
show."""

from __future__ import annotations

import numpy as np
import pytest

from autograder import expect
from autograder.expect import Failure, Passed
from autograder.sandbox.codec import decode, encode


def nested(depth: int) -> list:
    value: list = [1.0]
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(("value", "needle"), [
    (10**400, "integer of about 400 digits"),
    (-(10**400), "integer of about 400 digits"),
    (["a", "b"], "list of 2 value(s) of str"),
    ("0.5", "str"),
    (None, "NoneType"),
    ({"loss": 1.0}, "dict"),
    (np.bool_(True), "bool"),
], ids=["huge int", "huge negative int", "strings", "text", "None", "dict", "bool"])
def test_unusable_losses_are_the_students_error(value, needle):
    """Is a loss that cannot be read as a number (a 400-digit int, strings, None, a dict)
    a Failure with a plain message, never another exception?"""
    with pytest.raises(Failure, match="the loss") as info:
        expect.scalar(value, "the loss")
    assert needle in str(info.value)


@pytest.mark.parametrize("value", [
    ["1.0", "2.0"], [1.0, [2.0, 3.0]], [[1.0], [2.0, 3.0]], [object()], "history",
    {"0": 1.0}, [None, 1.0], nested(100), [10**400, 1.0], [1.0 + 2.0j, 1.0],
])
def test_unusable_histories_are_the_students_error(value):
    """Is a loss history that is not numbers (strings, ragged lists, objects, a deep
    nest, huge integers) a Failure about it?"""
    with pytest.raises(Failure, match="loss_history"):
        expect.numbers(value, "loss_history", shape=(2,))


def test_deeply_nested_value_from_the_sandbox_is_the_students_error():
    """Does a value nested too deeply to travel (it arrives as an opaque stand-in) fail as
    the student's error in every helper?"""
    value = decode(encode(nested(200)))
    for check in (lambda: expect.numbers(value, "w"), lambda: expect.scalar(value, "w"),
                  lambda: expect.array(value, "w"),
                  lambda: expect.close("w", value, np.ones(3), rtol=1e-7),
                  lambda: expect.equal("w", value, np.ones(3))):
        with pytest.raises(Failure, match="w"):
            check()


@pytest.mark.parametrize(("value", "word"), [
    (np.float64(np.inf), "inf"), (np.float64(-np.inf), "-inf"), (np.float64(np.nan), "nan"),
    (np.float32(np.inf), "inf"), (float("nan"), "nan"),
])
def test_non_finite_losses_are_named_plainly(value, word):
    """Does a non-finite loss (a numpy scalar as it comes back from the sandbox) read as
    'inf' or 'nan', not a repr such as np.float64(inf)?"""
    with pytest.raises(Failure) as info:
        expect.scalar(decode(encode(value)), "the loss")
    message = str(info.value)
    assert f"the loss is {word} (not finite)" in message
    assert "np.float" not in message


def test_non_finite_array_entries_are_counted_by_kind():
    """Does an array with nan and inf entries say how many of each?"""
    with pytest.raises(Failure, match=r"3 non-finite entries \(2 nan and 1 inf, of 4\)"):
        expect.array(np.array([np.nan, 1.0, np.inf, np.nan]), "dW")


def test_exact_zero_with_rounding_passes_when_the_terms_are_given():
    """Is batch norm's dx at N=1 (exactly 0, ~6e-14 from a correct formula) accepted when
    the size of its terms is given, and a real error of that size still caught?"""
    rounding = np.array([[6e-14, -3e-14, 1e-14]])
    zeros = np.zeros((1, 3))
    with pytest.raises(Failure):  # the old behaviour: rounding divided by 1e-8
        expect.close("dx", rounding, zeros, rtol=1e-6)
    expect.close("dx", rounding, zeros, rtol=1e-6, scale=600.0)
    with pytest.raises(Failure):
        expect.close("dx", np.array([[1e-3, 0.0, 0.0]]), zeros, rtol=1e-6, scale=600.0)


def test_values_in_the_thousands_and_tiny_entries():
    """Do entries many orders below the largest one pass with rounding errors of the
    largest one's size, while a relative error in a large entry still fails?"""
    expected = np.array([3.0e3, -1.5e3, 2e-12, 0.0])
    actual = expected + np.array([2e-12, -1e-12, 3e-13, 1e-13])
    expect.close("dx", actual, expected, rtol=1e-8)
    with pytest.raises(Failure):
        expect.close("dx", expected * (1 + 1e-6), expected, rtol=1e-8)


def test_zero_tolerance_stays_exact():
    """Does rtol=0 (an exact identity) still refuse the smallest difference?"""
    x = np.array([1.0, 2.0])
    expect.close("out", x.copy(), x, rtol=0.0)
    with pytest.raises(Failure):
        expect.close("out", x + 1e-15, x, rtol=0.0)


def test_close_says_what_the_numbers_show():
    """Does a wrong loss N times too large say so with N, and a gradient missing the
    regularization term name that term?"""
    with pytest.raises(Failure, match=r"exactly N = 50 times .* averaged over the batch"):
        expect.close("the loss", 115.0, 2.3, rtol=1e-7, N=50)
    g = np.arange(6.0).reshape(2, 3)
    W = np.ones((2, 3))
    with pytest.raises(Failure, match="by exactly the regularization gradient"):
        expect.close("dW", g, g + 0.2 * W, rtol=1e-7, terms={"regularization gradient": 0.2 * W})


def test_close_names_a_transpose_on_a_shape_mismatch():
    """Does a transposed gradient fail on its shape and say it is the transpose?"""
    dw = np.arange(6.0).reshape(2, 3)
    with pytest.raises(Failure, match="transpose"):
        expect.close("dw", dw.T, dw, rtol=1e-8)


def test_nontrivial_refuses_zero_and_constant_answers():
    """Is an all-zero numerical gradient refused, a real one accepted, and a correct
    gradient that is itself zero not held against the student?"""
    ref = np.array([0.3, -1.0])
    with pytest.raises(Failure, match="trivially consistent"):
        expect.nontrivial("the numerical gradient", np.zeros(2), ref)
    expect.nontrivial("the numerical gradient", np.array([0.31, -0.9]), ref)
    expect.nontrivial("the numerical gradient", np.zeros(2), np.array([1e-17, 0.0]))


def test_passed_carries_notes_once():
    """Does expect.passed give plain credit without notes and one note per distinct text?"""
    assert expect.passed([]) is None
    result = expect.passed(["a", "b", "a", ""])
    assert isinstance(result, Passed) and float(result) == 1.0 and result.note == "a; b"
