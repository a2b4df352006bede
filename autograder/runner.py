"""Run an assignment's graded suite against one submission."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder import textcap
from autograder.expect import Failure
from autograder.intake import Intake, take_in, take_in_empty
from autograder.manifest import Assignment, load_assignment
from autograder.paths import CourseError, assignment_dir, private_paths, source_dir
from autograder.sandbox.isolation import ConfinementError
from autograder.sandbox.student import Student, StudentError
from autograder.suite import GradedTest, Reference, load_reference, load_suite


@dataclass
class TestResult:
    """The outcome of one graded test."""

    name: str
    title: str
    cell: str
    tags: tuple[str, ...]
    visibility: str
    max_score: float
    score: float
    message: str
    seconds: float
    grader_error: bool = False  # the test itself broke: a bug for course staff

    @property
    def passed(self) -> bool:
        return self.score >= self.max_score


@dataclass
class SuiteResult:
    """All results for one submission."""

    assignment: Assignment
    submission: Path
    results: list[TestResult] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)
    seconds: float = 0.0
    isolation: str = ""  # what confinement held for the student process
    notices: list[str] = field(default_factory=list)  # files not used, and why

    @property
    def score(self) -> float:
        return round(sum(r.score for r in self.results), 6)

    @property
    def max_score(self) -> float:
        return round(sum(r.max_score for r in self.results), 6)

    @property
    def grader_errors(self) -> list[TestResult]:
        return [r for r in self.results if r.grader_error]


@dataclass
class LoadedSuite:
    """A suite with its reference solution, ready to grade many submissions."""

    assignment: Assignment
    tests: list[GradedTest]
    reference: Reference


def load(hw: str) -> LoadedSuite:
    """Load the manifest, the graded tests and the reference solution of ``hw``."""
    assignment = load_assignment(hw)
    tests = load_suite(assignment_dir(hw) / "suite", assignment.module_names)
    reference = load_reference(source_dir(hw), assignment.module_names)
    return LoadedSuite(assignment, tests, reference)


def run_test(test: GradedTest, student: Student, reference: Reference) -> TestResult:
    """Run one test; every outcome becomes a ``TestResult``, never an exception."""
    start = time.perf_counter()
    grader_error = False
    try:
        returned = test.func(student, reference)
        fraction = 1.0 if returned is None else min(max(float(returned), 0.0), 1.0)
        message = "passed" if fraction == 1.0 else f"partial credit: {fraction:.0%}"
        if getattr(returned, "note", ""):  # expect.Passed: e.g. an accepted convention
            message += f" ({returned.note})"
    except Failure as exc:
        fraction, message = 0.0, str(exc)
    except StudentError as exc:
        fraction, message = 0.0, str(exc)
    except ConfinementError:
        raise
    except Exception as exc:  # noqa: BLE001 - a bug in the test must not stop grading
        fraction, grader_error = 0.0, True
        message = (f"internal grader error ({type(exc).__name__}: {exc}); this is not your "
                   "fault: please tell the course staff")
    message = textcap.cap(message)
    if fraction < 1.0 and student.last.warnings:
        message += "\nYour code emitted warnings: " + "; ".join(student.last.warnings[:3])
    if fraction < 1.0 and student.last.output:
        message += "\nYour code printed: " + textcap.cap(student.last.output.rstrip(), 300)
    return TestResult(
        name=test.name, title=test.title, cell=test.cell, tags=test.tags,
        visibility=test.visibility, max_score=test.points, score=round(test.points * fraction, 6),
        message=textcap.cap(message, textcap.MESSAGE_CHARS + 1000),
        seconds=time.perf_counter() - start, grader_error=grader_error,
    )


def find_submission_root(folder: Path, assignment: Assignment) -> Path:
    """The folder holding the submitted modules: ``folder`` itself, or the one sub-folder
    (e.g. from a zip with an extra top folder) that holds most of them."""
    expected = set(assignment.modules)

    def count(d: Path) -> int:
        return sum((d / m).is_file() for m in expected)

    best, best_count = folder, count(folder)
    if best_count == len(expected):
        return folder
    for sub in sorted(p for p in folder.rglob("*") if p.is_dir() and "__MACOSX" not in p.parts):
        c = count(sub)
        if c > best_count:
            best, best_count = sub, c
    return best


def grade(suite: LoadedSuite, submission: Path, cell: str | None = None,
          intake: Intake | None = None) -> SuiteResult:
    """Grade ``submission`` (a folder laid out like ``release/<hw>``) with the whole suite,
    or only the tests of nbgrader cell ``cell``. The grader works on its own copy of the
    submission (``autograder.intake``): ``intake`` when the caller has taken it in
    already. Raises ``CourseError`` when student code cannot be confined here."""
    if intake is None:
        with take_in(Path(submission)) as taken:
            return grade(suite, submission, cell, taken)
    start = time.perf_counter()
    root = find_submission_root(intake.folder, suite.assignment)
    prefix = root.relative_to(intake.folder).as_posix() + "/"
    refused = {name.removeprefix(prefix): why for name, why in intake.refused.items()}
    result = SuiteResult(suite.assignment, intake.original / root.relative_to(intake.folder))
    result.missing_files = [f for f in suite.assignment.modules if not (root / f).is_file()
                            and f not in refused]
    tests = [t for t in suite.tests if cell is None or t.cell == cell]
    given = [source_dir(suite.assignment.id) / name for name in suite.assignment.given]
    with Student(root, suite.assignment.module_names, suite.assignment.limits,
                 given=given, hidden=private_paths(), refused=refused) as student:
        try:
            try:
                result.isolation = student.isolation()
            except StudentError as exc:
                result.isolation = f"student process could not start: {exc}"
            for test in tests:
                result.results.append(run_test(test, student, suite.reference))
        except ConfinementError as exc:
            raise CourseError(str(exc)) from None
        result.notices = intake.notices() + student.notices
    result.seconds = time.perf_counter() - start
    return result


def check_confinement() -> str:
    """What confinement holds for student code on this machine (one line); raises
    ``CourseError`` when student code could not be confined here (and must not run)."""
    with take_in_empty() as folder, Student(folder, [], hidden=private_paths()) as student:
        try:
            return student.isolation()
        except ConfinementError as exc:
            raise CourseError(str(exc)) from None
        except StudentError as exc:
            return f"student process could not start: {exc}"
