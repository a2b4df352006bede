"""``course autograde <hw> [--workers N]``: nbgrader autograde + feedback + grades.csv.

Submissions are read from ``submitted/<student>/<hw>/`` (never modified). Students are
split across N nbgrader processes that share the gradebook. A student whose autograde
fails is listed at the end; the others keep their grades, and a re-run grades again
(``--force``) with the same result.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.manifest import load_assignment
from autograder.paths import CourseError, course_root
from autograder.release.build import generate, run_nbgrader, tool_env


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    p = sub.add_parser(name, help="nbgrader autograde + feedback + grades.csv for a class")
    p.add_argument("assignment", metavar="HW")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="parallel nbgrader processes (default: all cores)")
    p.add_argument("--no-feedback", action="store_true", help="skip feedback generation")


def db_url(course: Path) -> str:
    # a generous busy timeout: several nbgrader processes write the same gradebook
    return f"sqlite:///{course / 'gradebook.db'}?timeout=120"


def students_of(course: Path, hw: str) -> list[str]:
    submitted = course / "submitted"
    return sorted(p.parent.name for p in submitted.glob(f"*/{hw}") if p.is_dir())


def autograde_chunks(course: Path, hw: str, chunks: list[list[str]],
                     everyone: list[str]) -> list[tuple[list[str], subprocess.CompletedProcess]]:
    """Run one ``nbgrader autograde`` per chunk of students, all at once."""
    procs = []
    for chunk in chunks:
        exclude = ",".join(s for s in everyone if s not in set(chunk))
        cmd = [sys.executable, "-m", "nbgrader", "autograde", hw, "--force",
               f"--CourseDirectory.root={course}", f"--CourseDirectory.db_url={db_url(course)}"]
        if exclude:
            cmd.append(f"--CourseDirectory.student_id_exclude={exclude}")
        log = tempfile.TemporaryFile(mode="w+")
        procs.append((chunk, subprocess.Popen(cmd, cwd=course, stdout=log, env=tool_env(),
                                              stderr=subprocess.STDOUT, text=True), log))
    done = []
    for chunk, proc, log in procs:
        proc.wait()
        log.seek(0)
        done.append((chunk, subprocess.CompletedProcess(proc.args, proc.returncode, log.read())))
        log.close()
    return done


def graded_students(course: Path, hw: str, students: list[str], notebooks: list[str]) -> list[str]:
    """Students whose every notebook reached autograded/."""
    return [s for s in students
            if all((course / "autograded" / s / hw / nb).is_file() for nb in notebooks)]


def write_grades(course: Path, hw: str, students: list[str]) -> Path:
    """``grades.csv`` for ``hw``: one row per student from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    path = course / "grades.csv"
    with Gradebook(db_url(course)) as gb, open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["assignment", "student_id", "score", "max_score", "auto_score",
                         "needs_manual_grade"])
        for student in students:
            try:
                sub = gb.find_submission(hw, student)
            except MissingEntry:
                writer.writerow([hw, student, "", "", "", "not graded"])
                continue
            auto = sum(g.auto_score or 0 for nb in sub.notebooks for g in nb.grades
                       if g.cell.cell_type == "code")
            writer.writerow([hw, student, round(sub.score, 4), round(sub.max_score, 4),
                             round(auto, 4), sub.needs_manual_grade])
    return path


def run(args: argparse.Namespace) -> int:
    hw = args.assignment
    assignment = load_assignment(hw)
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
    print(f"autograding {len(students)} submission(s) of {hw} with {workers} worker(s)...")
    results = autograde_chunks(course, hw, chunks, students)
    graded = graded_students(course, hw, students, assignment.notebooks)
    failed = [s for s in students if s not in graded]
    if not args.no_feedback and graded:
        run_nbgrader(["generate_feedback", hw, "--force", f"--CourseDirectory.root={course}",
                      f"--CourseDirectory.db_url={db_url(course)}"], cwd=course)
    grades = write_grades(course, hw, students)
    elapsed = time.perf_counter() - start
    with open(grades) as fh:
        rows = list(csv.DictReader(fh))
    width = max(len(s) for s in students)
    print(f"{'student':<{width}}  {'score':>13}  manual grading")
    for row in rows:
        score = f"{row['score']}/{row['max_score']}" if row["score"] else "-"
        print(f"{row['student_id']:<{width}}  {score:>13}  {row['needs_manual_grade']}")
    print(f"graded {len(graded)}/{len(students)} in {elapsed:.1f} s; wrote {grades}")
    if failed:
        print(f"NOT graded ({len(failed)}): {', '.join(failed)} — re-run `course autograde {hw}` "
              "after fixing; nbgrader's log follows")
        for chunk, proc in results:
            if set(chunk) & set(failed):
                print("\n".join(proc.stdout.strip().splitlines()[-15:]))
        return 1
    return 0
