"""`course similarity` on synthetic classes: the reference, one student per mutant, four
independent authors, two untouched releases and a disguised copy of one author."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from authors import AUTHORS
from classroom import ROOT, author_bodies, author_cells, build_class, course, write_student

from autograder.commands.similarity import analyse
from autograder.similarity import compare, reader

pytestmark = pytest.mark.slow  # compares synthetic classes

HWS = ["hw1_softmax", "hw4_bn_dropout"]


@pytest.fixture(scope="module", params=HWS)
def run(request, tmp_path_factory):
    """The class of one assignment, the command's CSV rows and the in-process result."""
    hw = request.param
    base = tmp_path_factory.mktemp(f"class-{hw}")
    folder = build_class(base / "class", hw)
    out = base / "report" / "report.html"
    proc = course("similarity", hw, str(folder), "--out", str(out), "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(out.with_suffix(".csv").open()))
    return hw, folder, out, proc.stdout, rows, analyse(hw, folder, [], workers=1)


def _pair(row: dict) -> frozenset[str]:
    return frozenset((row["a"], row["b"]))


def test_disguised_copy_ranks_first_and_is_the_only_flagged_pair(run):
    """Does the renamed, reordered, recommented and reformatted copy of an author rank
    above every pair of independent solutions, flagged, with every other pair not?"""
    hw, folder, _, stdout, rows, _ = run
    text = (folder / "copier" / next(iter(AUTHORS[hw]["ana"]))).read_text()
    assert "NotImplementedError(" not in text and "    # " in text  # filled, recommented
    assert _pair(rows[0]) == {"ana", "copier"} and rows[0]["flagged"] == "yes"
    others = [float(r["evidence"]) for r in rows[1:]]
    assert all(r["flagged"] == "no" for r in rows[1:])
    assert float(rows[0]["evidence"]) > 3 * max(others, default=0)
    assert "ana  ~  copier" in stdout and "FLAGGED" in stdout


def test_the_copy_is_found_function_by_function(run):
    """Does the per-function breakdown find every graded function the author wrote in
    the copy, each matched with its own counterpart despite the new order?"""
    hw, _, _, _, _, result = run
    index = next(i for i, p in enumerate(result.pairs)
                 if {result.docs[p.a].name, result.docs[p.b].name} == {"ana", "copier"})
    pair = result.pairs[index]
    a, b = result.docs[pair.a], result.docs[pair.b]
    found = {(a.units[m.a_unit].name, b.units[m.b_unit].name) for m in result.details[index]
             if m.evidence >= 3}
    written = {name for functions in AUTHORS[hw]["ana"].values() for name in functions}
    assert {(n, n) for n in written} - {("SoftmaxClassifier.train",) * 2} <= found
    assert all(x == y or x.startswith("cell") for x, y in found)
    added = len(author_cells(hw, "ana").get("softmax.ipynb", []))
    cells = [(x, y) for x, y in found if x.startswith("cell") and y.startswith("cell")]
    assert len(cells) == added  # a notebook cell the author added, copied too


# which unit of which two students holds the same function written in another form
FORMS = {
    "hw1_softmax": [("ref", "dan", "softmax_loss_naive"),  # loops vs no loops
                    ("ben", "cai", "softmax_loss_naive"),
                    ("ana", "ben", "softmax_loss_vectorized")],  # one-hot vs in place
    "hw4_bn_dropout": [("ana", "ben", "batchnorm_backward"),  # graph vs closed form
                       ("cai", "ben", "batchnorm_backward"),
                       ("ref", "ben", "batchnorm_backward"),
                       ("ana", "cai", "layernorm_forward")],  # means vs transposes
}


def test_solutions_written_differently_are_not_flagged(run):
    """Are independent correct solutions in different forms (naive and vectorized
    softmax, graph and closed-form batch-norm backward) not flagged, and their functions
    nearly free of unusual shared code?"""
    hw, _, _, _, _, result = run
    names = [d.name for d in result.docs]
    pairs = {frozenset((names[p.a], names[p.b])): (i, p) for i, p in enumerate(result.pairs)}
    for x, y, function in FORMS[hw]:
        assert not pairs.get(frozenset((x, y)), (0, compare.Pair(0, 0, 0, 0)))[1].flagged
        a, b = result.docs[names.index(x)], result.docs[names.index(y)]
        matches = compare.unit_matches(a, b, result.weights)
        same = [m.evidence for m in matches
                if a.units[m.a_unit].name == b.units[m.b_unit].name == function]
        assert sum(same) <= 2, (x, y, function, same)


def test_the_released_stub_contributes_nothing(run):
    """Do untouched releases have no fingerprint and no pair, and does no submission keep
    a fingerprint of the released stub?"""
    hw, _, html_path, _, rows, result = run
    stub = reader.build_stub(ROOT / "release" / hw)
    assert len(stub.hashes) > 100
    for doc in result.docs:
        assert not np.isin(doc.fps.hashes, stub.hashes).any(), doc.name
    for name in ("stub1", "stub2"):
        doc = next(d for d in result.docs if d.name == name)
        assert doc.units == [] and len(doc.fps) == 0
        assert all(name not in (r["a"], r["b"]) for r in rows)
    assert "no code of their own found" in html_path.read_text()


def test_known_solution_copied_by_a_student(tmp_path):
    """Is a disguised copy of a known public solution (--against, nested folders) flagged
    against it, above every pair of independent solutions, with no known-known pair?"""
    hw = "hw1_softmax"
    folder = build_class(tmp_path / "class", hw, copier_of=None, authors=["ana", "ben"])
    write_student(folder / "copier", hw, author_bodies(hw, "cai"), seed=3, line_length=80)
    repo = tmp_path / "public-repo"
    write_student(repo / "homework" / "softmax_solution", hw, author_bodies(hw, "cai"))
    result = analyse(hw, folder, [repo], workers=2)
    top = result.pairs[0]
    assert (result.docs[top.a].name, result.docs[top.b].name) == ("copier", "public-repo")
    assert result.docs[top.b].kind == "known" and top.flagged
    assert not any(p.flagged for p in result.pairs[1:])
    assert all(result.docs[p.a].kind == "student" for p in result.pairs)


def test_report_is_deterministic(run, tmp_path):
    """Do two runs (another hash seed, one worker instead of two) write the same bytes?"""
    hw, folder, out, _, _, _ = run
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    again = tmp_path / "again.html"
    proc = subprocess.run([sys.executable, "-m", "autograder", "similarity", hw, str(folder),
                           "--out", str(again), "--workers", "1"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert again.read_bytes() == out.read_bytes()
    assert again.with_suffix(".csv").read_bytes() == out.with_suffix(".csv").read_bytes()


def test_report_shows_the_matches_side_by_side(run):
    """Does the HTML report rank the copy first and show its functions side by side, with
    numbered regions on both sides?"""
    _, _, out, _, _, _ = run
    page = out.read_text()
    ranking = page[page.index("Pairs by evidence"):page.index("Problems and notes")]
    assert ranking.index("copier") < ranking.index("ben")
    section = page[page.index('id="pair-1"'):]
    assert section.count('<div class="side">') >= 6
    assert section.count('<span class="tag">1</span>') >= 6
    assert "flagged" in section[:300]


@pytest.mark.parametrize("hw", HWS)
def test_authors_and_disguised_copies_are_correct_solutions(hw, tmp_path):
    """Does every independent author, and the disguised copy, score full marks with
    `course grade` (so the class really holds correct solutions)?"""
    students = [write_student(tmp_path / a, hw, author_bodies(hw, a)) for a in AUTHORS[hw]]
    students.append(write_student(tmp_path / "copier", hw, author_bodies(hw, "ana"), seed=7,
                                  line_length=60))
    for folder in students:
        out = tmp_path / f"{folder.name}.json"
        proc = course("grade", hw, str(folder), "--json", str(out))
        assert proc.returncode == 0, proc.stderr
        import json

        results = json.loads(out.read_text())
        lost = [t["name"] for t in results["tests"] if t["score"] < t["max_score"]]
        assert not lost, (folder.name, lost)
        shutil.rmtree(folder)
