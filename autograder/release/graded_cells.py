"""A notebook's autograded test cells, completed from the suite when it is released.

Points are typed once, in the suite's ``@graded(points=..., cell=...)``. In a source
notebook an autograded test cell (nbgrader's "Autograder tests", points left at 0) holds
only its public checks, below a markdown cell whose first line is its heading:

    ### Test: `softmax_loss_naive`

Release gives the cell the sum of its tests' points (nbgrader metadata), ends the heading
with " (N points)", and appends the hidden block through which nbgrader grades the cell
with the suite:

    ### BEGIN HIDDEN TESTS
    from autograder.nbgrader_cell import grade_cell

    grade_cell("hw1_softmax", "test_softmax_loss_naive")
    ### END HIDDEN TESTS
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from autograder.paths import CourseError
from autograder.suite import GradedTest

HIDDEN_BLOCK = ('### BEGIN HIDDEN TESTS\nfrom autograder.nbgrader_cell import grade_cell\n\n'
                'grade_cell("{hw}", "{cell}")\n### END HIDDEN TESTS')
_HEADING = re.compile(r"^(?P<title>#{1,6}\s.*?)(?:\s*\(\d+(?:\.\d+)?\s+points?\))?\s*$")


def points_per_cell(tests: Iterable[GradedTest]) -> dict[str, float]:
    """nbgrader cell (grade_id) -> the sum of its tests' points."""
    cells: dict[str, float] = {}
    for test in tests:
        cells[test.cell] = round(cells.get(test.cell, 0.0) + test.points, 6)
    return cells


def points_text(points: float) -> str:
    return f"{points:g} point{'' if points == 1 else 's'}"


def is_autograded(cell: Any) -> bool:
    """An nbgrader autograded test cell: a code cell that is graded but not a solution."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return (cell.get("cell_type") == "code" and bool(meta.get("grade"))
            and not meta.get("solution"))


def autograded_ids(nb: Any) -> list[str]:
    return [cell["metadata"]["nbgrader"]["grade_id"] for cell in nb.cells if is_autograded(cell)]


def with_points(heading: str, points: float) -> str | None:
    """``heading`` (a markdown heading line) ending in "(N points)"; None if not a heading."""
    match = _HEADING.match(heading)
    return f"{match['title']} ({points_text(points)})" if match else None


def fill_graded_cells(nb: Any, hw: str, points: dict[str, float], where: str) -> None:
    """Complete ``nb``'s autograded test cells in place from ``points`` (grade_id -> points);
    raises ``CourseError`` naming ``where`` (the notebook) and the cell when the source
    does not follow the rules above."""
    for index, cell in enumerate(nb.cells):
        if not is_autograded(cell):
            continue
        meta = cell.metadata["nbgrader"]
        grade_id = meta.get("grade_id", "")
        problem = f"{where}, autograded cell {grade_id!r}"
        if grade_id not in points:
            raise CourseError(f"{problem}: no @graded test of the suite names cell="
                              f"{grade_id!r}")
        if meta.get("points", 0):
            raise CourseError(f"{problem}: leave its points at 0; release writes the "
                              f"suite's {points[grade_id]:g}")
        if "### BEGIN HIDDEN TESTS" in cell.source:
            raise CourseError(f"{problem}: remove its hidden tests; release appends the block "
                              "that grades it with the suite")
        above = nb.cells[index - 1] if index else None
        lines = above.source.split("\n") if above is not None else []
        heading = (with_points(lines[0], points[grade_id])
                   if above is not None and above.cell_type == "markdown" else None)
        if heading is None:
            raise CourseError(f"{problem}: put a markdown cell whose first line is a heading "
                              "(### Test: ...) right above it")
        above.source = "\n".join([heading, *lines[1:]])
        value = points[grade_id]
        meta["points"] = int(value) if value == int(value) else value
        cell.source = (cell.source.rstrip("\n") + "\n\n"
                       + HIDDEN_BLOCK.format(hw=hw, cell=grade_id))
