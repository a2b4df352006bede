"""``course outline <hw> [--json]``: the written questions and their points, for Gradescope.

Gradescope grades the PDF in a "Homework / Problem Set" assignment whose outline lists the
questions with their points; students then select the pages of each question. This prints
that outline in the order and with the numbers the students' PDF uses on its cover (one
group per notebook, ``1.1, 1.2, ...``: ``utils.submit.questions``), read from the source
notebooks' manually graded cells. ``--json`` writes the same as the ``question_data`` of
Gradescope's outline editor (``title``, ``weight`` = points, ``children``).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from autograder.core.manifest import Assignment, load_assignment
from autograder.core.paths import CourseError, source_dir

# utils.submit is imported when the command runs: the Gradescope runtime (numpy only, no
# utils.submit) imports every command module to list the commands.
if TYPE_CHECKING:
    from utils.submit.questions import Question


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    p = sub.add_parser(name, help="print the written questions and points for Gradescope's "
                                  "outline")
    p.add_argument("assignment", metavar="HW")
    p.add_argument("--json", action="store_true",
                   help="print Gradescope's outline data (question_data) as JSON")


def questions_of(assignment: Assignment) -> list[Question]:
    """The written questions of the assignment's source notebooks, numbered as on the PDF."""
    from utils.submit.preflight import read_notebook
    from utils.submit.questions import assignment_questions

    folder = source_dir(assignment.id)
    cells = []
    for name in assignment.notebooks:
        try:
            cells.append((name, read_notebook(folder / name)["cells"]))
        except ValueError as exc:
            raise CourseError(str(exc)) from None
    return assignment_questions(cells)


def _groups(questions: list[Question]) -> list[tuple[str, str, list[Question]]]:
    """``(number, notebook, questions)`` per group, in order."""
    groups: list[tuple[str, str, list[Question]]] = []
    for question in questions:
        number = question.number.split(".")[0]
        if not groups or groups[-1][0] != number:
            groups.append((number, question.notebook, []))
        groups[-1][2].append(question)
    return groups


def outline_data(questions: list[Question]) -> list[dict[str, Any]]:
    """Gradescope's ``question_data``: one group per notebook, its questions as children."""
    return [{"title": notebook, "weight": sum(q.points for q in group),
             "children": [{"title": q.label, "weight": q.points} for q in group]}
            for _, notebook, group in _groups(questions)]


def outline_text(assignment: Assignment, questions: list[Question]) -> str:
    total = sum(q.points for q in questions)
    lines = [f"{assignment.title} ({assignment.id}): outline of the PDF assignment on "
             "Gradescope (Homework / Problem Set)",
             f"{len(questions)} written questions, {total:g} points; students select the "
             "pages of each (the cover of their PDF lists them).", ""]
    width = max((len(q.label) for q in questions), default=8)
    ids = max((len(q.grade_id) for q in questions), default=8)
    for number, notebook, group in _groups(questions):
        lines.append(f"{number:<7} {notebook:<{width + ids + 2}} "
                     f"{sum(q.points for q in group):>5g}")
        for q in group:
            figures = f"  + figure: {'; '.join(f.title for f in q.figures)}" if q.figures else ""
            lines.append(f"  {q.number:<5} {q.label:<{width}}  {q.grade_id:<{ids}} "
                         f"{q.points:>5g}  {q.excerpt}{figures}")
    lines += ["", f"Autograded code: {assignment.points:g} points in the programming "
              f"assignment (course gradescope {assignment.id})."]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    assignment = load_assignment(args.assignment)
    questions = questions_of(assignment)
    if args.json:
        print(json.dumps({"assignment": assignment.id, "title": assignment.title,
                          "question_data": outline_data(questions)}, indent=2))
    else:
        print(outline_text(assignment, questions))
    return 0
