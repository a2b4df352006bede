"""Given modules (handed out complete in a later assignment) stay equal to their origin."""

from __future__ import annotations

import pytest
from course import ASSIGNMENTS, ROOT

from autograder.manifest import load_assignment
from autograder.release.strip import unwrap_solutions


def test_given_modules_are_the_unwrapped_origin():
    """Is each given module byte-identical to its origin's reference, markers removed, in
    source/ and in release/?"""
    for hw in ASSIGNMENTS:
        for name, origin in load_assignment(hw).given.items():
            expected = unwrap_solutions((ROOT / "source" / origin / name).read_text(), name)
            assert (ROOT / "source" / hw / name).read_text() == expected, (
                f"source/{hw}/{name} differs from source/{origin}/{name}: regenerate it "
                "with autograder.release.strip.unwrap_solutions")
            assert (ROOT / "release" / hw / name).read_text() == expected


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_given_modules_are_not_graded_files(hw):
    """Are given modules kept out of the files students edit and submit?"""
    a = load_assignment(hw)
    assert not set(a.given) & set(a.modules)
