"""The course's own assignments exported as a student would: reference notebooks run for
real in a kernel (nbgrader's short settings), then ``export_submission``."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.manifest import load_assignment
from autograder.paths import source_dir
from autograder.release.build import IGNORED, complete_notebooks
from utils.submit import SubmissionResult, export_submission


@dataclass
class CourseExport:
    """One assignment's executed folder and what its export wrote."""

    hw: str
    folder: Path
    result: SubmissionResult

    def notebook(self, name: str) -> nbformat.NotebookNode:
        return nbformat.read(self.folder / name, as_version=4)


def run_notebooks(folder: Path, names: list[str]) -> None:
    """Run each notebook top to bottom in a fresh kernel (short settings) and save it."""
    previous = os.environ.get("NBGRADER_EXECUTION")
    os.environ["NBGRADER_EXECUTION"] = "autograde"  # the kernels inherit it: short runs
    try:
        for name in names:
            nb = nbformat.read(folder / name, as_version=4)
            NotebookClient(nb, kernel_name="python3", timeout=300,
                           resources={"metadata": {"path": str(folder)}}).execute()
            nbformat.write(nb, folder / name)
    finally:
        if previous is None:
            os.environ.pop("NBGRADER_EXECUTION")
        else:
            os.environ["NBGRADER_EXECUTION"] = previous


def export_course_assignment(hw: str, workdir: Path) -> CourseExport:
    """``hw``'s reference, completed as release completes it, run, and exported."""
    assignment = load_assignment(hw)
    folder = workdir / hw
    shutil.copytree(source_dir(hw), folder, ignore=IGNORED)
    complete_notebooks(assignment, folder)
    run_notebooks(folder, assignment.notebooks)
    result = export_submission(folder, workdir / "out", quiet=True,
                               manifest=json.loads(assignment.student_manifest()))
    return CourseExport(hw, folder, result)
