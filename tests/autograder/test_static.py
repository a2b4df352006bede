"""Tests of autograder.static: checks follow what a function actually runs."""

from __future__ import annotations

import textwrap

import pytest

from autograder.static import find_function, loop_lines, reaches

SOURCE = textwrap.dedent('''
    import numpy as np

    def naive(W):
        total = 0
        for w in W:
            total += w
        return total

    def clean(W):
        return np.sum(W)

    def _helper(W):
        return naive(W)

    def via_helper(W):
        return _helper(W)

    def via_value(W):
        f = naive
        return f(W)

    def via_map(W):
        return list(map(naive, [W]))

    alias = naive
    lam = lambda W: [w for w in W]

    def via_lambda(W):
        return lam(W)

    class Model:
        def step(self, W):
            return alias(W)

    def clean(W):  # redefined: the last definition counts
        return np.sum(W) + 0
''')


@pytest.fixture
def module(tmp_path):
    path = tmp_path / "student.py"
    path.write_text(SOURCE)
    return path


@pytest.mark.parametrize("name", ["naive", "via_helper", "via_value", "via_map", "alias",
                                  "via_lambda", "Model.step"])
def test_loops_are_found_where_they_run(module, name):
    """Are loops found in the function itself, in helpers it calls, in functions it passes
    on or reaches through aliases, and in lambdas?"""
    assert loop_lines(module, name)


def test_a_clean_function_has_none(module):
    """Does a loop-free function (the last of two definitions) have no loops?"""
    assert loop_lines(module, "clean") == []


def test_the_chain_names_the_function_with_the_loop(module):
    """Does the chain say through which functions the loop is reached?"""
    (line, via), = loop_lines(module, "via_helper")
    assert via == ("via_helper", "_helper", "naive") and line == 6


@pytest.mark.parametrize(("name", "chain"), [
    ("via_helper", ("via_helper", "_helper", "naive")), ("alias", ("alias", "naive")),
    ("Model.step", ("Model.step", "naive")), ("clean", None), ("naive", None),
])
def test_reaches(module, name, chain):
    """Does `reaches` find the graded name's way to another function (and not to itself)?"""
    assert reaches(module, name, "naive") == chain


def test_missing_function(module):
    """Is a missing function None / LookupError?"""
    assert find_function(module, "nope") is None
    with pytest.raises(LookupError):
        loop_lines(module, "nope")
