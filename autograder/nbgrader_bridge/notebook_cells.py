"""Reading notebooks' nbgrader cells: the autograded test cells of a source notebook, and
whether nbgrader can take a submitted one.

Imported by the ``course`` command, which also runs where only the grading runtime
(numpy) is installed, as on Gradescope: nbformat is imported where it is used.
"""

from __future__ import annotations

import json
from pathlib import Path


def autograded_cells(notebook: Path) -> dict[str, float]:
    """grade_id -> points for every autograded test cell (grade, not solution) of a notebook."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    cells = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
            cells[meta["grade_id"]] = float(meta.get("points", 0))
    return cells


def unrunnable(folder: Path, notebooks: list[str]) -> str | None:
    """Why nbgrader must not be given this submission's notebooks, or None.

    nbgrader 0.9 stops the whole run, for every student after this one too, on a notebook
    in nbformat 3, with nbgrader metadata older than schema 3, or holding one graded cell
    twice (a copied or split cell); such a submission is kept out of nbgrader (its code is
    graded all the same)."""
    for name in notebooks:
        path = folder / name
        if not path.is_file():
            continue
        try:
            problem = _problem(json.loads(path.read_text(encoding="utf-8")), name)
        except (OSError, UnicodeDecodeError, ValueError, TypeError, AttributeError,
                RecursionError, MemoryError) as exc:
            return f"{name} is not a readable notebook ({type(exc).__name__})"
        if problem:
            return problem
    return None


def _problem(nb: object, name: str) -> str | None:
    if not isinstance(nb, dict) or not isinstance(nb.get("nbformat", 0), int) \
            or nb.get("nbformat", 0) < 4 or not isinstance(nb.get("cells", []), list):
        return f"{name} is saved in an old notebook format (nbformat < 4)"
    ids: set[str] = set()
    for cell in nb.get("cells", []):
        metadata = cell.get("metadata", {}) if isinstance(cell, dict) else None
        meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
        if not isinstance(meta, dict):
            continue
        schema = meta.get("schema_version", 3)
        if not isinstance(schema, int) or schema < 3:
            return f"{name} holds nbgrader metadata of an old schema"
        grade_id = meta.get("grade_id")
        if not isinstance(grade_id, str | None):
            return f"{name} holds a graded cell with a malformed id"
        if grade_id and grade_id in ids:
            return f"{name} holds the graded cell {grade_id!r:.60} twice (copied or split)"
        ids.add(grade_id)
    return None
