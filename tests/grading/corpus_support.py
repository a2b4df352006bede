"""What the corpus tests share: the built corpus, the limits it is graded with, and checks
of a case's results, its files and the processes it tried to leave behind (imported by a
name of its own, which a conftest module has not when several test folders run at once)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from corpus_cases import HW, LEFTOVER_MARKERS, Case, Context

IS_ROOT = os.geteuid() == 0
# limits per call into student code, tighter than the course's so that the corpus's
# hanging and memory-hungry cases cost seconds, not minutes
LIMITS = {"seconds": 3, "memory_mb": 768}


def digest(folder: Path, skip_bytecode: bool = False) -> dict[str, str]:
    """Every file under ``folder`` (relative path -> sha256); ``skip_bytecode`` leaves out
    the ``__pycache__`` that running the grader's own code writes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and not (skip_bytecode and "__pycache__" in p.parts)}


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

    def folder(self, case: Case) -> Path:
        return self.course / "submitted" / case.student_id / HW

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "COURSE_ROOT": str(self.course)}


def require(corpus: Corpus, case: Case) -> None:
    """Skip a case this machine cannot hold (CI, as root, holds them all)."""
    if case not in corpus.cases:
        pytest.skip(f"{case.name} needs the grader to run as root")


def check_results(case: Case, tests: list[dict]) -> None:
    """Tests of the lost functions score 0 with the case's words; every other keeps all."""
    assert tests, "no test results"
    for t in tests:
        hit = set(t["tags"]) & set(case.lost)
        if hit:
            assert t["score"] == 0, (t["name"], t["output"])
            for word in case.words:
                assert word in t["output"], (t["name"], word, t["output"])
            assert "Traceback (most recent call last)" not in t["output"], t["output"]
            assert 'File "/' not in t["output"], t["output"]
        else:
            assert t["score"] == t["max_score"], (t["name"], t["output"])
