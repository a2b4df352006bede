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
import tqdm
from course import ASSIGNMENTS, ROOT, course_cmd, submission

from autograder.manifest import load_assignment


def runtime_only_python(tmp: Path) -> Path:
    """A python launcher that sees the standard library, numpy and tqdm, nothing else."""
    site = tmp / "runtime-only"
    site.mkdir()
    for package in (np, tqdm):
        folder = Path(package.__file__).parent
        (site / folder.name).symlink_to(folder)
    libs = Path(np.__file__).parent.parent / "numpy.libs"
    if libs.exists():
        (site / "numpy.libs").symlink_to(libs)
    launcher = tmp / "python-runtime-only"
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
