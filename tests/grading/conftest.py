"""Fixtures of the grading tests: the malformed-submission corpus, built once per run."""

from __future__ import annotations

import pytest
from corpus_cases import CASES, HW, Context
from corpus_edits import SECRET
from corpus_support import IS_ROOT, Corpus, digest, tighten_limits

from autograder.verification.simulate import make_course, make_submission


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Corpus:
    base = tmp_path_factory.mktemp("corpus")
    course = make_course(base / "course", [HW])
    tighten_limits(course, HW)
    results, gradescope = base / "results", base / "autograder"
    results.mkdir()
    outside = base / "outside"  # root-only files outside the course
    outside.mkdir(mode=0o700)
    (outside / "secret.txt").write_text(SECRET + "\n")
    (outside / "victim.txt").write_text("victim, unchanged\n")
    for name in ("secret.txt", "victim.txt"):
        (outside / name).chmod(0o600)
    ctx = Context(course, targets=(results / "forge_results.json",
                                   gradescope / "results" / "results.json",
                                   course / "grades.csv", course / "gradebook.db"),
                  references=(course / "source" / HW / "softmax.py",
                              gradescope / "source" / "source" / HW / "softmax.py"),
                  secret=outside / "secret.txt", victim=outside / "victim.txt")
    cases = [c for c in CASES if IS_ROOT or not c.needs_root]
    before = {}
    for case in cases:
        folder = make_submission(course / "submitted" / case.student_id / HW, HW, "source")
        case.damage(folder, ctx)
        before[case.name] = digest(folder)
    return Corpus(course, ctx, results, gradescope, cases, before,
                  digest(course / "source"), digest(outside))
