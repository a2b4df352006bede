"""A folder laid out like Gradescope's /autograder, and its run_autograder run for real."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import tqdm
from course import course_cmd


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


def unpack(hw: str, tmp: Path, env: dict[str, str] | None = None) -> Path:
    """Build the zip of ``hw`` (of the course ``env`` points at) and unpack it the way
    Gradescope does, into ``tmp/autograder/source``; returns ``tmp/autograder``."""
    proc = course_cmd("gradescope", hw, "--out", str(tmp / "zip"), env=env)
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
    """Run the unpacked ``run_autograder`` for ``root/submission``; its results.json, with
    what the grader printed under the extra key ``_stdout``."""
    (root / "results").mkdir(exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": str(python)}
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder")], cwd=root / "source",
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    return {**results, "_stdout": proc.stdout}
