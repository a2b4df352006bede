"""``course autograde <hw> [--workers N]``: nbgrader autograde + feedback + grades.csv.

Submissions are read from ``submitted/<student>/<hw>/`` and never modified. Students are
split across N nbgrader processes sharing the gradebook. Afterwards every student's
autograded cells are reconciled with the suite run outside the notebook kernel (see
``autograder.gradebook``), so a student whose notebook crashed nbgrader still gets the
points their code earns, and the others are unaffected. A re-run regrades everyone with
the same result; an interrupted run keeps the finished grades and lists who remains.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autograder import runner
from autograder.gradebook import reconcile, suite_scores, write_grades
from autograder.paths import CourseError, course_root
from autograder.release.build import generate, tool_env


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    p = sub.add_parser(name, help="nbgrader autograde + feedback + grades.csv for a class")
    p.add_argument("assignment", metavar="HW")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="parallel nbgrader processes (default: all cores)")
    p.add_argument("--cell-timeout", type=int, default=60,
                   help="seconds a notebook cell may run before nbgrader stops it")
    p.add_argument("--no-feedback", action="store_true", help="skip feedback generation")


def db_url(course: Path) -> str:
    # a generous busy timeout: several nbgrader processes write the same gradebook
    return f"sqlite:///{course / 'gradebook.db'}?timeout=120"


def students_of(course: Path, hw: str) -> list[str]:
    submitted = course / "submitted"
    return sorted(p.parent.name for p in submitted.glob(f"*/{hw}") if p.is_dir())


def nbgrader_cmd(verb: str, hw: str, course: Path, chunk: list[str], everyone: list[str],
                 *extra: str) -> list[str]:
    """``nbgrader <verb>`` restricted to the students of ``chunk``."""
    cmd = [sys.executable, "-m", "nbgrader", verb, hw, "--force",
           f"--CourseDirectory.root={course}", f"--CourseDirectory.db_url={db_url(course)}",
           *extra]
    exclude = ",".join(s for s in everyone if s not in set(chunk))
    if exclude:
        cmd.append(f"--CourseDirectory.student_id_exclude={exclude}")
    return cmd


def grade_chunk(course: Path, suite: runner.LoadedSuite, chunk: list[str],
                everyone: list[str], args: argparse.Namespace,
                procs: list[subprocess.Popen]) -> tuple[str, list]:
    """One worker's pipeline for its students: nbgrader autograde, reconciliation with the
    suite, then feedback (which must show the reconciled scores). Returns (log, corrections)."""
    hw = suite.assignment.id
    log = []

    def run_logged(cmd: list[str]) -> None:
        proc = subprocess.Popen(cmd, cwd=course, env=tool_env(), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        procs.append(proc)
        log.append(proc.communicate()[0])

    run_logged(nbgrader_cmd("autograde", hw, course, chunk, everyone,
                            f"--Execute.timeout={args.cell_timeout}"))
    submitted = {s: course / "submitted" / s / hw for s in chunk}
    corrections = reconcile(db_url(course), hw, suite_scores(suite, submitted, 1))
    executed = executed_students(course, hw, chunk, suite.assignment.notebooks)
    if executed and not args.no_feedback:
        run_logged(nbgrader_cmd("generate_feedback", hw, course, executed, everyone))
    return "\n".join(log), corrections


def executed_students(course: Path, hw: str, students: list[str],
                      notebooks: list[str]) -> list[str]:
    """Students whose every notebook nbgrader executed into autograded/."""
    return [s for s in students
            if all((course / "autograded" / s / hw / nb).is_file() for nb in notebooks)]


def run(args: argparse.Namespace) -> int:
    hw = args.assignment
    suite = runner.load(hw)
    course = course_root()
    students = students_of(course, hw)
    if not students:
        raise CourseError(f"no submissions: put them in {course / 'submitted'}/<student>/{hw}/")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="course-autograde-") as tmp:
        # registers the assignment (notebooks, cells, points) in the gradebook; the
        # generated student version goes to a throwaway folder
        generate(hw, course, release_to=Path(tmp))
    workers = max(1, min(args.workers, len(students)))
    chunks = [students[i::workers] for i in range(workers)]
    print(f"autograding {len(students)} submission(s) of {hw} with {workers} worker(s)...",
          flush=True)
    procs: list[subprocess.Popen] = []
    pool = ThreadPoolExecutor(max_workers=workers)
    futures = [pool.submit(grade_chunk, course, suite, chunk, students, args, procs)
               for chunk in chunks]
    try:
        outcomes = [f.result() for f in futures]
    except KeyboardInterrupt:
        for proc in procs:
            proc.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        done = executed_students(course, hw, students, suite.assignment.notebooks)
        remaining = [s for s in students if s not in done]
        print(f"\ninterrupted: {len(done)} graded and kept; remaining ({len(remaining)}): "
              f"{', '.join(remaining)}. Re-run `course autograde {hw}` to finish.")
        return 130
    pool.shutdown()
    logs = [(chunk, log) for chunk, (log, _) in zip(chunks, outcomes, strict=True)]
    corrections = [c for _, found in outcomes for c in found]
    executed = executed_students(course, hw, students, suite.assignment.notebooks)
    failed = [s for s in students if s not in executed]
    rows = write_grades(db_url(course), hw, students, course / "grades.csv")
    report(rows, corrections, failed, logs, time.perf_counter() - start, course)
    return 0


def report(rows: list[dict[str, str]], corrections: list, failed: list[str],
           logs: list[tuple[list[str], str]], seconds: float, course: Path) -> None:
    width = max(len(r["student_id"]) for r in rows)
    print(f"{'student':<{width}}  {'score':>13}  manual grading pending")
    for row in rows:
        score = f"{row['score']}/{row['max_score']}" if row["score"] else "-"
        print(f"{row['student_id']:<{width}}  {score:>13}  {row['needs_manual_grade']}")
    print(f"graded {len(rows)} submission(s) in {seconds:.1f} s; wrote {course / 'grades.csv'}")
    if failed:
        print(f"nbgrader could not execute the notebooks of {len(failed)} student(s): "
              f"{', '.join(failed)}; their autograded points come from the suite alone and "
              "they get no feedback file. nbgrader's log:")
        for chunk, log in logs:
            if set(chunk) & set(failed):
                errors = [line for line in log.splitlines() if "[ERROR]" in line]
                print("\n".join("  " + line for line in errors[-10:]))
    for c in corrections:
        before = "unscored" if c.nbgrader is None else f"{c.nbgrader:g}"
        print(f"  {c.student}: cell {c.cell} set to {c.suite:g} points by the suite "
              f"(nbgrader: {before})")
