"""Tests of stripping solution regions from released .py modules."""

from __future__ import annotations

import ast

import pytest

from autograder.release.strip import StripError, has_markers, strip_solutions, unwrap_solutions

SOURCE = '''\
import numpy as np


def double(x):
    """Return 2x."""
    y = None
    ### BEGIN SOLUTION
    y = 2 * x
    secret_value = 42
    ### END SOLUTION
    return y


class Model:
    def predict(self, X):
        ### BEGIN SOLUTION
        return X.argmax(axis=1)
        ### END SOLUTION

### BEGIN HIDDEN TESTS
assert double(2) == 4
### END HIDDEN TESTS
'''


def test_solution_becomes_a_named_stub():
    """Is each solution region replaced by a NotImplementedError naming its function?"""
    out = strip_solutions(SOURCE)
    assert "secret_value" not in out and "argmax" not in out
    assert 'raise NotImplementedError("double is not implemented yet")' in out
    assert 'raise NotImplementedError("predict is not implemented yet")' in out
    assert out.count("# YOUR CODE HERE") == 2
    ast.parse(out)  # still valid Python


def test_hidden_tests_are_removed_entirely():
    """Does a hidden-test region leave no trace?"""
    out = strip_solutions(SOURCE)
    assert "assert double" not in out
    assert not has_markers(out)


def test_stub_keeps_indentation_and_surrounding_code():
    """Does the stub sit at the region's indentation, with given code kept around it?"""
    lines = strip_solutions(SOURCE).splitlines()
    i = lines.index("    # YOUR CODE HERE")
    assert lines[i - 1] == "    y = None"
    assert lines[i + 2] == "    return y"


def test_stripped_stub_raises_when_called():
    """Does calling a stripped function raise NotImplementedError?"""
    namespace: dict = {}
    exec(compile(strip_solutions(SOURCE), "m.py", "exec"), namespace)
    with pytest.raises(NotImplementedError, match="double"):
        namespace["double"](3)


@pytest.mark.parametrize("text, problem", [
    ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("x = 1\n### END SOLUTION\n", "without a matching BEGIN"),
    ("### BEGIN SOLUTION\n### BEGIN HIDDEN TESTS\n", "inside the SOLUTION region"),
    ("### BEGIN HIDDEN TESTS\n### END SOLUTION\n", "without a matching BEGIN"),
])
def test_unbalanced_markers_name_file_and_line(text, problem):
    """Do malformed regions raise StripError with the file, line and problem?"""
    with pytest.raises(StripError, match=problem) as info:
        strip_solutions(text, "mod.py")
    assert str(info.value).startswith("mod.py:")


def test_text_without_markers_is_unchanged():
    """Is a module with no regions returned byte for byte?"""
    text = "def f():\n    return 1  # BEGIN SOLUTION in a comment is not a marker\n"
    assert strip_solutions(text) == text


def test_unwrap_keeps_solution_code_and_drops_hidden_tests():
    """Does unwrapping keep the solutions' code, drop hidden tests and every marker?"""
    out = unwrap_solutions(SOURCE)
    assert "secret_value = 42" in out and "return X.argmax(axis=1)" in out
    assert "assert double" not in out
    assert not has_markers(out)
    namespace: dict = {}
    exec(compile(out, "m.py", "exec"), namespace)
    assert namespace["double"](3) == 6


def test_unwrap_checks_balance_too():
    """Does unwrapping refuse unbalanced markers like stripping does?"""
    with pytest.raises(StripError, match="never closed"):
        unwrap_solutions("### BEGIN SOLUTION\n", "m.py")
