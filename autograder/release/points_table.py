"""The points column of the README's assignment table, derived on every `course release`.

The table follows the line ``MARKER``; each row starts with an assignment id in backticks
and ends with its points: the suite's total and the written (manually graded) points of
its notebooks, e.g. ``50 + 16 written``. Release rewrites that last cell, and adds a row
for an assignment that has none; the other cells are the instructors' prose.
"""

from __future__ import annotations

import re
from pathlib import Path

from autograder.manifest import Assignment

MARKER = "<!-- the points column is written by `course release` -->"
_ROW = re.compile(r"^\|\s*`(?P<hw>[^`]+)`\s*\|.*\|\s*$")


def manual_points(notebook: Path) -> float:
    """Points of a notebook's manually graded cells (answers and tasks)."""
    import nbformat

    total = 0.0
    for cell in nbformat.read(notebook, as_version=4).cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if (meta.get("grade") and meta.get("solution")) or meta.get("task"):
            total += float(meta.get("points", 0))
    return total


def points_cell(assignment: Assignment, source: Path) -> str:
    written = sum(manual_points(source / nb) for nb in assignment.notebooks)
    return f"{assignment.points:g} + {written:g} written" if written else f"{assignment.points:g}"


def _new_row(assignment: Assignment, points: str) -> str:
    modules = ", ".join(f"`{m}`" for m in assignment.modules)
    notebooks = ", ".join(f"`{n.removesuffix('.ipynb')}`" for n in assignment.notebooks)
    return f"| `{assignment.id}` | {modules} | {notebooks} | {points} |"


def with_points(readme: str, rows: dict[str, tuple[Assignment, str]]) -> str:
    """``readme`` with the points of ``rows`` (id -> (assignment, points cell)) written into
    the table after ``MARKER``; unchanged when there is no marker."""
    lines = readme.split("\n")
    if MARKER not in lines:
        return readme
    index = lines.index(MARKER) + 1
    seen = set()
    while index < len(lines) and lines[index].startswith("|"):
        match = _ROW.match(lines[index])
        if match and match["hw"] in rows:
            cells = lines[index].rstrip().rstrip("|").split("|")
            cells[-1] = f" {rows[match['hw']][1]} "
            lines[index] = "|".join(cells) + "|"
            seen.add(match["hw"])
        index += 1
    new = [_new_row(a, points) for hw, (a, points) in sorted(rows.items()) if hw not in seen]
    lines[index:index] = new
    return "\n".join(lines)
