"""Tests of utils.relations: what a wrong value's numbers say about the mistake."""

from __future__ import annotations

import numpy as np
import pytest

from utils.relations import explain, matches

RNG = np.random.default_rng(0)
E = RNG.standard_normal((4, 3))
W = RNG.standard_normal((4, 3))


@pytest.mark.parametrize(("actual", "kwargs", "needle"), [
    (8 * E, {"N": 8}, "exactly N = 8 times"),
    (E / 8, {"N": 8}, "exactly 1/N (N = 8)"),
    (2 * E, {}, "exactly twice"),
    (E / 2, {}, "exactly half"),
    (-E, {}, "opposite sign"),
    (-2 * E, {}, "-2 times"),
    (12 * E, {}, "exactly 12 times the expected value: if 12 is the number of examples"),
    (0.37 * E, {}, "times a constant (0.37)"),
    (E.T, {}, "transpose"),
    (np.zeros_like(E), {}, "all zeros"),
    (E - 0.2 * W, {"terms": {"regularization gradient": 0.2 * W}}, "is it missing"),
    (E + 0.2 * W, {"terms": {"regularization gradient": 0.2 * W}}, "counted twice"),
    (E - 0.1 * W, {"terms": {"regularization gradient": 0.2 * W}}, "factor 2 missing"),
    (E - np.array([1.0, 2.0, 3.0]), {"terms": {"bias b": np.array([1.0, 2.0, 3.0])}},
     "exactly the bias b"),
])
def test_relations_are_recognized(actual, kwargs, needle):
    """Is each recognizable relation to the expected value named?"""
    sentence = explain(actual, E, what="dW", **kwargs)
    assert sentence is not None and needle in sentence
    assert str(round(float(E[0, 0]), 4)) not in sentence  # never the expected values


def test_square_transpose_is_recognized():
    """Is a transposed square matrix named as a transpose, not a random error?"""
    square = RNG.standard_normal((3, 3))
    assert "transpose" in explain(square.T, square)


@pytest.mark.parametrize(("actual", "expected"), [
    (E + 1e-3 * RNG.standard_normal(E.shape), E),  # a small unstructured error
    (E, E),  # already right
    (0.37, 1.0),  # one number times a constant says nothing
    (np.array([1.0, np.nan]), np.array([1.0, 2.0])),  # not finite
    ("abc", 1.0),  # not numbers
])
def test_no_relation_is_invented(actual, expected):
    """Is nothing said when no simple relation holds?"""
    assert explain(actual, expected) is None


def test_a_scalar_quotes_the_students_value():
    """Does a loss N times too large quote the student's own value?"""
    assert explain(300.0, 1.0, N=300, what="your loss").startswith("your loss (300) is exactly N")


def test_matches_forgives_rounding_of_the_largest_entry():
    """Do entries that should be 0 match with rounding of the largest entry's size?"""
    assert matches(np.array([1.0, 1e-17]), np.array([1.0, 0.0]))
    assert not matches(np.array([1.0, 1e-3]), np.array([1.0, 0.0]))
