"""What the corpus tests share: the built corpus, the limits it is graded with, and checks
of a case's results, its files and the processes it tried to leave behind (imported by a
name of its own, which a conftest module has not when several test folders run at once)."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from corpus_cases import HW, LEFTOVER_MARKERS, Case, Context
from corpus_edits import LITTER, SECRET, SHM_KEY, TOKEN

IS_ROOT = os.geteuid() == 0
# limits per call into student code, tighter than the course's so that the corpus's
# hanging and memory-hungry cases cost seconds, not minutes
LIMITS = {"seconds": 3, "memory_mb": 768}


def tighten_limits(course: Path, hw: str) -> None:
    """Give ``hw`` of a temporary ``course`` the ``LIMITS`` (its manifest has none)."""
    manifest = course / "assignments" / hw / "assignment.toml"
    assert "[limits]" not in manifest.read_text()  # the assignment keeps Limits' defaults
    with manifest.open("a") as fh:
        fh.write("\n[limits]\n" + "".join(f"{k} = {v}\n" for k, v in LIMITS.items()))


# a report that grows past this was bloated by student text
MAX_REPORT_BYTES = 300_000


def digest(folder: Path, skip_bytecode: bool = False) -> dict[str, str]:
    """Every entry under ``folder`` (relative path -> sha256 of a regular file, the target
    of a link, the kind of anything else), links not followed; ``skip_bytecode`` leaves
    out the ``__pycache__`` that running the grader's own code writes."""
    found = {}
    for p in sorted(folder.rglob("*")):
        if skip_bytecode and "__pycache__" in p.parts:
            continue
        mode = p.lstat().st_mode
        if stat.S_ISLNK(mode):
            found[str(p.relative_to(folder))] = "link to " + os.readlink(p)
        elif stat.S_ISREG(mode):
            found[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest()
        elif not stat.S_ISDIR(mode):
            found[str(p.relative_to(folder))] = f"special {stat.S_IFMT(mode):o}"
    return found


def leftover_processes() -> list[str]:
    """Command lines of processes that corpus cases tried to leave running."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if any(marker in text for marker in LEFTOVER_MARKERS):
            found.append(text.strip())
    return found


@dataclass
class Corpus:
    course: Path  # a course folder whose submitted/ holds every case
    ctx: Context
    results: Path  # where `course grade --json` writes
    gradescope: Path  # a folder laid out like /autograder
    cases: list[Case]  # the cases this machine can hold (all of them as root)
    before: dict[str, dict[str, str]]  # case name -> digest of its submission
    source_before: dict[str, str]
    outside_before: dict[str, str]  # the secret and the victim file

    def check_outside(self) -> None:
        """Are the files outside the course untouched, nothing left where anyone may
        write, and no System V segment left behind?"""
        assert digest(self.ctx.victim.parent) == self.outside_before
        left = litter()
        assert left == [], left
    def folder(self, case: Case) -> Path:
        return self.course / "submitted" / case.student_id / HW

    @property
    def env(self) -> dict[str, str]:
        """The grader's environment, with secrets that student code must never see."""
        return {**os.environ, "COURSE_ROOT": str(self.course),
                "JUPYTERHUB_API_TOKEN": TOKEN, "AWS_SECRET_ACCESS_KEY": TOKEN}


def require(corpus: Corpus, case: Case) -> None:
    """Skip a case this machine cannot hold (CI, as root, holds them all)."""
    if case not in corpus.cases:
        pytest.skip(f"{case.name} needs the grader to run as root")


def check_results(case: Case, tests: list[dict]) -> None:
    """Tests of the lost functions score 0 with the case's words (with ``case.some``, at
    least one of them does: the others need not read what is broken); every other test
    keeps all its points."""
    assert tests, "no test results"
    if case.some:
        assert any(t["score"] == 0 for t in tests if set(t["tags"]) & set(case.lost)), case.name
    for t in tests:
        hit = set(t["tags"]) & set(case.lost)
        if hit and case.some and t["score"] > 0:
            continue
        if hit:
            assert t["score"] == 0, (t["name"], t["output"])
            for word in case.words:
                assert word in t["output"], (t["name"], word, t["output"])
            assert "Traceback (most recent call last)" not in t["output"], t["output"]
            assert 'File "/' not in t["output"], t["output"]
        else:
            assert t["score"] == t["max_score"], (t["name"], t["output"])


def litter() -> list[str]:
    """Files and System V segments that cases tried to leave behind."""
    found = [str(p) for folder in ("/dev/shm", "/tmp", "/var/tmp")
             for p in Path(folder).glob(f"{LITTER}*")]
    ipcs = subprocess.run(["ipcs", "-m"], capture_output=True, text=True).stdout
    if f"{SHM_KEY:#010x}" in ipcs:
        found.append(f"System V segment {SHM_KEY:#x}")
    return found


def check_report(case: Case, report: str, max_bytes: int = MAX_REPORT_BYTES,
                 notice: bool = True) -> None:
    """Whatever a student may read of a case (results.json, the table, feedback): no
    secret, no token, no internal error blamed on the grader for the student's value,
    bounded in size, and the notice about an unused file when the case has one."""
    assert SECRET not in report and TOKEN not in report, case.name
    assert "internal grader error" not in report, case.name
    assert len(report.encode()) < max_bytes, (case.name, len(report))
    if case.notice and notice:
        assert case.notice in report, (case.name, case.notice)
