"""Given modules (handed out complete by a later assignment): one origin, linked from the
later source folder, generated into release/."""

from __future__ import annotations

import pytest
from course import ASSIGNMENTS, ROOT

from autograder.manifest import load_assignment
from autograder.release.given import INSTRUCTION, header, link_problems
from autograder.release.strip import unwrap_solutions

GIVEN = [(hw, name, origin) for hw in ASSIGNMENTS
         for name, origin in load_assignment(hw).given.items()]


def test_some_assignment_hands_out_modules():
    """Do the course's assignments hand out earlier modules at all (so the tests below
    check something)?"""
    assert GIVEN


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_source_links_given_modules_to_their_origin(hw):
    """Is every given module in source/<hw> a link to its origin, not a copy?"""
    assert link_problems(load_assignment(hw), ROOT) == []


@pytest.mark.parametrize(("hw", "name", "origin"), GIVEN)
def test_released_given_module_is_its_origin_with_a_header(hw, name, origin):
    """Is release/<hw>/<name> the origin's code (markers removed) under a "generated from
    ..., do not edit" line, and nothing else?"""
    released = (ROOT / "release" / hw / name).read_text()
    assert released.startswith(header(origin, name))
    body = released.removeprefix(header(origin, name))
    origin_code = unwrap_solutions((ROOT / "source" / origin / name).read_text(), name)
    kept = [line for line in origin_code.splitlines() if line not in body.splitlines()]
    assert all(INSTRUCTION in line for line in kept), kept  # only the "write here" paragraph
    compile(released, name, "exec")


@pytest.mark.parametrize(("hw", "name", "origin"), GIVEN)
def test_released_given_module_asks_for_no_work(hw, name, origin):
    """Does a given module neither ask students to write code nor raise
    NotImplementedError?"""
    released = (ROOT / "release" / hw / name).read_text()
    assert INSTRUCTION not in released
    assert "NotImplementedError" not in released
    assert "write" not in header(origin, name).lower()


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_given_modules_are_not_graded_files(hw):
    """Are given modules kept out of the files students edit and submit?"""
    a = load_assignment(hw)
    assert not set(a.given) & set(a.modules)
