"""End to end through the real nbgrader: a small class in a temporary course folder, graded
both ways: keeping the notebooks' saved outputs (the default) and running them again in
confined kernels (``--execute``)."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pytest
from course import ROOT, course_cmd, course_env, make_course, submission

from autograder.core.manifest import load_assignment
from autograder.verification.mutants import load_mutants

HW = "hw1_softmax"
pytestmark = pytest.mark.slow


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


SAVED = "a figure and a line the student saved"  # a saved output of alice's notebook
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJ"
       "RU5ErkJggg==")


def save_outputs(notebook: Path) -> None:
    """Give the first code cell of ``notebook`` outputs, as if the student had run it."""
    nb = json.loads(notebook.read_text())
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": SAVED + "\n"},
                       {"output_type": "display_data", "metadata": {},
                        "data": {"image/png": PNG, "text/plain": "<Figure>"}}]
    notebook.write_text(json.dumps(nb))


@pytest.fixture(scope="module", params=["default", "--execute"])
def graded_class(tmp_path_factory, request):
    """Autograde six students once: the reference, the untouched release, two seeded bugs,
    a corrupt notebook, and code that kills the notebook's kernel."""
    course = make_course(tmp_path_factory.mktemp("course"), [HW])
    mutants = load_mutants(ROOT / "assignments" / HW / "mutants.toml")
    students = {
        "alice_ref": submission(course / "submitted" / "alice_ref" / HW, HW, "source"),
        "bob_blank": submission(course / "submitted" / "bob_blank" / HW, HW, "release"),
        "carol_bug": submission(course / "submitted" / "carol_bug" / HW, HW, mutant=mutants[0]),
        "dave_bug": submission(course / "submitted" / "dave_bug" / HW, HW, mutant=mutants[-1]),
        "eve_corrupt": submission(course / "submitted" / "eve_corrupt" / HW, HW, "source"),
        "finn_exit": submission(course / "submitted" / "finn_exit" / HW, HW, "source"),
    }
    (students["eve_corrupt"] / "softmax.ipynb").write_text('{"cells": [ this is not json')
    save_outputs(students["alice_ref"] / "softmax.ipynb")
    with open(students["finn_exit"] / "gradient_descent.py", "a") as fh:
        fh.write("\n\ndef minibatch_sgd(*args, **kwargs):\n    import os\n    os._exit(1)\n")
    before = {name: digest(folder) for name, folder in students.items()}
    mode = [] if request.param == "default" else [request.param]
    proc = course_cmd("autograde", HW, "--workers", "2", *mode, cwd=course,
                      env=course_env(course), timeout=900)
    with open(course / "grades.csv") as fh:
        grades = {row["student_id"]: row for row in csv.DictReader(fh)}
    return course, students, before, proc, grades


def test_autograde_runs_to_the_end(graded_class):
    """Does `course autograde` exit 0 and grade every student, naming those whose
    notebooks nbgrader could not execute?"""
    _, students, _, proc, grades = graded_class
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert set(grades) == set(students)
    assert all(grades[s]["score"] != "" for s in students)
    failed_line = next(line for line in proc.stdout.splitlines()
                       if "could not execute" in line)
    assert "eve_corrupt" in failed_line and "alice_ref" not in failed_line
    # finn's notebook kills its kernel when it runs, which it does only with --execute
    assert ("finn_exit" in failed_line) == ("--execute" in proc.args)


@pytest.mark.parametrize("student, lost", [("eve_corrupt", set()),
                                           ("finn_exit", {"test_minibatch_sgd"})])
def test_broken_notebooks_still_get_their_codes_points(graded_class, student, lost):
    """Does a student whose notebook nbgrader cannot run still get the points their code
    earns (and lose only the cells their broken function belongs to)?"""
    *_, grades = graded_class
    expected = load_assignment(HW).points - 10 * len(lost)
    assert float(grades[student]["auto_score"]) == pytest.approx(expected)


def test_reference_gets_full_autograded_points(graded_class):
    """Does the reference solution earn every autograded point through nbgrader?"""
    *_, grades = graded_class
    assert float(grades["alice_ref"]["auto_score"]) == pytest.approx(load_assignment(HW).points)


def test_untouched_release_gets_zero(graded_class):
    """Does the untouched release earn no autograded points?"""
    *_, grades = graded_class
    assert float(grades["bob_blank"]["auto_score"]) == 0


@pytest.mark.parametrize("student", ["carol_bug", "dave_bug"])
def test_buggy_students_get_partial_credit(graded_class, student):
    """Does a seeded bug earn some points but not all (partial credit per cell)?"""
    *_, grades = graded_class
    score = float(grades[student]["auto_score"])
    assert 0 < score < load_assignment(HW).points


def test_nbgrader_scores_match_course_grade(graded_class):
    """Does nbgrader give each student the same autograded score as `course grade`?"""
    course, students, _, _, grades = graded_class
    for name, folder in students.items():
        proc = course_cmd("grade", HW, str(folder), "--json", str(course / f"{name}.json"),
                          env=course_env(course))
        assert proc.returncode == 0
        expected = json.loads((course / f"{name}.json").read_text())["score"]
        assert float(grades[name]["auto_score"]) == pytest.approx(expected), name


def test_submissions_are_untouched(graded_class):
    """Are the submitted folders byte-identical after autograding?"""
    _, students, before, _, _ = graded_class
    for name, folder in students.items():
        assert digest(folder) == before[name], name


def test_students_modules_are_graded_not_the_solutions(graded_class):
    """Does autograded/ hold the student's own .py files, never the source solutions?"""
    course, students, _, _, _ = graded_class
    executed = [name for name in students if (course / "autograded" / name / HW).is_dir()]
    assert len(executed) >= 4
    for name in executed:
        folder = students[name]
        for module in load_assignment(HW).modules:
            graded = course / "autograded" / name / HW / module
            assert graded.read_bytes() == (folder / module).read_bytes(), (name, module)


def test_feedback_hides_hidden_tests(graded_class):
    """Is feedback generated for every graded student without the hidden test code, with
    the suite's results in each test cell and an alt text on every image?"""
    course, students, _, proc, _ = graded_class
    for name in ["alice_ref", "bob_blank", "carol_bug", "dave_bug"]:
        pages = list((course / "feedback" / name / HW).glob("*.html"))
        assert len(pages) == len(load_assignment(HW).notebooks)
        for page in pages:
            text = page.read_text()
            assert "grade_cell(" not in text and "BEGIN HIDDEN TESTS" not in text
            assert "Points: " in text, page
            images = re.findall(r"<img\b[^>]*>", text)
            assert all(" alt=" in tag for tag in images), page
            assert images or "--execute" not in proc.args, page


def test_saved_outputs_are_kept_unless_notebooks_run_again(graded_class):
    """Do the graded notebook and the feedback show what the student saved (default), or
    what the notebook printed when run again (--execute)?"""
    course, _, _, proc, _ = graded_class
    graded = (course / "autograded" / "alice_ref" / HW / "softmax.ipynb").read_text()
    page = (course / "feedback" / "alice_ref" / HW / "softmax.html").read_text()
    kept = "--execute" not in proc.args
    assert (SAVED in graded) == kept and (SAVED in page) == kept
