"""The course's own assignments exported as a student would: reference notebooks run for
real in a kernel, then ``export_submission``."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.core.manifest import load_assignment
from autograder.core.paths import source_dir
from autograder.release.build import IGNORED, complete_notebooks
from utils.submit import SubmissionResult, export_submission

# A student's helper with a line longer than a code page's row, appended to the first
# module of each export: its page shows how a long line wraps.
LONG_CALL = ("    return step(x0, learning_rate=0.1, tol=1e-8, max_iters=10_000, momentum=0.9, "
             "nesterov=True, verbose=False)  # tuned by hand")
LONG_HELPER = ('\n\ndef tuned_run(step, x0):\n'
               '    """Run ``step`` from ``x0`` (D,) with the settings tuned by hand."""\n'
               f"{LONG_CALL}\n")


@dataclass
class CourseExport:
    """One assignment's executed folder and what its export wrote."""

    hw: str
    folder: Path
    result: SubmissionResult

    def notebook(self, name: str) -> nbformat.NotebookNode:
        return nbformat.read(self.folder / name, as_version=4)


def run_notebooks(folder: Path, names: list[str], short: bool = True) -> None:
    """Run each notebook top to bottom in a fresh kernel and save it; ``short`` runs them
    with nbgrader's short settings (the kernels inherit ``NBGRADER_EXECUTION``)."""
    previous = os.environ.pop("NBGRADER_EXECUTION", None)
    if short:
        os.environ["NBGRADER_EXECUTION"] = "autograde"
    try:
        for name in names:
            nb = nbformat.read(folder / name, as_version=4)
            NotebookClient(nb, kernel_name="python3", timeout=600,
                           resources={"metadata": {"path": str(folder)}}).execute()
            nbformat.write(nb, folder / name)
    finally:
        os.environ.pop("NBGRADER_EXECUTION", None)
        if previous is not None:
            os.environ["NBGRADER_EXECUTION"] = previous


def export_course_assignment(hw: str, workdir: Path, short: bool = True) -> CourseExport:
    """``hw``'s reference, completed as release completes it, with ``LONG_HELPER`` in its
    first module, run (``short``: nbgrader's short settings) and exported."""
    assignment = load_assignment(hw)
    folder = workdir / hw
    shutil.copytree(source_dir(hw), folder, ignore=IGNORED)
    first = folder / assignment.modules[0]
    first.write_text(first.read_text(encoding="utf-8") + LONG_HELPER, encoding="utf-8")
    complete_notebooks(assignment, folder)
    run_notebooks(folder, assignment.notebooks, short)
    result = export_submission(folder, workdir / "out", quiet=True,
                               manifest=json.loads(assignment.student_manifest()))
    return CourseExport(hw, folder, result)
