"""A completed student's copy of a bundled assignment: the reference code filled in.

Modules come from ``source/<hw>`` (their solution markers are comments, so the reference
runs as it is); each solution cell of the bundled notebooks gets the source cell with the
same nbgrader ``grade_id``, markers removed (``unwrap_solutions``). Everything else (the
set-up cell, the public checks) stays exactly as the bundle ships it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from autograder.manifest import load_assignment
from autograder.paths import source_dir
from autograder.release.strip import unwrap_solutions


def _grade_id(cell: nbformat.NotebookNode) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def complete(bundle_folder: Path, dest: Path) -> Path:
    """Copy ``bundle_folder`` to ``dest`` with the reference modules and answers filled in."""
    hw = bundle_folder.name
    shutil.copytree(bundle_folder, dest)
    source = source_dir(hw)
    for module in load_assignment(hw).modules:
        shutil.copyfile(source / module, dest / module)
    for path in sorted(dest.glob("*.ipynb")):
        answers = {_grade_id(c): c.source
                   for c in nbformat.read(source / path.name, as_version=4).cells
                   if c.get("metadata", {}).get("nbgrader", {}).get("solution")}
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if _grade_id(cell) in answers:
                cell.source = unwrap_solutions(answers[_grade_id(cell)], path.name)
        nbformat.write(nb, path)
    return dest
