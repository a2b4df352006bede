"""Grading speed: `course grade` per submission, Gradescope's run_autograder from the
unpacked zip, and `course autograde` (nbgrader) of a simulated class with 2 workers, both
ways (saved outputs kept; notebooks run again with --execute), against stock nbgrader on
the same class. ``BENCH_CLASS_SIZE`` sets the class (default 100)."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from autograder.core.paths import all_assignments, course_root
from autograder.verification.mutants import load_mutants
from autograder.verification.simulate import make_course, make_submission

CLASS_SIZE = int(os.environ.get("BENCH_CLASS_SIZE", "100"))


def timed(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def grade_rows(repeats: int) -> list[dict]:
    rows = []
    root = course_root()
    for hw in all_assignments():
        cmd = [sys.executable, "-m", "autograder", "grade", hw, str(root / "source" / hw)]
        times = [timed(cmd, root) for _ in range(repeats)]
        rows.append({"benchmark": f"course grade, one {hw} submission (wall)",
                     "baseline": "target 10 s", "baseline_s": 10.0,
                     "ours_s": statistics.median(times),
                     "ratio": 10.0 / statistics.median(times)})
    return rows


def gradescope_rows(repeats: int) -> list[dict]:
    """run_autograder of the unpacked zip on the reference, as Gradescope runs it."""
    rows = []
    root = course_root()
    for hw in all_assignments():
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp) / "autograder"
            subprocess.run([sys.executable, "-m", "autograder", "gradescope", hw, "--out",
                            str(Path(tmp) / "zip")], cwd=root, check=True, capture_output=True)
            with zipfile.ZipFile(Path(tmp) / "zip" / f"{hw}_autograder.zip") as zf:
                zf.extractall(tree / "source")
            make_submission(tree / "submission", hw, "source")
            env = {"PATH": os.environ["PATH"], "AUTOGRADER_ROOT": str(tree),
                   "AUTOGRADER_PYTHON": sys.executable}
            times = [timed(["bash", str(tree / "source" / "run_autograder")], tree, env)
                     for _ in range(repeats)]
        rows.append({"benchmark": f"Gradescope run_autograder, one {hw} submission (wall)",
                     "baseline": "target 10 s", "baseline_s": 10.0,
                     "ours_s": statistics.median(times),
                     "ratio": 10.0 / statistics.median(times)})
    return rows


def build_class(tmp: Path, hw: str, size: int) -> Path:
    course = make_course(tmp / "course", [hw])
    mutants = load_mutants(course_root() / "assignments" / hw / "mutants.toml")
    for i in range(size):
        kind = i % 4
        dest = course / "submitted" / f"student{i:03d}" / hw
        if kind == 0:
            make_submission(dest, hw, "source")
        elif kind == 1:
            make_submission(dest, hw, "release")
        else:
            make_submission(dest, hw, mutant=mutants[i % len(mutants)])
    return course


def fresh(course: Path) -> None:
    """Remove what a previous grading of ``course`` wrote."""
    for folder in ("autograded", "feedback"):
        shutil.rmtree(course / folder, ignore_errors=True)
    (course / "gradebook.db").unlink(missing_ok=True)


def plain_nbgrader(course: Path, hw: str, env: dict[str, str]) -> float:
    """Stock nbgrader on the same class: generate (for the gradebook), autograde (every
    notebook run in an ordinary kernel, one at a time), feedback."""
    # nbgrader calls alembic by name: the venv's bin/ on PATH, as release.build.tool_env
    # puts it, but without tool_env's single-threaded BLAS: this is nbgrader as installed
    env = {**env, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"}
    start = time.perf_counter()
    for verb in ("generate_assignment", "autograde", "generate_feedback"):
        subprocess.run([sys.executable, "-m", "nbgrader", verb, hw, "--force",
                        f"--CourseDirectory.root={course}"], cwd=course, env=env, check=True,
                       capture_output=True)
    return time.perf_counter() - start


def autograde_rows(hw: str, size: int) -> list[dict]:
    """`course autograde` of a class, 2 workers, both ways, against stock nbgrader."""
    with tempfile.TemporaryDirectory() as tmp:
        course = build_class(Path(tmp), hw, size)
        env = {**os.environ, "COURSE_ROOT": str(course)}
        times = {}
        for name, args in (("default", []), ("--execute", ["--execute"])):
            fresh(course)
            times[name] = timed([sys.executable, "-m", "autograder", "autograde", hw,
                                 "--workers", "2", *args], course, env)
            print(f"course autograde {name}: {times[name]:.1f} s", file=sys.stderr)
        fresh(course)
        times["nbgrader"] = plain_nbgrader(course, hw, env)
        print(f"plain nbgrader: {times['nbgrader']:.1f} s", file=sys.stderr)
        one = make_one(course, hw, env)
    plain = "plain nbgrader (generate, autograde, feedback)"
    return [
        {"benchmark": f"course autograde, {size} {hw} submissions, 2 workers (saved "
         "outputs kept)", "baseline": plain, "baseline_s": times["nbgrader"],
         "ours_s": times["default"], "ratio": times["nbgrader"] / times["default"]},
        {"benchmark": f"course autograde --execute, {size} {hw} submissions, 2 workers "
         "(notebooks run again, confined)", "baseline": plain,
         "baseline_s": times["nbgrader"], "ours_s": times["--execute"],
         "ratio": times["nbgrader"] / times["--execute"]},
        {"benchmark": f"course autograde, one {hw} submission", "baseline": "target 30 s",
         "baseline_s": 30.0, "ours_s": one, "ratio": 30.0 / one},
    ]


def make_one(course: Path, hw: str, env: dict[str, str]) -> float:
    """Autograde a class of one (the per-submission cost, start-up included)."""
    for folder in ("submitted", "autograded", "feedback"):
        shutil.rmtree(course / folder, ignore_errors=True)
    make_submission(course / "submitted" / "solo" / hw, hw, "source")
    return timed([sys.executable, "-m", "autograder", "autograde", hw, "--workers", "1"],
                 course, env)


def run(repeats: int = 5) -> list[dict]:
    return (grade_rows(repeats) + gradescope_rows(repeats)
            + autograde_rows("hw1_softmax", CLASS_SIZE))


if __name__ == "__main__":
    from bench.__main__ import table

    print(table(run()))
