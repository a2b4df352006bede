"""Tests of `course grade` and `course verify` on every assignment."""

from __future__ import annotations

import json

import pytest
from corpus_support import tighten_limits
from course import ASSIGNMENTS, ROOT, course_cmd, course_env, submission

from autograder.core.manifest import load_assignment
from autograder.verification.simulate import make_course

pytestmark = pytest.mark.slow  # runs `course verify` (every mutant) and hostile submissions


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_verify_passes(hw):
    """Does `course verify` find full marks, a zero release, every mutant caught, every
    accepted variant at full marks and no degenerate answer earning points?"""
    proc = course_cmd("verify", hw)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "all checks passed" in proc.stdout
    degenerate = [line for line in proc.stdout.splitlines() if "degenerate: " in line]
    assert len(degenerate) >= 16 and all("0 on its tests" in line for line in degenerate)
    assert any("(pass-through)" in line for line in degenerate)


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_grade_writes_gradescope_results(hw, tmp_path):
    """Does `course grade --json` write results.json with Gradescope's fields for each test?"""
    out = tmp_path / "results.json"
    proc = course_cmd("grade", hw, str(ROOT / "source" / hw), "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    results = json.loads(out.read_text())
    total = load_assignment(hw).points
    assert results["score"] == pytest.approx(total)
    assert results["execution_time"] > 0
    assert sum(t["max_score"] for t in results["tests"]) == pytest.approx(total)
    for test in results["tests"]:
        assert set(test) >= {"name", "score", "max_score", "output", "visibility", "tags"}
        assert test["visibility"] in {"visible", "hidden", "after_due_date", "after_published"}
        assert test["tags"] and all(isinstance(tag, str) for tag in test["tags"])
    assert any(t["visibility"] == "visible" for t in results["tests"])


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_untouched_release_scores_zero_with_not_implemented(hw, tmp_path):
    """Does the untouched release score 0, each test saying 'not implemented yet'?"""
    out = tmp_path / "results.json"
    proc = course_cmd("grade", hw, str(ROOT / "release" / hw), "--json", str(out))
    assert proc.returncode == 0
    results = json.loads(out.read_text())
    assert results["score"] == 0
    assert all("not implemented yet" in t["output"] or "is missing from your submission"
               in t["output"] for t in results["tests"])


def test_grade_refuses_a_missing_folder(tmp_path):
    """Does grading a folder that does not exist exit 2 with a message, not a traceback?"""
    proc = course_cmd("grade", ASSIGNMENTS[0], str(tmp_path / "nope"))
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr and "Traceback" not in proc.stderr


def test_grade_refuses_an_unknown_assignment(tmp_path):
    """Does an unknown assignment id exit 2 and name the problem?"""
    proc = course_cmd("grade", "hw9_nope", str(tmp_path))
    assert proc.returncode == 2
    assert "unknown assignment" in proc.stderr


def test_empty_submission_scores_zero_and_names_missing_files(tmp_path):
    """Does an empty folder grade to 0 with the missing files listed?"""
    hw = ASSIGNMENTS[0]
    proc = course_cmd("grade", hw, str(tmp_path))
    assert proc.returncode == 0
    assert "missing files: " in proc.stdout
    assert "is missing from your submission" in proc.stdout


HOSTILE = {
    "hangs": "while True:\n        pass",
    "exits": "import os\n    os._exit(0)",
    "floods": "while True:\n        print('spam' * 100)",
}


@pytest.mark.parametrize("behaviour", sorted(HOSTILE))
def test_one_hostile_function_costs_only_its_own_tests(behaviour, tmp_path):
    """Does a function that hangs, kills its interpreter or floods output lose only its
    own tests' points, while grading finishes and every other test passes?"""
    hw = "hw1_softmax"
    course = make_course(tmp_path / "course", [hw])
    tighten_limits(course, hw)  # a hang costs seconds, not the course's limit per call
    folder = submission(tmp_path / "student", hw, modules_from="source")
    with open(folder / "softmax.py", "a") as fh:  # redefine one function at the end
        fh.write(f"\n\ndef softmax_loss_naive(W, X, y, reg):\n    {HOSTILE[behaviour]}\n")
    out = tmp_path / "results.json"
    proc = course_cmd("grade", hw, str(folder), "--json", str(out), cwd=course,
                      env=course_env(course), timeout=300)
    assert proc.returncode == 0, proc.stderr
    tests = json.loads(out.read_text())["tests"]
    naive = [t for t in tests if "softmax_loss_naive" in t["tags"]]
    others = [t for t in tests if "softmax_loss_naive" not in t["tags"]]
    assert naive and all(t["score"] == 0 for t in naive)
    assert all(t["score"] == t["max_score"] for t in others), [t["name"] for t in others
                                                               if t["score"] < t["max_score"]]
    words = {"hangs": "did not finish", "exits": "ended the Python process",
             "floods": "printed more than"}[behaviour]
    assert all(words in t["output"] for t in naive)
