"""The written questions of a notebook and the figures they are answered from.

A written question is what nbgrader grades by hand: a cell marked "Manually graded answer"
(``grade`` and ``solution``) or "Manually graded task" (``task``), with its points. Its
prompt is the Markdown cell just above it ("**Question 2.** ..."). A figure belongs to a
question when its code cell carries the tag ``nndl-figure:<grade_id>`` (Jupyter's cell
tags; a cell may carry several).

Questions are numbered as on Gradescope's outline: one group per notebook that has any,
in the assignment's order, then one number per question: ``1.1, 1.2, 2.1, ...``. The
export prints this map on its cover with the pages each question is on, and ``course
outline`` prints the same numbers and points for the Gradescope assignment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

FIGURE_TAG = "nndl-figure:"
UNANSWERED = "YOUR ANSWER HERE"  # what nbgrader puts in a released answer cell
_LABEL = re.compile(r"^\s*(?:#+\s*)?\**\s*((?:Question|Exercise|Problem|Task)\s+[\w.]+?)\.?\s*\**"
                    r"(?=\s|$)", re.IGNORECASE | re.MULTILINE)
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_MARKUP = re.compile(r"[*`#>]+")
EXCERPT_CHARS = 70

Cell = Mapping[str, Any]


@dataclass(frozen=True)
class Figure:
    """A graded figure: a code cell whose images a question is answered from."""

    cell_id: str
    title: str  # the heading above the cell
    images: int  # images in the cell's saved outputs


@dataclass(frozen=True)
class Question:
    """A manually graded answer (or task) of one notebook."""

    notebook: str
    number: str  # "2.3": Gradescope-style, notebook group then question
    label: str  # "Question 3", or the answer cell's grade_id when the prompt has none
    grade_id: str
    points: float
    excerpt: str  # the start of the prompt, Markdown and TeX left out
    prompt_id: str | None  # the Markdown cell above the answer, when it is one
    answer_id: str
    answered: bool
    figures: tuple[Figure, ...] = field(default=())

    @property
    def title(self) -> str:
        """``"2.3 Question 3"``: how the cover and the PDF outline name it."""
        return f"{self.number} {self.label}"


def source_text(cell: Cell) -> str:
    """A cell's source as one string (saved notebooks may store a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _nbgrader(cell: Cell) -> Mapping[str, Any]:
    meta = cell.get("metadata")
    value = meta.get("nbgrader") if isinstance(meta, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def is_written_answer(cell: Cell) -> bool:
    """A cell nbgrader grades by hand: a manually graded answer or task."""
    meta = _nbgrader(cell)
    return bool(meta.get("grade") and meta.get("solution")) or bool(meta.get("task"))


def _points(cell: Cell) -> float:
    value = _nbgrader(cell).get("points", 0)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0.0
    return float(value) if value == value and value >= 0 else 0.0


def _tags(cell: Cell) -> list[str]:
    meta = cell.get("metadata")
    tags = meta.get("tags") if isinstance(meta, Mapping) else None
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def _image_count(cell: Cell) -> int:
    outputs = cell.get("outputs")
    if not isinstance(outputs, list):
        return 0
    return sum(1 for out in outputs if isinstance(out, Mapping)
               and isinstance(out.get("data"), Mapping)
               and any(k.startswith("image/") for k in out["data"]))


def plain_excerpt(markdown: str, limit: int = EXCERPT_CHARS) -> str:
    """The first words of ``markdown`` as plain text, cut before any math."""
    text = re.split(r"\$|\\\(|\\\[", markdown, maxsplit=1)[0]
    text = " ".join(_MARKUP.sub("", text).split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0]
    return text + ("\u2026" if text != " ".join(_MARKUP.sub("", markdown).split()) else "")


def _prompt(cells: Sequence[Cell], index: int) -> Cell | None:
    if index == 0:
        return None
    above = cells[index - 1]
    if above.get("cell_type") == "markdown" and not _nbgrader(above).get("grade"):
        return above
    return None


def _label(prompt: str, grade_id: str) -> tuple[str, str]:
    """``("Question 3", excerpt)`` from the prompt; the grade_id when no label is found."""
    match = _LABEL.search(prompt)
    if not match:
        tail = prompt
        return grade_id, plain_excerpt(tail)
    label = " ".join(match.group(1).split())
    return label[0].upper() + label[1:], plain_excerpt(prompt[match.end():])


def _titles_a_test(cells: Sequence[Cell], index: int) -> bool:
    """The Markdown cell at ``index`` heads an autograded test cell ("### Test: ...")."""
    below = cells[index + 1] if index + 1 < len(cells) else {}
    meta = _nbgrader(below)
    return bool(meta.get("grade")) and not meta.get("solution")


def _figures(cells: Sequence[Cell]) -> dict[str, list[Figure]]:
    """grade_id -> the figures tagged for it, in notebook order, each titled by the section
    heading above it (a heading over a test cell is not a section)."""
    found: dict[str, list[Figure]] = {}
    heading = ""
    for index, cell in enumerate(cells):
        if cell.get("cell_type") == "markdown" and not _titles_a_test(cells, index):
            headings = _HEADING.findall(source_text(cell))
            heading = _MARKUP.sub("", headings[-1]).strip() if headings else heading
        for tag in _tags(cell):
            if tag.startswith(FIGURE_TAG) and cell.get("cell_type") == "code":
                figure = Figure(cell_id=str(cell.get("id", "")), title=heading or "figure",
                                images=_image_count(cell))
                found.setdefault(tag[len(FIGURE_TAG):], []).append(figure)
    return found


def notebook_questions(cells: Sequence[Cell], notebook: str, group: int) -> list[Question]:
    """The written questions of one notebook, numbered ``group.1``, ``group.2``, ..."""
    figures = _figures(cells)
    questions: list[Question] = []
    for index, cell in enumerate(cells):
        if not is_written_answer(cell):
            continue
        grade_id = str(_nbgrader(cell).get("grade_id", "") or f"cell {index + 1}")
        prompt = _prompt(cells, index)
        label, excerpt = _label(source_text(prompt) if prompt else "", grade_id)
        answer = source_text(cell).strip()
        questions.append(Question(
            notebook=notebook, number=f"{group}.{len(questions) + 1}", label=label,
            grade_id=grade_id, points=_points(cell), excerpt=excerpt,
            prompt_id=str(prompt.get("id", "")) if prompt else None,
            answer_id=str(cell.get("id", "")), answered=bool(answer) and answer != UNANSWERED,
            figures=tuple(figures.get(grade_id, ()))))
    return questions


def assignment_questions(notebooks: Sequence[tuple[str, Sequence[Cell]]]) -> list[Question]:
    """Every written question of the notebooks ``(name, cells)``, numbered in order."""
    questions: list[Question] = []
    group = 0
    for name, cells in notebooks:
        found = notebook_questions(cells, name, group + 1)
        if found:
            group += 1
            questions += found
    return questions
