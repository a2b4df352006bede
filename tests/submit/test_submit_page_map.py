"""The question -> page map of the course's four assignments, read back from their PDFs.

Each assignment's reference notebooks run for real and are exported as a student exports
them. The written questions expected are read from the notebooks' nbgrader metadata here
(not through ``utils.submit.questions``); where each one really is comes from the text of
the PDF's pages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pytest
from course_exports import LONG_CALL, CourseExport, export_course_assignment
from pypdf import PdfReader
from submit_fixtures import outline_tree, squeeze
from wrap_check import bad_cuts, cut_offsets, token_spans

from autograder.core.manifest import load_assignment
from autograder.core.paths import all_assignments
from utils.submit.code_wrap import CONT_MARK
from utils.submit.title_page import MAP_TITLE

pytestmark = pytest.mark.slow
ASSIGNMENTS = all_assignments()
_SPAN = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|\\\(.*?\\\)|\\\[.*?\\\]", re.DOTALL)
_LABEL = re.compile(r"Question \d+")


@pytest.fixture(scope="module")
def course_export(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], CourseExport]:
    """Export an assignment once (on first use) for every test of this module."""
    done: dict[str, CourseExport] = {}

    def get(hw: str) -> CourseExport:
        if hw not in done:
            done[hw] = export_course_assignment(hw, tmp_path_factory.mktemp(hw))
        return done[hw]

    return get


def texts_of(export: CourseExport) -> list[str]:
    """Each page's text, ligatures (the PDF's "ﬁ") spelled out."""
    reader = PdfReader(export.result.pdf_path)
    return [unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages]


def written_questions(export: CourseExport) -> list[tuple[str, str, float, str, str]]:
    """``(notebook, grade_id, points, prompt, answer)`` of each manually graded cell, in
    the assignment's order."""
    found = []
    for name in load_assignment(export.hw).notebooks:
        cells = export.notebook(name).cells
        for index, cell in enumerate(cells):
            meta = cell.metadata.get("nbgrader", {})
            if (meta.get("grade") and meta.get("solution")) or meta.get("task"):
                found.append((name, meta["grade_id"], float(meta.get("points", 0)),
                              cells[index - 1].source, cell.source))
    return found


def word_runs(markdown: str) -> list[list[str]]:
    """Runs of plain words in ``markdown``, split wherever math or code is printed
    between them (solution markers and Markdown emphasis left out)."""
    text = "\n".join(line for line in markdown.splitlines() if not line.startswith("### "))
    runs = []
    for segment in _SPAN.split(text):
        words = re.sub(r"[*_]", "", segment).split()
        run: list[str] = []
        for word in words:
            if re.fullmatch(r"[A-Za-z][A-Za-z-]*[.,;:]?", word):
                run.append(word)
            else:
                runs.append(run)
                run = []
        runs.append(run)
    return [run for run in runs if run]


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_every_written_question_is_mapped_to_the_page_it_is_on(course_export, hw):
    """Does the map hold every written question in order with its points, its first page
    holding the prompt's label and opening words, its last page the answer's closing
    words, and each of its figure pages an image?"""
    export = course_export(hw)
    expected = written_questions(export)
    placed = export.result.questions
    assert expected
    assert [(q.question.notebook, q.question.grade_id, q.question.points) for q in placed] \
        == [(name, grade_id, points) for name, grade_id, points, _, _ in expected]
    texts = [squeeze(text) for text in texts_of(export)]
    reader = PdfReader(export.result.pdf_path)
    for item, (_, grade_id, _, prompt, answer) in zip(placed, expected, strict=True):
        first, last = item.answer_pages[0], item.answer_pages[-1]
        label = _LABEL.search(prompt)
        opening = word_runs(prompt[label.end():])[0][:4]
        assert squeeze(label.group(0) + ".") in texts[first - 1], (grade_id, first)
        assert squeeze(" ".join(opening)) in texts[first - 1], (grade_id, opening, first)
        closing = [run for run in word_runs(answer) if len(run) >= 3][-1][-3:]
        assert squeeze(" ".join(closing)) in texts[last - 1], (grade_id, closing, last)
        assert all(1 <= page <= export.result.pages for page in item.pages)
        for figure, pages in item.figures:
            assert pages, (grade_id, figure.title)
            assert all(reader.pages[page - 1].images for page in pages), (grade_id, pages)


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_each_written_question_starts_a_page(course_export, hw):
    """With page breaks on (the default), is a question's label among the first lines of
    its first page, and does no other question start on that page?"""
    export = course_export(hw)
    texts = texts_of(export)
    firsts = [item.answer_pages[0] for item in export.result.questions]
    assert len(set(firsts)) == len(firsts)
    for item in export.result.questions:
        lines = [line for line in texts[item.answer_pages[0] - 1].splitlines()
                 if line.strip() and item.question.notebook not in line]
        assert squeeze(item.question.label) in squeeze(" ".join(lines[:3])), lines[:3]


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_cover_and_outline_list_each_question_with_its_pages(course_export, hw):
    """Does page 1 list each question, in order, with its number, label, points and
    pages, and does the outline hold one entry per question at its first page?"""
    export = course_export(hw)
    cover = squeeze(texts_of(export)[0])
    assert squeeze(MAP_TITLE) in cover
    rows = []
    for item in export.result.questions:
        row = cover.find(squeeze(f"{item.question.number} {item.question.label}"),
                         rows[-1] + 1 if rows else 0)
        assert row >= 0, item.question.title
        rows.append(row)
    questions = export.result.questions
    ends = [*rows[1:], cover.find(squeeze("Contents"), rows[-1])]
    for index, (item, row, end) in enumerate(zip(questions, rows, ends, strict=True)):
        following = questions[index + 1].question if index + 1 < len(questions) else None
        if following and following.notebook != item.question.notebook:  # a group row
            end = cover.rfind(squeeze(following.number.split(".")[0] + following.notebook),
                              row, end)
        pages = ",".join(_page_runs(item.pages))
        assert cover[row:end].endswith(f"{item.question.points:g}{pages}"), \
            (item.question.title, cover[row:end])
    tree = outline_tree(export.result.pdf_path)
    (entry,) = [children for title, _, children in tree if title == MAP_TITLE]
    assert [(title.split(" (")[0], page + 1) for title, page, _ in entry] == [
        (item.question.title, item.answer_pages[0]) for item in export.result.questions]


def _page_runs(pages: tuple[int, ...]) -> list[str]:
    """``(4, 5, 6, 9)`` -> ``["4\u20136", "9"]``, as a reader writes page ranges."""
    runs: list[list[int]] = []
    for page in sorted(pages):
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    return [str(r[0]) if len(r) == 1 else f"{r[0]}\u2013{r[-1]}" for r in runs]


def _rows_by_line(printed: list[str], count: int) -> dict[int, list[str]]:
    """A code page's text rows grouped by file line: a row starting with the next line
    number opens it, a row starting with ``CONT_MARK`` continues it."""
    rows: dict[int, list[str]] = {}
    current = 0
    for text in printed:
        stripped = text.strip()
        match = re.match(r"^(\d+)(?:\s+(.*))?$", stripped)
        if match and int(match.group(1)) == current + 1 and current < count:
            current += 1
            rows[current] = [match.group(2) or ""]
        elif stripped.startswith(CONT_MARK) and current:
            rows[current].append(stripped[len(CONT_MARK):])
    return rows


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_code_pages_cut_lines_only_between_tokens(course_export, hw):
    """On each module's pages, is every line printed beside its own number, and is each
    continuation row (marked) cut from its line between two tokens, a student's line of
    127 characters among them?"""
    export = course_export(hw)
    texts = texts_of(export)
    tree = outline_tree(export.result.pdf_path)
    starts = [page for _, page, _ in tree] + [len(texts)]
    modules = [(index, name, first) for index, (name, first, _) in enumerate(tree)
               if name.endswith(".py")]
    assert modules
    wrapped: list[int] = []
    for index, name, first in modules:
        lines = (export.folder / name).read_text(encoding="utf-8").expandtabs(4).splitlines()
        spans = token_spans(lines)
        rows = _rows_by_line("\n".join(texts[first:starts[index + 1]]).splitlines(),
                             len(lines))
        assert sorted(rows) == list(range(1, len(lines) + 1)), name
        for number, line in enumerate(lines, start=1):
            cuts = cut_offsets(line, rows[number])
            assert not bad_cuts(line, spans[number - 1], cuts), \
                (name, number, rows[number])
            if line == LONG_CALL:
                wrapped.append(len(rows[number]))
    assert wrapped and min(wrapped) > 1  # the student's long line, wrapped and marked
