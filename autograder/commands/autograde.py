"""``course autograde <hw> [--workers N] [--execute]``: nbgrader autograde + feedback +
grades.csv.

Submissions are read from ``submitted/<student>/<hw>/`` and never modified: each is taken
in once (``autograder.core.intake``: regular files only, no link followed) into a staging
folder only the grader can read, and nbgrader and the suite read that copy. N workers take
students in shrinking batches (``autograder.nbgrader_bridge.batches``), so they finish
together even when some notebooks run much longer than others. For each batch, a worker
grades the students' code with the suite (in the sandbox; beside nbgrader's previous
batch), then runs nbgrader autograde on their notebooks. By default nbgrader runs no
notebook: the graded copy keeps the outputs the student saved, and each autograded test
cell shows the suite's results (``autograder.nbgrader_bridge.results``), which nbgrader
records as the cell's points. With ``--execute``, nbgrader runs every notebook again in
confined kernels (``autograder.nbgrader_bridge.kernel``), whose hidden test cells print
the same results. When no batch is left, it reconciles the gradebook with the suite's
points (``autograder.nbgrader_bridge.gradebook``: a notebook that crashed, lost its test
cells or tampered with its kernel can neither cost nor gain autograded points) and
generates its students' feedback. nbgrader commands are forked from a process that
imported nbgrader once (``autograder.nbgrader_bridge.fork``). A re-run regrades everyone
with the same result; an interrupted run keeps the finished grades and lists who remains.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from autograder.core.intake import Intake, take_in_to
from autograder.core.paths import CourseError, course_root
from autograder.grading import runner
from autograder.grading.report import cell_results
from autograder.nbgrader_bridge.batches import SMALLEST, Batches
from autograder.nbgrader_bridge.fork import Command, NbgraderForks
from autograder.nbgrader_bridge.gradebook import reconcile, write_grades
from autograder.nbgrader_bridge.kernel import ConfinedKernels
from autograder.nbgrader_bridge.notebook_cells import unrunnable
from autograder.release.build import generate, tool_env


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    p = sub.add_parser(name, help="nbgrader autograde + feedback + grades.csv for a class")
    p.add_argument("assignment", metavar="HW")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="parallel nbgrader processes (default: all cores)")
    p.add_argument("--cell-timeout", type=int, default=60,
                   help="seconds a notebook cell may run before nbgrader stops it")
    p.add_argument("--no-feedback", action="store_true", help="skip feedback generation")
    p.add_argument("--execute", action="store_true",
                   help="run every notebook again in confined kernels (slower); by default "
                        "the graded copies keep the outputs the students saved")


# nbconvert's HTMLExporter without its slow re-parse of each page (see feedback_html)
FEEDBACK_EXPORTER = "autograder.nbgrader_bridge.feedback_html.FeedbackHTMLExporter"
# nbgrader's own autograde preprocessors (nbgrader.converters.autograde) after its first,
# Execute, which is either capped (--execute: autograder.nbgrader_bridge.execute) or replaced by
# the suite's results (autograder.nbgrader_bridge.results)
AFTER_EXECUTE = [
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
EXECUTE = "autograder.nbgrader_bridge.execute.CappedExecute"
SUITE_RESULTS = "autograder.nbgrader_bridge.results.SuiteResults"
# nbgrader's sanitizing preprocessors without ClearOutput: without --execute, the outputs
# the student saved are what the graded copy and the feedback show
KEEP_OUTPUTS = [
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]


def preprocessor_args(execute: bool) -> list[str]:
    """How nbgrader autograde is told to run (or not run) the notebooks."""
    if execute:
        return [f"--Autograde.autograde_preprocessors={json.dumps([EXECUTE, *AFTER_EXECUTE])}"]
    return [f"--Autograde.autograde_preprocessors="
            f"{json.dumps([SUITE_RESULTS, *AFTER_EXECUTE])}",
            f"--Autograde.sanitize_preprocessors={json.dumps(KEEP_OUTPUTS)}"]
# nbgrader's own format plus the time, so autograde.log shows where a run spends it
LOG_FORMAT = "%(asctime)s.%(msecs)03d [%(name)s | %(levelname)s] %(message)s"


def db_url(course: Path) -> str:
    # a generous busy timeout: several nbgrader processes write the same gradebook
    return f"sqlite:///{course / 'gradebook.db'}?timeout=120"


# a student id nbgrader can take: its lists are comma-separated and its paths globbed
STUDENT_ID = re.compile(r"[\w@+-][\w.@+ -]{0,99}")


def students_of(course: Path, hw: str) -> tuple[list[str], dict[str, str]]:
    """(the students with a submission of ``hw``, {folder name: why it is skipped}).
    Links are not followed: a student's folder must be a real folder."""
    submitted = course / "submitted"
    found, skipped = [], {}
    try:
        entries = sorted(os.scandir(submitted), key=lambda e: e.name)
    except OSError:
        return [], {}
    for entry in entries:
        if not entry.is_dir(follow_symlinks=False):
            continue
        if not os.path.lexists(os.path.join(entry.path, hw)):
            continue
        if not STUDENT_ID.fullmatch(entry.name):
            skipped[entry.name] = ("the folder name cannot be a student id (letters, digits, "
                                   "spaces and _ . @ + - only, not first a dot or space)")
        else:
            found.append(entry.name)
    return found, skipped


def nbgrader_args(verb: str, hw: str, course: Path, chunk: list[str], everyone: list[str],
                  *extra: str) -> list[str]:
    """The arguments of ``nbgrader <verb>`` restricted to the students of ``chunk``."""
    cmd = [verb, hw, "--force",
           f"--CourseDirectory.root={course}", f"--CourseDirectory.db_url={db_url(course)}",
           f"--NbGrader.log_format={LOG_FORMAT}", *extra]
    exclude = ",".join(s for s in everyone if s not in set(chunk))
    if exclude:
        cmd.append(f"--CourseDirectory.student_id_exclude={exclude}")
    return cmd


class Worker:
    """One worker's pipeline. Per batch it takes: the suite on the students' code, then
    nbgrader autograde of their notebooks in confined kernels (once the assignment is
    ``registered`` in the gradebook); while nbgrader grades one batch, a second thread
    runs the suite on the next (the first batch is small, so that nbgrader starts soon).
    When no batch is left: reconciliation of the gradebook with the suite (a notebook
    can neither cost nor gain autograded points), then feedback for all its students
    (which must show the reconciled scores). Feedback per batch, beside nbgrader's next
    batch, cost more than it saved: each run of generate_feedback has ~1 s of fixed cost,
    and the processors are busy anyway."""

    def __init__(self, course: Path, suite: runner.LoadedSuite, batches: Batches,
                 everyone: list[str], args: argparse.Namespace, registered: Future[None],
                 procs: list[Command], staging: Path) -> None:
        self.course, self.suite, self.batches = course, suite, batches
        self.staging = staging
        self.everyone, self.args, self.registered, self.procs = everyone, args, registered, procs
        self.hw = suite.assignment.id
        self.log: list[str] = []
        self.mine: list[str] = []
        self.scores: dict[str, dict[str, float]] = {}
        # the kernel server and the nbgrader fork process warm up during the first suite
        self.kernels = ConfinedKernels(tool_env(), server=args.execute)
        self.forks = NbgraderForks(tool_env(), course)

    def run(self) -> tuple[list[str], str, list]:
        """Grade batches until none is left; returns (its students, log, corrections)."""
        try:
            try:
                self.grade_batches()
            finally:
                self.kernels.close()
            return self.mine, "\n".join(self.log), self.finish()
        finally:
            self.forks.close()

    def grade_batches(self) -> None:
        ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="suite-ahead")
        try:
            batch = self.batches.take(limit=SMALLEST)
            self.run_suite(batch)
            while batch:
                self.mine += batch
                following = self.batches.take()
                suite_done = ahead.submit(self.run_suite, following)
                self.registered.result()
                try:
                    autograde_batch(batch, self.course, self.hw,
                                    self.suite.assignment.notebooks, self.everyone, self.args,
                                    self.kernels, self.log, self.run_logged, self.staging)
                except Exception:  # noqa: BLE001 - their points still come from the suite
                    self.log.append("[course autograde | ERROR] nbgrader could not grade "
                                    f"{', '.join(batch)}:\n{traceback.format_exc()}")
                suite_done.result()
                batch = following
        finally:
            ahead.shutdown(cancel_futures=True)

    def run_suite(self, batch: list[str]) -> None:
        for student in batch:
            if self.batches.stopped:
                return
            intake = take_in_student(self.course, self.hw, student, self.staging)
            result = runner.grade(self.suite, intake.original, intake=intake)
            cells = cell_results(result)
            self.kernels.add_results(student, cells)
            self.scores[student] = {cell: entry["points"] for cell, entry in cells.items()}

    def finish(self) -> list:
        """Reconcile the gradebook with the suite, then write feedback; the corrections."""
        if self.batches.stopped:
            return []
        corrections = reconcile(db_url(self.course), self.hw, self.scores)
        executed = executed_students(self.course, self.hw, self.mine,
                                     self.suite.assignment.notebooks)
        if executed and not self.args.no_feedback:
            self.run_logged(nbgrader_args(
                "generate_feedback", self.hw, self.course, executed, self.everyone,
                f"--GenerateFeedback.exporter_class={FEEDBACK_EXPORTER}"))
        return corrections

    def run_logged(self, argv: list[str]) -> str:
        """``nbgrader <argv>``; its output is added to the log and returned."""
        # output to a file, and wait for nbgrader itself: a process that a notebook left
        # behind may hold a pipe open (and print bytes that are not UTF-8) until
        # kernels.close() ends it
        if self.batches.stopped:  # interrupted: start nothing new
            return ""
        with tempfile.NamedTemporaryFile(prefix="nbgrader-", suffix=".log") as output:
            command = self.forks.start(argv, self.course, self.kernels.env(tool_env()),
                                       Path(output.name))
            self.procs.append(command)
            if self.batches.stopped:  # interrupted while it started
                command.terminate()
            self.forks.wait(command)
            self.log.append(output.read().decode("utf-8", errors="replace"))
        return self.log[-1]


def take_in_student(course: Path, hw: str, student: str, staging: Path) -> Intake:
    """The grader's copy of a student's submission, in ``staging/<student>/<hw>`` (where
    nbgrader reads it); a submission that cannot be taken in at all (its folder is a
    link, say) becomes an empty one, with the reason for the student."""
    dest = staging / student / hw
    shutil.rmtree(dest.parent, ignore_errors=True)
    dest.parent.mkdir(mode=0o700)
    submitted = course / "submitted"
    try:
        return take_in_to(submitted / student / hw, dest, base=submitted)
    except CourseError as exc:
        dest.mkdir(mode=0o700, exist_ok=True)
        return Intake(dest, submitted / student / hw, refused={".": f"was not graded ({exc})"})


def autograde_batch(batch: list[str], course: Path, hw: str, notebooks: list[str],
                    everyone: list[str], args: argparse.Namespace, kernels: ConfinedKernels,
                    log: list[str], run_logged: Callable[[list[str]], str],
                    staging: Path) -> None:
    """nbgrader autograde of one batch's notebooks (read from the grader's copies in
    ``staging``). Students whose notebooks nbgrader cannot take are kept out; when
    nbgrader stops on one student, it runs again for those it did not reach."""
    problems = {s: unrunnable(staging / s / hw, notebooks) for s in batch}
    for student, problem in problems.items():
        if problem:
            log.append(f"[course autograde | ERROR] {student} kept out of nbgrader: {problem}")
    pending = [s for s in batch if not problems[s]]
    if pending and args.execute and not kernels.wait_for_server():
        log.append("[course autograde | WARNING] the kernel server did not start; "
                   "each kernel starts from scratch (slower)")
    while pending:  # nbgrader stops the whole run on some students: go on without them
        text = run_logged(nbgrader_args("autograde", hw, course, pending, everyone,
                                        f"--Execute.timeout={args.cell_timeout}",
                                        f"--CourseDirectory.submitted_directory={staging}",
                                        *preprocessor_args(args.execute),
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
    found = [i for i in (log.find(f"/{student}/{hw}/"), log.find(f"ID '{student}'"))
             if i >= 0]
    return min(found, default=-1)


def register(hw: str, course: Path) -> None:
    """nbgrader generate_assignment, for the gradebook; the generated student version goes
    to a throwaway folder."""
    with tempfile.TemporaryDirectory(prefix="course-autograde-") as tmp:
        generate(hw, course, release_to=Path(tmp))


def executed_students(course: Path, hw: str, students: list[str],
                      notebooks: list[str]) -> list[str]:
    """Students whose every notebook nbgrader executed into autograded/."""
    return [s for s in students
            if all((course / "autograded" / s / hw / nb).is_file() for nb in notebooks)]


def run(args: argparse.Namespace) -> int:
    hw = args.assignment
    suite = runner.load(hw)
    course = course_root()
    students, skipped = students_of(course, hw)
    for name, why in skipped.items():
        print(f"skipped {name!r:.80}: {why}")
    if not students:
        raise CourseError(f"no submissions: put them in {course / 'submitted'}/<student>/{hw}/")
    runner.check_confinement()
    staging = Path(tempfile.mkdtemp(prefix="course-submitted-"))
    try:
        return grade_class(args, hw, suite, course, students, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def grade_class(args: argparse.Namespace, hw: str, suite: runner.LoadedSuite, course: Path,
                students: list[str], staging: Path) -> int:
    """The class run of ``run``: workers, then grades.csv and the report."""
    start = time.perf_counter()
    workers = max(1, min(args.workers, len(students)))
    batches = Batches(students, workers)
    print(f"autograding {len(students)} submission(s) of {hw} with {workers} worker(s)...",
          flush=True)
    procs: list[Command] = []
    pool = ThreadPoolExecutor(max_workers=workers + 1)
    # registers the assignment (notebooks, cells, points) in the gradebook while the
    # workers start on the suite; nbgrader autograde waits for it
    registered = pool.submit(register, hw, course)
    futures = [pool.submit(Worker(course, suite, batches, students, args, registered,
                                  procs, staging).run) for _ in range(workers)]
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
