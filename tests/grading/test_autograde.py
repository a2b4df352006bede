"""End to end through the real nbgrader: a small class in a temporary course folder."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from course import ROOT, course_cmd, course_env, make_course, submission

from autograder.manifest import load_assignment
from autograder.mutants import load_mutants

HW = "hw1_softmax"
pytestmark = pytest.mark.slow


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """Autograde four students (reference, untouched release, two seeded bugs) once."""
    course = make_course(tmp_path_factory.mktemp("course"), [HW])
    mutants = load_mutants(ROOT / "assignments" / HW / "mutants.toml")
    students = {
        "alice_ref": submission(course / "submitted" / "alice_ref" / HW, HW, "source"),
        "bob_blank": submission(course / "submitted" / "bob_blank" / HW, HW, "release"),
        "carol_bug": submission(course / "submitted" / "carol_bug" / HW, HW, mutant=mutants[0]),
        "dave_bug": submission(course / "submitted" / "dave_bug" / HW, HW, mutant=mutants[-1]),
    }
    before = {name: digest(folder) for name, folder in students.items()}
    proc = course_cmd("autograde", HW, "--workers", "2", cwd=course, env=course_env(course),
                      timeout=900)
    with open(course / "grades.csv") as fh:
        grades = {row["student_id"]: row for row in csv.DictReader(fh)}
    return course, students, before, proc, grades


def test_autograde_runs_to_the_end(graded_class):
    """Does `course autograde` exit 0 and grade every student?"""
    _, students, _, proc, grades = graded_class
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert set(grades) == set(students)


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
    for name, folder in students.items():
        for module in load_assignment(HW).modules:
            graded = course / "autograded" / name / HW / module
            assert graded.read_bytes() == (folder / module).read_bytes(), (name, module)


def test_feedback_hides_hidden_tests(graded_class):
    """Is feedback generated for every student without the hidden test code?"""
    course, students, _, _, _ = graded_class
    for name in students:
        pages = list((course / "feedback" / name / HW).glob("*.html"))
        assert len(pages) == len(load_assignment(HW).notebooks)
        for page in pages:
            text = page.read_text()
            assert "grade_cell(" not in text and "BEGIN HIDDEN TESTS" not in text
