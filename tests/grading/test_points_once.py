"""Points are typed once, in the suite: changing one test's points there and running
`course release` changes the notebook's metadata, its heading, the assignment's total and
the README's points column (in a temporary course), and nothing in source/."""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest
from corpus_support import digest
from course import ROOT, course_cmd, course_env, make_course

from autograder.manifest import load_assignment
from autograder.release.build import suite_points
from autograder.release.points_table import points_cell

pytestmark = pytest.mark.slow
HW = "hw1_softmax"


def test_suite_points_reach_notebook_heading_total_and_readme(tmp_path, monkeypatch):
    """Does raising one test's points in the suite alone raise the cell's nbgrader points,
    the "(N points)" of its heading, the total and the README row by as much?"""
    course = make_course(tmp_path / "course", [HW])
    shutil.copy(ROOT / "README.md", course / "README.md")
    monkeypatch.setenv("COURSE_ROOT", str(course))
    before = load_assignment(HW)
    total_before, cells_before = before.points, suite_points(before)

    suite = course / "assignments" / HW / "suite" / "softmax.py"
    text = suite.read_text()
    match = re.search(r'@graded\(points=(\d+), cell="(\w+)"', text)
    cell, raised = match[2], int(match[1]) + 3
    suite.write_text(text[:match.start(1)] + str(raised) + text[match.end(1):])

    source_before = digest(course / "source")
    proc = course_cmd("release", HW, env=course_env(course))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert digest(course / "source") == source_before  # release never writes into source/
    after = load_assignment(HW)
    assert after.points == total_before + 3
    expected = cells_before[cell] + 3
    for name in after.notebooks:
        nb = nbformat.read(course / "release" / HW / name, as_version=4)
        for index, c in enumerate(nb.cells):
            if c.metadata.get("nbgrader", {}).get("grade_id") == cell:
                assert c.metadata["nbgrader"]["points"] == expected
                assert nb.cells[index - 1].source.split("\n")[0].endswith(
                    f"({expected:g} points)")
                break
        else:
            continue
        break
    else:
        pytest.fail(f"no released notebook has the cell {cell}")
    row = next(line for line in (course / "README.md").read_text().splitlines()
               if line.startswith(f"| `{HW}` |"))
    assert row.endswith(f"| {points_cell(after, course / 'source' / HW)} |")
    assert f"{after.points:g} + " in row and f"{total_before:g} + " not in row
    proc = course_cmd("release", HW, "--check", env=course_env(course))
    assert proc.returncode == 0, proc.stdout
