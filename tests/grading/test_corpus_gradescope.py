"""The malformed-submission corpus through Gradescope's run_autograder, run for real from
the unpacked zip in a folder laid out like /autograder."""

from __future__ import annotations

import json
import shutil

import pytest
from corpus_cases import CASES, HW
from corpus_support import (
    IS_ROOT,
    check_report,
    check_results,
    digest,
    leftover_processes,
    require,
)
from gradescope_tree import run_autograder, runtime_only_python, unpack

from autograder.verification.simulate import make_submission

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def autograder_tree(corpus):
    """(the /autograder-like root, a Python with only the grading runtime, the digest of
    the unpacked autograder)."""
    root = unpack(HW, corpus.gradescope.parent, env=corpus.env)
    assert root == corpus.gradescope
    unpacked = digest(root / "source", skip_bytecode=True)
    return root, runtime_only_python(corpus.gradescope.parent), unpacked


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_run_autograder_holds(corpus, autograder_tree, case):
    """Does run_autograder write genuine results.json for this upload, costing only the
    broken functions' tests, and leave the upload byte-identical?"""
    require(corpus, case)
    root, python, unpacked = autograder_tree
    upload = root / "submission"
    shutil.rmtree(upload, ignore_errors=True)
    # made afresh, as Gradescope unpacks an upload: links, pipes and devices stay what
    # they are (a copy would follow them)
    case.damage(make_submission(upload, HW, "source"), corpus.ctx)
    (root / "results" / "results.json").unlink(missing_ok=True)
    results = run_autograder(root, python)
    if IS_ROOT:  # as on Gradescope: student code must not keep the grader's privileges
        assert "unprivileged user of its own" in results["_stdout"], results["_stdout"]
    assert "forged" not in json.dumps(results)
    check_results(case, results["tests"])
    check_report(case, (root / "results" / "results.json").read_text())
    assert digest(upload) == corpus.before[case.name]
    # the reference and the suite are intact
    assert digest(root / "source", skip_bytecode=True) == unpacked
    assert leftover_processes() == []
    corpus.check_outside()
