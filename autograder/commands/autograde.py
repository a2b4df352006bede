"""``course autograde <hw> [--workers N]``: nbgrader autograde + feedback + grades.csv.

Submissions are read from ``submitted/<student>/<hw>/`` and never modified. N workers take
students in shrinking batches (``autograder.batches``), so they finish together even when
some notebooks run much longer than others. For each batch, a worker grades the students'
code with the suite (in the sandbox, outside any notebook kernel), then runs nbgrader
autograde on their notebooks in confined kernels (``autograder.sandbox.kernel``: the
hidden test cells show the results computed before). At the end each worker reconciles
the gradebook with the suite's points for its students (``autograder.gradebook``: a
notebook that crashed, lost its test cells or tampered with its kernel can neither cost
nor gain autograded points) and generates their feedback. A re-run regrades everyone with the
same result; an interrupted run keeps the finished grades and lists who remains.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autograder import runner
from autograder.batches import Batches
from autograder.gradebook import reconcile, write_grades
from autograder.notebook_cells import unrunnable
from autograder.paths import CourseError, course_root
from autograder.release.build import generate, tool_env
from autograder.report import cell_results
from autograder.sandbox.kernel import ConfinedKernels


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    p = sub.add_parser(name, help="nbgrader autograde + feedback + grades.csv for a class")
    p.add_argument("assignment", metavar="HW")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="parallel nbgrader processes (default: all cores)")
    p.add_argument("--cell-timeout", type=int, default=60,
                   help="seconds a notebook cell may run before nbgrader stops it")
    p.add_argument("--no-feedback", action="store_true", help="skip feedback generation")


# nbconvert's HTMLExporter without its slow re-parse of each page (autograder.feedback_html)
FEEDBACK_EXPORTER = "autograder.feedback_html.FeedbackHTMLExporter"
# nbgrader's own format plus the time, so autograde.log shows where a run spends it
LOG_FORMAT = "%(asctime)s.%(msecs)03d [%(name)s | %(levelname)s] %(message)s"


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
           f"--NbGrader.log_format={LOG_FORMAT}", *extra]
    exclude = ",".join(s for s in everyone if s not in set(chunk))
    if exclude:
        cmd.append(f"--CourseDirectory.student_id_exclude={exclude}")
    return cmd


def grade_share(course: Path, suite: runner.LoadedSuite, batches: Batches,
                everyone: list[str], args: argparse.Namespace,
                procs: list[subprocess.Popen]) -> tuple[list[str], str, list]:
    """One worker's pipeline. For each batch it takes: the suite on the students' code,
    then nbgrader autograde of their notebooks in confined kernels. Once no batch is
    left: reconciliation of the gradebook with the suite (a notebook can neither cost
    nor gain autograded points), then feedback for all its students (which must show the
    reconciled scores). Returns (its students, log, corrections)."""
    hw = suite.assignment.id
    log: list[str] = []
    mine: list[str] = []
    scores: dict[str, dict[str, float]] = {}
    kernels = ConfinedKernels(tool_env())  # its kernel server warms up during the suite

    def run_logged(cmd: list[str]) -> str:
        # output to a file, and wait for nbgrader itself: a process that a notebook left
        # behind may hold a pipe open (and print bytes that are not UTF-8) until
        # kernels.close() ends it
        if batches.stopped:  # interrupted: start nothing new
            return ""
        with tempfile.TemporaryFile() as output:
            proc = subprocess.Popen(cmd, cwd=course, env=kernels.env(tool_env()),
                                    stdout=output, stderr=subprocess.STDOUT)
            procs.append(proc)
            if batches.stopped:  # interrupted while it started
                proc.terminate()
            proc.wait()
            output.seek(0)
            log.append(output.read().decode("utf-8", errors="replace"))
        return log[-1]

    try:
        while batch := batches.take():
            mine += batch
            for student in batch:
                result = runner.grade(suite, course / "submitted" / student / hw)
                cells = cell_results(result)
                kernels.add_results(student, cells)
                scores[student] = {cell: entry["points"] for cell, entry in cells.items()}
            autograde_batch(batch, course, hw, suite.assignment.notebooks, everyone, args,
                            kernels, log, run_logged)
    finally:
        kernels.close()
        restore_owner(course, hw, mine)
    if batches.stopped:
        return mine, "\n".join(log), []
    corrections = reconcile(db_url(course), hw, scores)
    executed = executed_students(course, hw, mine, suite.assignment.notebooks)
    if executed and not args.no_feedback:
        run_logged(nbgrader_cmd("generate_feedback", hw, course, executed, everyone,
                                f"--GenerateFeedback.exporter_class={FEEDBACK_EXPORTER}"))
    return mine, "\n".join(log), corrections


def autograde_batch(batch: list[str], course: Path, hw: str, notebooks: list[str],
                    everyone: list[str], args: argparse.Namespace, kernels: ConfinedKernels,
                    log: list[str], run_logged: Callable[[list[str]], str]) -> None:
    """nbgrader autograde of one batch's notebooks. Students whose notebooks nbgrader
    cannot take are kept out; when nbgrader stops on one student, it runs again for
    those it did not reach."""
    problems = {s: unrunnable(course / "submitted" / s / hw, notebooks) for s in batch}
    for student, problem in problems.items():
        if problem:
            log.append(f"[course autograde | ERROR] {student} kept out of nbgrader: {problem}")
    pending = [s for s in batch if not problems[s]]
    if pending and not kernels.wait_for_server():
        log.append("[course autograde | WARNING] the kernel server did not start; "
                   "each kernel starts from scratch (slower)")
    while pending:  # nbgrader stops the whole run on some students: go on without them
        text = run_logged(nbgrader_cmd("autograde", hw, course, pending, everyone,
                                       f"--Execute.timeout={args.cell_timeout}",
                                       *kernels.nbgrader_args()))
        seen = {s: first_mention(text, s, hw) for s in pending}
        left = [s for s in pending if seen[s] < 0]
        started = [s for s in pending if seen[s] >= 0]
        if not left or not started:
            break
        culprit = max(started, key=seen.__getitem__)
        log.append(f"[course autograde | ERROR] nbgrader stopped while grading {culprit}; "
                   f"going on with the {len(left)} student(s) it did not reach")
        pending = left


def first_mention(log: str, student: str, hw: str) -> int:
    """Where nbgrader's log first mentions working on ``student`` (-1: never)."""
    found = [i for i in (log.find(f"/submitted/{student}/{hw}"), log.find(f"ID '{student}'"))
             if i >= 0]
    return min(found, default=-1)


def restore_owner(course: Path, hw: str, students: list[str]) -> None:
    """Give the graded copies (which confined kernels owned) back to the course's owner."""
    if os.geteuid() != 0:
        return
    owner = course.stat()
    for student in students:
        folder = course / "autograded" / student / hw
        for path in [folder, *folder.rglob("*")] if folder.is_dir() else []:
            os.chown(path, owner.st_uid, owner.st_gid, follow_symlinks=False)


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
    batches = Batches(students, workers)
    print(f"autograding {len(students)} submission(s) of {hw} with {workers} worker(s)...",
          flush=True)
    procs: list[subprocess.Popen] = []
    pool = ThreadPoolExecutor(max_workers=workers)
    futures = [pool.submit(grade_share, course, suite, batches, students, args, procs)
               for _ in range(workers)]
    try:
        outcomes = [f.result() for f in futures]
    except KeyboardInterrupt:
        batches.stop()
        for proc in procs:
            proc.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        done = executed_students(course, hw, students, suite.assignment.notebooks)
        remaining = [s for s in students if s not in done]
        print(f"\ninterrupted: {len(done)} graded and kept; remaining ({len(remaining)}): "
              f"{', '.join(remaining)}. Re-run `course autograde {hw}` to finish.")
        return 130
    pool.shutdown()
    logs = [(mine, log) for mine, log, _ in outcomes]
    corrections = [c for _, _, found in outcomes for c in found]
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
    log_file = course / "autograde.log"
    log_file.write_text("\n".join(log for _, log in logs))
    print(f"graded {len(rows)} submission(s) in {seconds:.1f} s; wrote {course / 'grades.csv'} "
          f"and nbgrader's log {log_file}")
    if failed:
        print(f"nbgrader could not execute the notebooks of {len(failed)} student(s): "
              f"{', '.join(failed)}; their autograded points come from the suite alone and "
              "they get no feedback file. nbgrader's errors:")
        for chunk, log in logs:
            if set(chunk) & set(failed):
                errors = [line for line in log.splitlines() if re.search(r"\bERROR\]", line)
                          and not line.endswith("Traceback (most recent call last):")]
                print("\n".join("  " + line for line in errors[-10:]))
    for c in corrections:
        before = "unscored" if c.nbgrader is None else f"{c.nbgrader:g}"
        print(f"  {c.student}: cell {c.cell} set to {c.suite:g} points by the suite "
              f"(nbgrader: {before})")
