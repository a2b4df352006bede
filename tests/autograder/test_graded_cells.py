"""Completing a notebook's autograded cells from the suite (autograder.release.graded_cells)."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.paths import CourseError
from autograder.release.graded_cells import HIDDEN_BLOCK, fill_graded_cells, points_per_cell
from autograder.suite import GradedTest


def graded_cell(grade_id: str, points: float = 0, source: str = "check()") -> nbformat.NotebookNode:
    return new_code_cell(source, metadata={"nbgrader": {
        "grade": True, "grade_id": grade_id, "locked": True, "points": points,
        "schema_version": 3, "solution": False, "task": False}})


def notebook(*cells) -> nbformat.NotebookNode:
    return new_notebook(cells=list(cells))


def test_points_per_cell_sums_the_tests_of_each_cell():
    """Does each cell get the sum of the points of the tests that name it?"""
    tests = [GradedTest(f"t{i}", "", points, cell, (), "visible", print)
             for i, (points, cell) in enumerate([(2, "a"), (3.5, "a"), (1, "b")])]
    assert points_per_cell(tests) == {"a": 5.5, "b": 1.0}


@pytest.mark.parametrize(("heading", "points", "expected"), [
    ("### Test: `f`", 10.0, "### Test: `f` (10 points)"),
    ("### Test: `f` (7 points)", 3.0, "### Test: `f` (3 points)"),
    ("## Part B (2.5 points)", 1.0, "## Part B (1 point)"),
    ("### Test: `f`", 2.5, "### Test: `f` (2.5 points)"),
])
def test_fill_writes_points_heading_and_hidden_block(heading, points, expected):
    """Does release write the cell's points, the heading's "(N points)" and the block that
    grades the cell with the suite, keeping the public checks?"""
    nb = notebook(new_markdown_cell(f"{heading}\n\nWhat it checks."), graded_cell("test_f"))
    fill_graded_cells(nb, "hw9", {"test_f": points}, "nb.ipynb")
    assert nb.cells[0].source == f"{expected}\n\nWhat it checks."
    meta = nb.cells[1].metadata["nbgrader"]
    assert meta["points"] == points and isinstance(meta["points"], int) == points.is_integer()
    assert nb.cells[1].source == "check()\n\n" + HIDDEN_BLOCK.format(hw="hw9", cell="test_f")
    assert 'grade_cell("hw9", "test_f")' in nb.cells[1].source


@pytest.mark.parametrize(("cells", "points", "message"), [
    ([new_markdown_cell("### T"), graded_cell("test_f", points=10)], {"test_f": 10},
     "leave its points at 0"),
    ([new_markdown_cell("### T"), graded_cell("test_g")], {"test_f": 10}, "no @graded test"),
    ([new_markdown_cell("Some prose"), graded_cell("test_f")], {"test_f": 1}, "heading"),
    ([graded_cell("test_f")], {"test_f": 1}, "heading"),
    ([new_markdown_cell("### T"), graded_cell("test_f", source="x\n### BEGIN HIDDEN TESTS\ny\n"
                                                              "### END HIDDEN TESTS")],
     {"test_f": 1}, "remove its hidden tests"),
])
def test_fill_refuses_a_cell_that_breaks_the_rules(cells, points, message):
    """Does release refuse, naming the notebook and the cell, a source cell with points of
    its own, without suite tests, without a heading above it, or with hidden tests?"""
    with pytest.raises(CourseError, match=message) as info:
        fill_graded_cells(notebook(*cells), "hw9", points, "source/hw9/nb.ipynb")
    assert "source/hw9/nb.ipynb" in str(info.value)


def test_fill_leaves_other_cells_alone():
    """Are solution cells, manually graded answers and plain cells untouched?"""
    answer = new_markdown_cell("### BEGIN SOLUTION\nx\n### END SOLUTION", metadata={"nbgrader": {
        "grade": True, "solution": True, "grade_id": "q", "points": 2, "locked": False,
        "schema_version": 3, "task": False}})
    plain = new_code_cell("1 + 1")
    nb = notebook(new_markdown_cell("# Title"), plain, answer)
    before = nbformat.writes(nb)
    fill_graded_cells(nb, "hw9", {}, "nb.ipynb")
    assert nbformat.writes(nb) == before
