"""Grading as root where mount and network namespaces are refused, as in a Docker
container with default capabilities (Gradescope's): ``CAP_SYS_ADMIN`` is taken away with
``setpriv`` and the attacks run again.

Gradescope's way (run_autograder, which makes the reference and the suite readable by root
only, with a Python that other users can read: Debian's, in a venv as setup.sh makes it)
must still drop student code to a user of its own and hold every attack; where student
code could only run as root or could read the private folders, the grader refuses,
naming the reason, before any of it runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from corpus_cases import CASES, HW
from corpus_support import IS_ROOT, check_report, check_results, digest, leftover_processes
from course import course_cmd
from gradescope_tree import unpack

from autograder.gradescope.build import runtime_requirements
from autograder.verification.simulate import make_course, make_submission

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not IS_ROOT, reason="capabilities are dropped from root")]
WITHOUT_SYS_ADMIN = ["setpriv", "--inh-caps=-sys_admin", "--bounding-set=-sys_admin"]
SYSTEM_PYTHON = Path("/usr/bin/python3")  # readable by every user, as Ubuntu's on Gradescope
ATTACKS = ("read_reference", "import_reference", "forge_results", "delete_files",
           "kill_parent", "fork", "shadow_json", "shadow_course", "link_to_reference",
           "hard_links", "look_around", "look_around_secret", "litter", "warning_flood")


@pytest.fixture(scope="module")
def shared(corpus):
    """A folder other users can reach, holding a Gradescope-like /autograder whose venv
    runs Debian's Python (as setup.sh makes one from Ubuntu's)."""
    base = Path(tempfile.mkdtemp(dir="/var/tmp", prefix="no-namespaces-"))
    base.chmod(0o755)
    try:
        venv = base / "venv"
        subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", str(venv)], check=True)
        (base / "requirements.txt").write_text(runtime_requirements())
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        "--requirement", str(base / "requirements.txt")], check=True)
        root = unpack(HW, base, env=corpus.env)
        yield base, root, venv / "bin" / "python"
    finally:
        shutil.rmtree(base, ignore_errors=True)


def run_without_namespaces(root: Path, python: Path) -> tuple[dict, str]:
    """run_autograder without CAP_SYS_ADMIN; (results.json, what it printed)."""
    (root / "results").mkdir(exist_ok=True)
    (root / "results" / "results.json").unlink(missing_ok=True)
    env = {"PATH": "/usr/bin:/bin", "AUTOGRADER_ROOT": str(root),
           "AUTOGRADER_PYTHON": str(python), "JUPYTERHUB_API_TOKEN": "corpus-token-env-91b2d4"}
    proc = subprocess.run([*WITHOUT_SYS_ADMIN, "bash", str(root / "source" / "run_autograder")],
                          cwd=root / "source", env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((root / "results" / "results.json").read_text()), proc.stdout


def test_namespaces_are_refused_here():
    """Does setpriv really take mount namespaces away (else these tests prove nothing)?"""
    proc = subprocess.run([*WITHOUT_SYS_ADMIN, "unshare", "--mount", "true"],
                          capture_output=True, text=True)
    assert proc.returncode != 0


def test_reference_keeps_full_marks_as_a_user_of_its_own(shared):
    """Does the reference score full marks, its code run as an unprivileged user, and the
    report say that the file system could not be made private?"""
    _, root, python = shared
    upload = root / "submission"
    shutil.rmtree(upload, ignore_errors=True)
    make_submission(upload, HW, "source")
    results, stdout = run_without_namespaces(root, python)
    assert results["score"] == pytest.approx(sum(t["max_score"] for t in results["tests"]))
    assert "unprivileged user of its own" in stdout, stdout
    assert "no mount namespace" in stdout, stdout


@pytest.mark.parametrize("name", ATTACKS)
def test_attacks_hold_without_namespaces(corpus, shared, name):
    """Does each attack cost only its own tests, leave the reference, the suite, the
    upload and the files outside intact, and leave nothing behind?"""
    case = next(c for c in CASES if c.name == name)
    _, root, python = shared
    upload = root / "submission"
    shutil.rmtree(upload, ignore_errors=True)
    case.damage(make_submission(upload, HW, "source"), corpus.ctx)
    before, source = digest(upload), digest(root / "source", skip_bytecode=True)
    results, _ = run_without_namespaces(root, python)
    assert "forged" not in json.dumps(results)
    check_results(case, results["tests"])
    check_report(case, (root / "results" / "results.json").read_text())
    assert digest(upload) == before
    assert digest(root / "source", skip_bytecode=True) == source
    assert leftover_processes() == []
    corpus.check_outside()


@pytest.fixture
def marker_course(shared):
    """A course other users can read (a fresh copy, files 644) and a submission whose
    import writes a marker where only root may write."""
    base, _, _ = shared
    folder = Path(tempfile.mkdtemp(dir=base))
    folder.chmod(0o755)
    course = make_course(folder / "course", [HW])
    marker = folder / "ran-as-root"
    submission = make_submission(course / "submitted" / "mallory" / HW, HW, "source")
    with open(submission / "softmax.py", "a") as fh:
        fh.write(f"\nopen({str(marker)!r}, 'w').write('student code ran here')\n")
    yield course, submission, marker
    shutil.rmtree(folder, ignore_errors=True)


def grade_without_namespaces(course: Path, submission: Path, python: Path,
                             package: Path) -> subprocess.CompletedProcess[str]:
    """`course grade` by ``python``, with the grader's package from ``package``."""
    env = {"PATH": "/usr/bin:/bin", "COURSE_ROOT": str(course), "PYTHONPATH": str(package)}
    return subprocess.run([*WITHOUT_SYS_ADMIN, str(python), "-m", "autograder", "grade", HW,
                           str(submission)], cwd=course, capture_output=True, text=True,
                          env=env, timeout=300)


def test_grader_refuses_when_python_is_private(marker_course, shared):
    """With the interpreter's packages in a folder other users cannot enter (a Python
    under /root), does `course grade` refuse, saying why, before any student code runs?"""
    course, submission, marker = marker_course
    base, root, python = shared
    lib = base / "venv" / "lib"
    lib.chmod(0o700)
    try:
        proc = grade_without_namespaces(course, submission, python, root / "source")
    finally:
        lib.chmod(0o755)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "cannot be confined" in proc.stderr and "not readable by other users" in proc.stderr
    assert not marker.exists()


def test_grader_refuses_when_private_folders_are_readable(marker_course, shared):
    """With a shared Python but the reference readable by everyone, does `course grade`
    refuse, naming the folder, before any student code runs?"""
    course, submission, marker = marker_course
    _, root, python = shared
    proc = grade_without_namespaces(course, submission, python, root / "source")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "other users can read" in proc.stderr and "chmod -R go-rwx" in proc.stderr
    assert not marker.exists()


def test_class_run_refuses_when_student_code_cannot_be_confined(marker_course):
    """Does `course autograde` refuse up front, write no grades and run no notebook?"""
    course, _, marker = marker_course
    proc = course_cmd("autograde", HW, "--workers", "1", cwd=course,
                      env={**os.environ, "COURSE_ROOT": str(course)}, timeout=300,
                      prefix=WITHOUT_SYS_ADMIN)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "cannot be confined" in proc.stderr
    assert not (course / "grades.csv").exists() and not marker.exists()
