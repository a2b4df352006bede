"""Tests of `course release`: up to date, and nothing secret reaches students."""

from __future__ import annotations

import json

import pytest
from course import ASSIGNMENTS, ROOT, course_cmd
from leaks import MARKER, leaked, normalized_lines, published_text, secrets_of

from autograder.core.manifest import load_assignment

pytestmark = pytest.mark.slow  # runs nbgrader's release of every assignment


def test_release_is_up_to_date():
    """Does `course release --all --check` find release/ identical to a fresh build?"""
    proc = course_cmd("release", "--all", "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_no_solution_or_hidden_test_reaches_students(hw):
    """Does no solution or hidden-test line reach release/ (given modules aside: they are
    handed out complete), and no run of two such lines reach utils/?"""
    given = set(load_assignment(hw).given)
    found = leaked(ROOT / "source" / hw, ROOT / "release" / hw, given)
    assert not found, f"solution text in release/{hw}: {found[:5]}"
    assert not MARKER.search(normalized_lines(published_text(ROOT / "release" / hw)))
    _, pairs = secrets_of([ROOT / "source" / hw], given)
    shared = normalized_lines(published_text(ROOT / "utils"))
    copied = sorted(pair for pair in pairs if pair in shared)
    assert not copied, f"solution code in utils/: {copied[:3]}"
    assert not MARKER.search(shared)


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_release_has_the_student_manifest(hw):
    """Does release/<hw>/assignment.json list exactly the manifest's files?"""
    manifest = json.loads((ROOT / "release" / hw / "assignment.json").read_text())
    a = load_assignment(hw)
    assert manifest["assignment"] == hw
    assert manifest["modules"] == a.modules and manifest["notebooks"] == a.notebooks
    for name in a.modules + a.notebooks:
        assert (ROOT / "release" / hw / name).is_file()


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_released_modules_are_stubs(hw):
    """Does every released module import, and raise NotImplementedError where work is due?"""
    for module in load_assignment(hw).modules:
        text = (ROOT / "release" / hw / module).read_text()
        compile(text, module, "exec")
        assert "raise NotImplementedError" in text
