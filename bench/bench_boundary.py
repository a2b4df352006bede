"""What the trust boundary costs: grading with today's code against the commit before it
(``BASELINE``), alternating run by run in the same minutes: `course grade` of one hw1
submission, and `course autograde` of a class of ``BENCH_BOUNDARY_CLASS`` (default 20)
hw1 submissions with 2 workers. Run as root to measure what students' code pays for its
confinement (a user id, namespaces, the intake copy, the kernel's folder copy).

The baseline is checked out into a temporary git worktree and imported from there
(``PYTHONPATH``), with this project's installed packages; each version grades a course
made by its own ``autograder.verification.simulate``.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.core.paths import course_root

BASELINE = "d2ad836"  # the last commit before the trust-boundary changes (2026-12-07)
HW = "hw1_softmax"
CLASS_SIZE = int(os.environ.get("BENCH_BOUNDARY_CLASS", "20"))
MAKE_CLASS = """
import sys
from pathlib import Path
from autograder.verification.mutants import load_mutants
from autograder.core.paths import course_root
from autograder.verification.simulate import make_course, make_submission
course = make_course(Path(sys.argv[1]), [sys.argv[2]])
mutants = load_mutants(course_root() / "assignments" / sys.argv[2] / "mutants.toml")
for i in range(int(sys.argv[3])):
    dest = course / "submitted" / f"student{i:03d}" / sys.argv[2]
    if i % 4 == 0:
        make_submission(dest, sys.argv[2], "source")
    elif i % 4 == 1:
        make_submission(dest, sys.argv[2], "release")
    else:
        make_submission(dest, sys.argv[2], mutant=mutants[i % len(mutants)])
"""


def checkout(commit: str, where: Path) -> Path:
    subprocess.run(["git", "worktree", "add", "--detach", str(where), commit],
                   cwd=course_root(), check=True, capture_output=True)
    return where


def version_env(tree: Path, course: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree), "COURSE_ROOT": str(course)}


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def run(repeats: int = 3) -> list[dict]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-boundary-"))
    tmp.chmod(0o755)
    try:
        trees = {"baseline": checkout(BASELINE, tmp / "baseline"), "ours": course_root()}
        courses = {}
        for name, tree in trees.items():
            course = tmp / f"course-{name}"
            subprocess.run([sys.executable, "-c", MAKE_CLASS, str(course), HW,
                            str(CLASS_SIZE)], cwd=tmp, env={**os.environ, "PYTHONPATH": str(tree)},
                           check=True, capture_output=True)
            courses[name] = course
        grade: dict[str, list[float]] = {name: [] for name in trees}
        autograde: dict[str, list[float]] = {name: [] for name in trees}
        for _ in range(repeats):
            for name, tree in trees.items():
                course = courses[name]
                one = course / "submitted" / "student000" / HW
                grade[name].append(timed([sys.executable, "-m", "autograder", "grade", HW,
                                          str(one)], course, version_env(tree, course)))
            for name, tree in trees.items():
                course = courses[name]
                for generated in ("autograded", "feedback", "gradebook.db"):
                    path = course / generated
                    if path.is_dir():
                        shutil.rmtree(path)
                    else:
                        path.unlink(missing_ok=True)
                autograde[name].append(timed(
                    [sys.executable, "-m", "autograder", "autograde", HW, "--workers", "2"],
                    course, version_env(tree, course)))
        rows = []
        for label, times in ((f"course grade, one {HW} submission (wall)", grade),
                             (f"course autograde, {CLASS_SIZE} {HW} submissions, 2 workers",
                              autograde)):
            base, ours = statistics.median(times["baseline"]), statistics.median(times["ours"])
            rows.append({"benchmark": label, "baseline": f"before the trust boundary "
                         f"({BASELINE})", "baseline_s": base, "ours_s": ours,
                         "ratio": base / ours,
                         "note": "as root" if os.geteuid() == 0 else "not as root"})
        return rows
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tmp / "baseline")],
                       cwd=course_root(), capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
