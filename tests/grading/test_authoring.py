"""`course new hw_example` and every step of docs/authoring.md, replayed in a temporary
course; then every `course` command on the result."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from authoring_steps import apply, course_env, steps
from course import ROOT, course_cmd, submission
from gradescope_tree import run_autograder, runtime_only_python, unpack
from leaks import leaked

from autograder.manifest import load_assignment
from autograder.release.points_table import MARKER
from autograder.simulate import answer_written_questions

pytestmark = pytest.mark.slow
HW, MODULE = "hw_example", "example"


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A course holding only hw_example, after every step of the guide."""
    folder = tmp_path_factory.mktemp("authoring") / "course"
    (folder / "assignments").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    (folder / "README.md").write_text(f"# A course\n\n{MARKER}\n| assignment | students write "
                                      "| notebooks | points |\n|---|---|---|---|\n")
    env = course_env(folder)
    for step in steps():
        apply(step, folder, env)
    return folder


@pytest.fixture
def in_course(course, monkeypatch) -> Path:
    monkeypatch.setenv("COURSE_ROOT", str(course))
    return course


def test_guide_covers_the_common_changes():
    """Does the guide add a graded function, a written question, a saved model and build
    the Gradescope zip, in that order?"""
    text = "\n".join(" ".join([s.verb, *s.args, *s.blocks]) for s in steps())
    marks = ["course new", "mean_squared_error_backward", "answer", "best_model.npz"]
    positions = [text.find(mark) for mark in marks] + [text.rfind("course gradescope")]
    assert -1 not in positions and positions == sorted(positions), positions


def test_release_is_current_and_keeps_secrets(in_course):
    """After the guide, is release/ what `course release` builds, with points from the
    suite in headings and metadata, no solution text and no reference model?"""
    proc = course_cmd("release", HW, "--check", env=course_env(in_course))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    released = in_course / "release" / HW
    assert not (released / "best_model.npz").exists()
    assert not leaked(in_course / "source" / HW, released)
    assert "raise NotImplementedError" in (released / f"{MODULE}.py").read_text()
    nb = nbformat.read(released / f"{MODULE}.ipynb", as_version=4)
    suite = load_assignment(HW)
    cells = {c.metadata["nbgrader"]["grade_id"]: (i, c) for i, c in enumerate(nb.cells)
             if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}
    from autograder.release.build import suite_points

    for cell, points in suite_points(suite).items():
        index, graded = cells[cell]
        assert graded.metadata["nbgrader"]["points"] == points
        assert nb.cells[index - 1].source.split("\n")[0].endswith(f"({points:g} points)")


def test_readme_points_follow_the_suite_and_the_notebook(in_course):
    """Does the README row of hw_example show the suite's total and the written points?"""
    readme = (in_course / "README.md").read_text()
    total = load_assignment(HW).points
    assert f"| `{HW}` | `{MODULE}.py` | `{MODULE}` | {total:g} + 2 written |" in readme


def test_verify_grade_and_gradescope_pass(in_course, tmp_path):
    """Do `course verify`, `course grade` and the Gradescope zip give the reference full
    marks and the untouched release zero?"""
    env = course_env(in_course)
    proc = course_cmd("verify", HW, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    total = load_assignment(HW).points
    out = tmp_path / "results.json"
    proc = course_cmd("grade", HW, str(in_course / "source" / HW), "--json", str(out), env=env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text())["score"] == pytest.approx(total)

    root = unpack(HW, tmp_path, env=env)
    python = runtime_only_python(tmp_path)
    submission(root / "submission", HW, modules_from="source")
    assert run_autograder(root, python)["score"] == pytest.approx(total)
    shutil.rmtree(root / "submission")
    submission(root / "submission", HW, modules_from="release")
    assert run_autograder(root, python)["score"] == 0


def test_autograde_scores_code_and_leaves_the_answer_to_grade(in_course):
    """Does `course autograde` give the reference all autograded points and leave the
    written answer for manual grading?"""
    for student in ("ref_student", "stub_student"):
        shutil.rmtree(in_course / "submitted" / student, ignore_errors=True)
    ref = submission(in_course / "submitted" / "ref_student" / HW, HW, modules_from="source")
    assert answer_written_questions(ref, HW) == 1
    submission(in_course / "submitted" / "stub_student" / HW, HW, modules_from="release")
    proc = course_cmd("autograde", HW, "--workers", "2", env=course_env(in_course))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with (in_course / "grades.csv").open() as fh:
        rows = {row["student_id"]: row for row in csv.DictReader(fh)}
    assert float(rows["ref_student"]["auto_score"]) == pytest.approx(load_assignment(HW).points)
    assert float(rows["stub_student"]["auto_score"]) == 0
    assert rows["ref_student"]["needs_manual_grade"] == "True"


def test_scaffolded_reference_test_passes(course):
    """Does the reference test that `course new` wrote pass under pytest?"""
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           f"tests/{HW}"], cwd=course, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(("args", "message"), [
    ([HW, "--title", "again"], "already exist"),
    (["HW-6", "--title", "t"], "assignment id"),
    (["hw6_ok", "--title", "t", "--module", "Bad-Name"], "module name"),
])
def test_new_refuses_what_it_cannot_scaffold(course, args, message):
    """Does `course new` refuse an existing assignment or an unusable name, writing nothing?"""
    before = sorted(p.relative_to(course) for p in course.rglob("*"))
    proc = course_cmd("new", *args, env=course_env(course))
    assert proc.returncode == 2 and message in proc.stderr
    assert sorted(p.relative_to(course) for p in course.rglob("*")) == before
