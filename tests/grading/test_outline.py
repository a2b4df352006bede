"""`course outline`: the written questions and points for Gradescope's PDF assignment."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from course import ASSIGNMENTS, ROOT, course_cmd

from autograder.core.manifest import load_assignment


def manual_cells(hw: str) -> list[tuple[str, list[tuple[str, float]]]]:
    """Per notebook with any, ``(question label, points)`` of each manually graded cell,
    read here from the source notebooks' nbgrader metadata and prompts."""
    groups = []
    for name in load_assignment(hw).notebooks:
        cells = nbformat.read(ROOT / "source" / hw / name, as_version=4).cells
        found = []
        for index, cell in enumerate(cells):
            meta = cell.metadata.get("nbgrader", {})
            if (meta.get("grade") and meta.get("solution")) or meta.get("task"):
                label = re.search(r"Question \d+", cells[index - 1].source).group(0)
                found.append((label, float(meta["points"])))
        if found:
            groups.append((name, found))
    return groups


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_json_outline_lists_every_written_question_with_its_points(hw):
    """Does ``course outline --json`` give one group per notebook with written questions,
    in order, each question with its label and points, and the groups' sums as weights?"""
    proc = course_cmd("outline", hw, "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["assignment"] == hw
    expected = manual_cells(hw)
    assert [(group["title"], [(q["title"], q["weight"]) for q in group["children"]])
            for group in data["question_data"]] == expected
    assert [group["weight"] for group in data["question_data"]] == [
        sum(points for _, points in found) for _, found in expected]


def test_text_outline_numbers_questions_as_the_pdf_cover():
    """Does the plain outline number the questions 1.1, 1.2, 2.1, ... as the students'
    PDF cover does, with the total of written points and the autograded points?"""
    hw = ASSIGNMENTS[0]
    proc = course_cmd("outline", hw)
    assert proc.returncode == 0, proc.stderr
    expected = manual_cells(hw)
    total = sum(points for _, found in expected for _, points in found)
    count = sum(len(found) for _, found in expected)
    assert f"{count} written questions, {total:g} points" in proc.stdout
    for group, (_, found) in enumerate(expected, start=1):
        for number, (label, points) in enumerate(found, start=1):
            assert re.search(rf"^\s+{group}\.{number}\s+{label}\s+\S+\s+{points:g}\s",
                             proc.stdout, re.MULTILINE), (group, number, label)
    assert f"Autograded code: {load_assignment(hw).points:g} points" in proc.stdout


def test_unknown_assignment_exits_2():
    """Is an unknown assignment reported with exit code 2 and no traceback?"""
    proc = course_cmd("outline", "hw9_nothing")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "hw9_nothing" in proc.stderr
