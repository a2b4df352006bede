"""Tests of the Gradescope zip, run for real in a folder laid out like /autograder."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
import tqdm
from course import ASSIGNMENTS, ROOT, submission
from gradescope_tree import run_autograder, runtime_only_python, unpack

from autograder.manifest import load_assignment

pytestmark = pytest.mark.slow  # builds and runs Gradescope zips


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_zip_grades_reference_and_release(hw, tmp_path):
    """Does run_autograder from the unpacked zip, with only numpy and tqdm, give the
    reference full marks and the untouched release zero?"""
    root = unpack(hw, tmp_path)
    python = runtime_only_python(tmp_path)
    total = load_assignment(hw).points

    submission(root / "submission", hw, modules_from="source")
    results = run_autograder(root, python)
    assert results["score"] == pytest.approx(total)

    shutil.rmtree(root / "submission")
    submission(root / "submission", hw, modules_from="release")
    results = run_autograder(root, python)
    assert results["score"] == 0
    assert len(results["tests"]) > 0


def test_zip_handles_a_nested_upload(tmp_path):
    """Does a student's zip with an extra top folder still get graded?"""
    hw = ASSIGNMENTS[0]
    root = unpack(hw, tmp_path)
    submission(root / "submission" / "my work" / hw, hw, modules_from="source")
    results = run_autograder(root, runtime_only_python(tmp_path))
    assert results["score"] == pytest.approx(load_assignment(hw).points)


def test_setup_script_pins_the_runtime(tmp_path):
    """Is setup.sh valid bash, installing numpy and tqdm at the course's own pins?"""
    root = unpack(ASSIGNMENTS[0], tmp_path)
    assert subprocess.run(["bash", "-n", str(root / "source" / "setup.sh")]).returncode == 0
    requirements = (root / "source" / "requirements.txt").read_text().split()
    assert requirements == [f"numpy=={np.__version__}", f"tqdm=={tqdm.__version__}"]
    pyproject = ROOT.joinpath("pyproject.toml").read_text()
    assert all(f'"{r}"' in pyproject for r in requirements)
