"""The malformed-submission corpus as one class through `course autograde` (the real
nbgrader, two workers), graded twice beside two correct bystanders: first running every
notebook again in confined kernels (``--execute``, where the notebook attacks run), then
the default way (saved outputs kept, no notebook run), whose grades must be the same."""

from __future__ import annotations

import csv
import html
import os
import stat
import subprocess
import time

import pytest
from corpus_cases import CASES, HW
from corpus_support import IS_ROOT, check_report, digest, leftover_processes, require
from course import ROOT, course_cmd

from autograder.core.suite import load_suite
from autograder.verification.simulate import make_submission

pytestmark = pytest.mark.slow
BYSTANDERS = ("aaa_bystander", "zzz_bystander")  # first and last: one in each worker's chunk
TESTS = load_suite(ROOT / "assignments" / HW / "suite")


def expected_cells(lost: tuple[str, ...]) -> dict[str, float]:
    """cell -> the points the suite gives when the tests of ``lost`` functions fail."""
    cells: dict[str, float] = {}
    for t in TESTS:
        kept = not set(t.tags) & set(lost)
        cells[t.cell] = cells.get(t.cell, 0.0) + (t.points if kept else 0.0)
    return cells


def gradebook_cells(course) -> dict[str, dict[str, float | None]]:
    """student -> autograded cell -> points recorded in the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    found: dict[str, dict[str, float | None]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in gb.students:
            try:
                sub = gb.find_submission(HW, student.id)
            except MissingEntry:
                continue
            found[student.id] = {g.name: g.auto_score for nb in sub.notebooks
                                 for g in nb.grades if g.cell.cell_type == "code"}
    return found


def grades_csv(course) -> dict[str, dict[str, str]]:
    with open(course / "grades.csv", newline="") as fh:
        return {row["student_id"]: row for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def class_run(corpus):
    """Autograde the whole corpus twice; what each run left behind."""
    for name in BYSTANDERS:
        make_submission(corpus.course / "submitted" / name / HW, HW, "source")
    folders = {p.parent.name: p for p in (corpus.course / "submitted").glob(f"*/{HW}")}
    before = {name: digest(folder) for name, folder in folders.items()}
    # a process of another user, whose id a kernel plants where the grader looks
    bystander = subprocess.Popen(["setpriv", "--reuid=65534", "--regid=65534",
                                  "--clear-groups", "sleep", "7200"]) if IS_ROOT else None
    # the run's temporary folders, to see that it removes them all
    tmp = corpus.course.parent / "autograde-tmp"
    tmp.mkdir(exist_ok=True)
    runs, seconds = [], []
    try:
        for mode in (["--execute"], []):
            start = time.monotonic()
            proc = course_cmd("autograde", HW, "--workers", "2", "--cell-timeout", "10",
                              *mode, cwd=corpus.course,
                              env={**corpus.env, "TMPDIR": str(tmp)}, timeout=1800)
            seconds.append(time.monotonic() - start)
            runs.append((proc, grades_csv(corpus.course), gradebook_cells(corpus.course)))
        survived = bystander is None or bystander.poll() is None
    finally:
        if bystander is not None:
            bystander.kill()
            bystander.wait()
    after = {name: digest(folder) for name, folder in folders.items()}
    return runs, before, after, seconds, (survived, sorted(os.listdir(tmp)))


def test_autograde_finishes_and_grades_everyone(corpus, class_run):
    """Does `course autograde` exit 0 both times with a score for every student?"""
    runs, before, _, _, _ = class_run
    for proc, grades, _ in runs:
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        assert "Traceback" not in proc.stdout + proc.stderr
        assert set(grades) == set(before)
        assert all(row["auto_score"] != "" for row in grades.values()), grades


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_autograde_holds(corpus, class_run, case):
    """Does nbgrader's gradebook give each autograded cell exactly the points of the tests
    the case does not break?"""
    require(corpus, case)
    runs, _, _, _, _ = class_run
    _, grades, cells = runs[0]
    expected = expected_cells(case.lost)
    if case.some:  # between losing every test of the broken functions and losing none
        full = expected_cells(())
        assert all(expected[c] - 1e-6 <= p <= full[c] + 1e-6
                   for c, p in cells[case.student_id].items())
        assert sum(cells[case.student_id].values()) < sum(full.values())
    else:
        assert cells[case.student_id] == pytest.approx(expected)
        assert float(grades[case.student_id]["auto_score"]) == pytest.approx(
            sum(expected.values()))
    graded = corpus.course / "autograded" / case.student_id / HW
    for path in graded.rglob("*") if graded.is_dir() else []:  # root wrote them: no links
        assert stat.S_ISREG(path.lstat().st_mode) or path.is_dir(), path
    pages = sorted((corpus.course / "feedback" / case.student_id / HW).glob("*.html"))
    text = " ".join(html.unescape(page.read_text()) for page in pages)
    # the notice is in the suite's results, which a test cell shows when its checks ran
    check_report(case, text, max_bytes=8_000_000, notice="Points:" in text)
    assert "BEGIN SOLUTION" not in text, case.name


def test_bystanders_are_unaffected(class_run):
    """Do correct submissions graded in the same batch keep every point?"""
    runs, _, _, _, _ = class_run
    for _, _, cells in runs:
        for name in BYSTANDERS:
            assert cells[name] == pytest.approx(expected_cells(()))


def test_feedback_shows_the_suites_results_without_the_tests(corpus, class_run):
    """Do the confined kernels print the results computed outside them (a bystander's
    feedback shows every cell's points), and does no feedback page reveal a hidden test?"""
    full = list(expected_cells(()).values())
    for name in BYSTANDERS:
        pages = list((corpus.course / "feedback" / name / HW).glob("*.html"))
        text = html.unescape(" ".join(p.read_text() for p in pages))
        for points in set(full):
            assert text.count(f"Points: {points:g}/{points:g}") == full.count(points), name
    pages = list((corpus.course / "feedback").glob(f"*/{HW}/*.html"))
    assert len(pages) >= 40
    for page in pages:
        text = page.read_text()
        assert "BEGIN HIDDEN TESTS" not in text and "grade_cell(" not in text, page


def test_grading_waits_for_no_leftover_process(class_run):
    """The 'fork' and 'shell' cases leave `sleep` processes behind in their kernels,
    holding nbgrader's output open: a run must not wait for them (it did, ten minutes).
    Such a wait would add ten minutes to the run that executes the notebooks (3-8 minutes
    without it, with the other test worker beside it); the run that keeps the saved
    outputs starts no kernel."""
    _, _, _, seconds, _ = class_run
    executing, saved = seconds
    assert executing < 900 and saved < 600, f"course autograde took {seconds} s"


def test_regrading_is_idempotent(class_run):
    """Does the second run (saved outputs kept) give every student the same points as the
    first (notebooks run again), cell by cell? Only the first can find a notebook that no
    longer runs: nbgrader then leaves its written answers marked for a human to look at,
    which the second run may not add to."""
    runs, _, _, _, _ = class_run
    (_, grades1, cells1), (_, grades2, cells2) = runs
    scores = ("score", "max_score", "auto_score")
    assert {s: [g[k] for k in scores] for s, g in grades1.items()} == \
        {s: [g[k] for k in scores] for s, g in grades2.items()}
    assert cells1 == cells2
    added = [s for s, g in grades2.items()
             if g["needs_manual_grade"] == "True" != grades1[s]["needs_manual_grade"]]
    assert added == []


def test_submissions_and_course_are_untouched(corpus, class_run):
    """Are all submissions byte-identical after two runs, the reference intact, and no
    process left behind?"""
    _, before, after, _, _ = class_run
    assert after == before
    assert digest(corpus.course / "source") == corpus.source_before
    assert leftover_processes() == []
    corpus.check_outside()


def test_planted_files_decide_nothing(class_run):
    """Did another user's process survive two class runs in which a kernel planted files
    naming its user id where the grader cleans up, and did the runs remove every
    temporary folder they made?"""
    _, _, _, _, (survived, left) = class_run
    assert survived
    assert left == []
