"""The autograded test cells of an assignment's source notebooks (grade_id -> points)."""

from __future__ import annotations

from pathlib import Path

import nbformat


def autograded_cells(notebook: Path) -> dict[str, float]:
    """grade_id -> points for every autograded test cell (grade, not solution) of a notebook."""
    nb = nbformat.read(notebook, as_version=4)
    cells = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
            cells[meta["grade_id"]] = float(meta.get("points", 0))
    return cells
