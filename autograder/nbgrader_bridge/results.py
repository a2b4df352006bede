"""nbgrader's autograde without running a notebook: the suite's results in its test cells.

``course autograde`` (without ``--execute``) gives nbgrader this preprocessor in place of
``Execute``. The notebook keeps the outputs the student saved (within
``autograder.nbgrader_bridge.outputs``'s bounds), and each autograded test cell shows what the
suite found in the student's code, computed beforehand outside nbgrader
(``COURSE_PRECOMPUTED``): its summary as printed text and its points as the cell's
result, which nbgrader records as partial credit. No student code runs in nbgrader's
process or in a kernel.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.nbgrader_bridge.kernel import PRECOMPUTED
from autograder.nbgrader_bridge.outputs import OutputBudget

MISSING = "No results for this cell: your points come from the grader's own run."


def results_of(student: str) -> dict[str, Any]:
    """cell -> {"points", "summary"} for ``student`` ({} when there are none)."""
    folder = os.environ.get(PRECOMPUTED, "")
    path = Path(folder) / f"{student}.json"
    if not folder or not path.is_file():
        return {}
    data = json.loads(path.read_text())
    return data if isinstance(data, dict) else {}


def test_cell_outputs(entry: Any) -> list:
    """What an autograded test cell shows: the suite's summary, then its points."""
    try:
        points, summary = float(entry["points"]), str(entry["summary"])
    except (KeyError, TypeError, ValueError):
        points, summary = 0.0, MISSING
    return [nbformat.v4.new_output("stream", name="stdout", text=summary + "\n"),
            nbformat.v4.new_output("execute_result", data={"text/plain": f"{points:g}"},
                                   execution_count=None)]


def is_autograded(cell: Any) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) \
        and not meta.get("solution")


class SuiteResults(NbGraderPreprocessor):
    """In place of ``Execute``: the student's saved outputs (bounded), and the suite's
    results in every autograded test cell."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        results = results_of(resources["nbgrader"]["student"])
        budget = OutputBudget()
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if is_autograded(cell):
                grade_id = cell.metadata["nbgrader"].get("grade_id")
                cell.outputs = test_cell_outputs(results.get(grade_id))
            else:
                cell.outputs = budget.keep(index, cell.get("outputs", []))
        return nb, resources
