"""The nbgrader gradebook, seen from the course's suites.

``reconcile`` makes every autograded test cell's score in the gradebook equal the points
the suite gives the submitted files when graded outside any notebook kernel. nbgrader
stays in charge of executing notebooks (for feedback and manual grading), but a kernel
that died, a deleted or edited test cell, or code that tampered with the kernel can
neither cost nor gain autograded points. ``write_grades`` exports ``grades.csv``.
"""

from __future__ import annotations

import csv
import warnings
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Correction:
    """A cell whose nbgrader score differed from the suite's."""

    student: str
    cell: str
    nbgrader: float | None  # None: the cell was never scored (notebook failed or cell gone)
    suite: float


def reconcile(db_url: str, hw: str, scores: dict[str, dict[str, float]]) -> list[Correction]:
    """Set each autograded cell's auto_score to the suite's points; return what changed.

    A student whose upload nbgrader could not use at all (no notebook where it looks)
    gets a submission in the gradebook here, so their code's points are not lost."""
    from nbgrader.api import Gradebook, MissingEntry

    corrections = []
    with Gradebook(db_url) as gb:
        for student, per_cell in sorted(scores.items()):
            try:
                submission = gb.find_submission(hw, student)
            except MissingEntry:  # nbgrader found no notebook to run: record the code's points
                gb.update_or_create_student(student)
                with warnings.catch_warnings():  # nbgrader's own use of SQLAlchemy warns
                    warnings.simplefilter("ignore")
                    submission = gb.add_submission(hw, student)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.cell.cell_type != "code" or grade.name not in per_cell:
                        continue
                    points = round(per_cell[grade.name], 6)
                    if grade.auto_score is None or abs(grade.auto_score - points) > 1e-6:
                        corrections.append(Correction(student, grade.name, grade.auto_score,
                                                      points))
                        grade.auto_score = points
                        grade.needs_manual_grade = False
            gb.db.commit()
    return corrections


def write_grades(db_url: str, hw: str, students: list[str], path: Path) -> list[dict[str, str]]:
    """``grades.csv``: one row per student (score, max, autograded part, manual pending)."""
    from nbgrader.api import Gradebook, MissingEntry

    rows = []
    with Gradebook(db_url) as gb:
        for student in students:
            row = {"assignment": hw, "student_id": student, "score": "", "max_score": "",
                   "auto_score": "", "needs_manual_grade": "not graded"}
            try:
                sub = gb.find_submission(hw, student)
            except MissingEntry:
                rows.append(row)
                continue
            auto = sum(g.auto_score or 0 for nb in sub.notebooks for g in nb.grades
                       if g.cell.cell_type == "code")
            row.update(score=f"{sub.score:g}", max_score=f"{sub.max_score:g}",
                       auto_score=f"{auto:g}", needs_manual_grade=str(sub.needs_manual_grade))
            rows.append(row)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)
    return rows
