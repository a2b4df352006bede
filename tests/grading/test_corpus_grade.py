"""The malformed-submission corpus through `course grade --json` (one submission at a time)."""

from __future__ import annotations

import json

import pytest
from corpus_cases import CASES
from corpus_support import check_report, check_results, digest, leftover_processes, require
from course import course_cmd

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_course_grade_holds(corpus, case):
    """Does `course grade` finish on this submission, cost only the broken functions' tests
    (with a message that names the problem) and leave the submission byte-identical?"""
    require(corpus, case)
    out = corpus.results / f"{case.name}.json"
    proc = course_cmd("grade", "hw1_softmax", str(corpus.folder(case)), "--json", str(out),
                      env=corpus.env, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    results = json.loads(out.read_text())
    assert "forged" not in json.dumps(results)
    check_results(case, results["tests"])
    check_report(case, out.read_text() + proc.stdout)
    assert results["score"] == pytest.approx(sum(t["score"] for t in results["tests"]))
    assert digest(corpus.folder(case)) == corpus.before[case.name]
    assert digest(corpus.course / "source") == corpus.source_before
    assert leftover_processes() == []
    corpus.check_outside()


DETERMINISM = ["debug_prints", "infinite_loop", "os_exit", "memory_bomb", "monkeypatch_numpy",
               "wrong_shape"]


@pytest.mark.parametrize("name", DETERMINISM)
def test_grading_twice_gives_the_same_results(corpus, name, tmp_path):
    """Does grading the same submission twice give identical scores and messages?"""
    case = next(c for c in CASES if c.name == name)
    runs = []
    for i in range(2):
        out = tmp_path / f"{i}.json"
        proc = course_cmd("grade", "hw1_softmax", str(corpus.folder(case)), "--json", str(out),
                          env=corpus.env, timeout=600)
        assert proc.returncode == 0, proc.stderr
        runs.append([(t["name"], t["score"], t["output"])
                     for t in json.loads(out.read_text())["tests"]])
    assert runs[0] == runs[1]
