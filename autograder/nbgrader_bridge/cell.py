"""The bridge called from the hidden part of a notebook's autograded test cell.

    ### BEGIN HIDDEN TESTS
    from autograder.nbgrader_bridge.cell import grade_cell
    grade_cell("hw1_softmax", "test_softmax_loss_naive")
    ### END HIDDEN TESTS

It prints a short report of the suite tests mapped to that cell to stdout and returns the
points earned; being the cell's last expression, that number is what nbgrader records
(partial credit, in points). Nothing reaches stderr, since nbgrader gives zero to a test
cell that writes there.

Under ``course autograde`` the kernel is confined (``autograder.nbgrader_bridge.kernel``) and
cannot see the suite: it receives the results computed beforehand, outside any kernel,
and shows those. Elsewhere (an instructor running a source notebook) the submission in
the notebook's folder is graded on the spot.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import warnings
from pathlib import Path

from autograder.grading import report, runner
from autograder.nbgrader_bridge.kernel import RESULTS

_CACHE: dict[str, runner.LoadedSuite] = {}


def grade_cell(hw: str, cell: str, submission: str | os.PathLike[str] | None = None) -> float:
    """Points earned by the submission (default: the current folder) on ``cell``'s tests."""
    if RESULTS in os.environ and submission is None:
        return _precomputed(cell)
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


def _precomputed(cell: str) -> float:
    try:
        entry = json.loads(os.environ[RESULTS])[cell]
        points, summary = float(entry["points"]), str(entry["summary"])
    except (ValueError, KeyError, TypeError):
        print(f"No results for cell {cell!r}; your points come from the grader's own run.")
        return 0.0
    print(summary)
    return points
