"""Tests of the Gradescope zip, run for real in a folder laid out like /autograder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from course import ASSIGNMENTS, ROOT, course_cmd, submission

from autograder.manifest import load_assignment


def numpy_only_python(tmp: Path) -> Path:
    """A python launcher that sees the standard library and numpy, nothing else installed."""
    site = tmp / "numpy-only"
    site.mkdir()
    numpy_dir = Path(np.__file__).parent
    (site / "numpy").symlink_to(numpy_dir)
    libs = numpy_dir.parent / "numpy.libs"
    if libs.exists():
        (site / "numpy.libs").symlink_to(libs)
    launcher = tmp / "python-numpy-only"
    launcher.write_text(
        f'#!/bin/sh\nPYTHONPATH="$PYTHONPATH:{site}" exec {sys.executable} -S "$@"\n')
    launcher.chmod(0o755)
    return launcher


def unpack(hw: str, tmp: Path) -> Path:
    proc = course_cmd("gradescope", hw, "--out", str(tmp / "zip"))
    assert proc.returncode == 0, proc.stderr
    zpath = tmp / "zip" / f"{hw}_autograder.zip"
    root = tmp / "autograder"
    with zipfile.ZipFile(zpath) as zf:
        names = zf.namelist()
        assert {"setup.sh", "run_autograder", "requirements.txt"} <= set(names)
        assert not [n for n in names if n.endswith(".ipynb")], "notebooks do not belong in it"
        zf.extractall(root / "source")
    for name in ("run_autograder", "setup.sh"):
        (root / "source" / name).chmod(0o755)
    return root


def run_autograder(root: Path, python: Path) -> dict:
    (root / "results").mkdir(exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": str(python)}
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder")], cwd=root / "source",
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((root / "results" / "results.json").read_text())


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_zip_grades_reference_and_release(hw, tmp_path):
    """Does run_autograder from the unpacked zip, with only numpy installed, give the
    reference full marks and the untouched release zero?"""
    root = unpack(hw, tmp_path)
    python = numpy_only_python(tmp_path)
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
    results = run_autograder(root, numpy_only_python(tmp_path))
    assert results["score"] == pytest.approx(load_assignment(hw).points)


def test_setup_script_pins_numpy(tmp_path):
    """Is setup.sh valid bash, installing the same numpy pin as the course?"""
    root = unpack(ASSIGNMENTS[0], tmp_path)
    assert subprocess.run(["bash", "-n", str(root / "source" / "setup.sh")]).returncode == 0
    requirement = (root / "source" / "requirements.txt").read_text().strip()
    assert requirement == f"numpy=={np.__version__}"
    assert ROOT.joinpath("pyproject.toml").read_text().count(requirement) == 1
