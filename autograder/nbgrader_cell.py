"""The bridge called from the hidden part of a notebook's autograded test cell.

    ### BEGIN HIDDEN TESTS
    from autograder.nbgrader_cell import grade_cell
    grade_cell("hw1_softmax", "test_softmax_loss_naive")
    ### END HIDDEN TESTS

It grades the submission in the notebook's folder with the suite tests mapped to that
cell, prints a short report to stdout and returns the points earned; being the cell's last
expression, that number is what nbgrader records (partial credit, in points). Nothing
reaches stderr, since nbgrader gives zero to a test cell that writes there.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import warnings
from pathlib import Path

from autograder import report, runner

_CACHE: dict[str, runner.LoadedSuite] = {}


def grade_cell(hw: str, cell: str, submission: str | os.PathLike[str] | None = None) -> float:
    """Points earned by the submission (default: the current folder) on ``cell``'s tests."""
    captured = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stderr(captured):
        warnings.simplefilter("ignore")
        try:
            suite = _CACHE.get(hw) or runner.load(hw)
            _CACHE[hw] = suite
            result = runner.grade(suite, Path(submission or os.getcwd()), cell=cell)
        except Exception as exc:  # noqa: BLE001 - report in the cell, never on stderr
            print(f"The grader could not run ({type(exc).__name__}: {exc}); "
                  "please tell the course staff.", file=sys.stdout)
            return 0.0
    if not result.results:
        print(f"No graded tests are mapped to cell {cell!r}; please tell the course staff.")
        return 0.0
    print(report.cell_summary(result))
    return result.score
