"""Which pages of the exported PDF hold each written question and its figures.

Before a notebook is printed, ``marks`` tells ``page_marks.js`` where to put anchors: the
start of each question's prompt, the end of its answer, each image of its figures (and,
with page breaks on, which cells start and end a page). After printing, the part's named
destinations say on which of its pages each anchor landed; ``place`` turns that into page
numbers of the merged PDF, for the cover, the outline and Gradescope.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from utils.submit.pdf import Bookmark, Part
from utils.submit.questions import Figure, Question


@dataclass(frozen=True)
class PlacedQuestion:
    """A question with the 1-based pages of the merged PDF it is printed on."""

    question: Question
    answer_pages: tuple[int, ...]  # from the prompt's first line to the answer's last
    figures: tuple[tuple[Figure, tuple[int, ...]], ...] = field(default=())

    @property
    def pages(self) -> tuple[int, ...]:
        """Every page to select for this question on Gradescope: figures and answer."""
        found = set(self.answer_pages)
        for _, pages in self.figures:
            found.update(pages)
        return tuple(sorted(found))


def _key(question: Question) -> str:
    return "nndl-q" + question.number.replace(".", "_")


def marks(questions: Sequence[Question], page_breaks: bool,
          last_shown: str | None) -> dict[str, Any]:
    """The anchors and page breaks ``page_marks.js`` places for one notebook's questions;
    ``last_shown`` is the id of the notebook's last printed cell (no page break after it)."""
    spec: dict[str, list[Any]] = {"starts": [], "ends": [], "images": [], "fresh": [],
                                  "close": []}
    for question in questions:
        key = _key(question)
        first = question.prompt_id or question.answer_id
        spec["starts"].append([first, f"{key}-start"])
        spec["ends"].append([question.answer_id, f"{key}-end"])
        spec["images"] += [[figure.cell_id, f"{key}-fig{j}"]
                           for j, figure in enumerate(question.figures)]
        if page_breaks:
            spec["fresh"].append(first)
            if question.answer_id != last_shown:
                spec["close"].append(question.answer_id)
    return spec


def place(questions: Iterable[Question], part: Part, first_page: int) -> list[PlacedQuestion]:
    """The pages of ``questions``, printed in ``part``, whose first page is ``first_page``
    (1-based) of the merged PDF. An anchor the browser could not place (its cell was not
    printed) leaves that page out."""
    def pages(*names: str) -> list[int]:
        return [first_page + part.anchors[name] for name in names if name in part.anchors]

    placed = []
    for question in questions:
        key = _key(question)
        ends = pages(f"{key}-start", f"{key}-end")
        answer = tuple(range(min(ends), max(ends) + 1)) if ends else ()
        figures = []
        for j, figure in enumerate(question.figures):
            images = pages(*(f"{key}-fig{j}-{k}" for k in range(figure.images)))
            figures.append((figure, tuple(sorted(set(images)))))
        placed.append(PlacedQuestion(question, answer, tuple(figures)))
    return placed


def page_list(pages: Sequence[int]) -> str:
    """``[9, 12, 13, 14]`` -> ``"9, 12-14"`` (with an en dash)."""
    runs: list[list[int]] = []
    for page in sorted(set(pages)):
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}\u2013{r[-1]}" for r in runs)


def points_text(points: float) -> str:
    """``2`` -> ``"2 points"``, ``1`` -> ``"1 point"``, ``1.5`` -> ``"1.5 points"``."""
    return f"{points:g} point{'' if points == 1 else 's'}"


def bookmarks(placed: Sequence[PlacedQuestion], title: str) -> list[Bookmark]:
    """One outline entry (pointing at the cover, where the map is) holding each question
    (at its first page) and, below it, its figures; empty when there are no questions."""
    if not placed:
        return []
    items = []
    for item in placed:
        question = item.question
        if not item.answer_pages:
            continue
        figures = [Bookmark(f"figure: {figure.title}", pages[0] - 1)
                   for figure, pages in item.figures if pages]
        items.append(Bookmark(f"{question.title} ({points_text(question.points)}, "
                              f"{question.notebook})", item.answer_pages[0] - 1, figures))
    return [Bookmark(title, 0, items)] if items else []
