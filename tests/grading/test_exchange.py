"""The JupyterHub path: nbgrader's exchange (release, fetch, submit, collect) feeding
`course autograde`, with a temporary exchange folder and real nbgrader commands."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from course import ROOT, course_cmd, course_env, make_course

from autograder.core.manifest import load_assignment

pytestmark = pytest.mark.slow
HW = "hw1_softmax"


def nbgrader(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def test_release_fetch_submit_collect_autograde(tmp_path):
    """Does a student's work travel through the exchange and get graded in full?"""
    course = make_course(tmp_path / "course", [HW])
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    with open(course / "nbgrader_config.py", "a") as fh:
        fh.write(f"\nc.CourseDirectory.course_id = 'nndl'\nc.Exchange.root = {str(exchange)!r}\n")
    bindir = str(Path(sys.executable).parent)
    env = {**course_env(course), "PATH": bindir + os.pathsep + os.environ["PATH"]}

    # instructor: build the student version, register and release it
    proc = course_cmd("release", HW, cwd=course, env=env)
    assert proc.returncode == 0, proc.stderr
    nbgrader(["db", "assignment", "add", HW], course, env)
    nbgrader(["release_assignment", HW], course, env)

    # student: fetch, do the work (here: the reference modules), submit
    home = tmp_path / "home"
    home.mkdir()
    student_env = {**env, "HOME": str(home)}  # nbgrader names the student by unix user
    nbgrader(["fetch_assignment", HW, "--course", "nndl", f"--Exchange.root={exchange}"],
             home, student_env)
    fetched = home / HW
    assert (fetched / "assignment.json").is_file()
    for module in load_assignment(HW).modules:
        assert "NotImplementedError" in (fetched / module).read_text()
        shutil.copyfile(ROOT / "source" / HW / module, fetched / module)
    nbgrader(["submit", HW, "--course", "nndl", f"--Exchange.root={exchange}"], home,
             student_env)

    # instructor: collect and grade
    nbgrader(["collect", HW], course, env)
    (student,) = [p.name for p in (course / "submitted").iterdir()]
    assert (course / "submitted" / student / HW / "softmax.py").is_file()
    proc = course_cmd("autograde", HW, "--workers", "1", cwd=course, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(course / "grades.csv") as fh:
        rows = {row["student_id"]: row for row in csv.DictReader(fh)}
    assert float(rows[student]["auto_score"]) == pytest.approx(load_assignment(HW).points)
