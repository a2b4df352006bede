"""bench/bench_similarity.py: its class and the benchmark module contract."""

from __future__ import annotations

import importlib.util
import math

import pytest
from classroom import ROOT

from autograder.commands.similarity import analyse

pytestmark = pytest.mark.slow  # runs the similarity benchmark

_spec = importlib.util.spec_from_file_location("bench_similarity_under_test",
                                               ROOT / "bench" / "bench_similarity.py")
bench_similarity = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_similarity)


def test_bench_class_holds_distinct_students_and_finds_its_copies(tmp_path):
    """Are the benchmark's students all different texts, and is each planted copy (one in
    ten) the only kind of flagged pair?"""
    folder = bench_similarity.build_class(tmp_path / "class", size=20)
    texts = {(s / "normalization.py").read_text() for s in folder.iterdir()}
    assert len(texts) == 20
    result = analyse(bench_similarity.HW, folder, [], workers=2)
    flagged = {(result.docs[p.a].name, result.docs[p.b].name) for p in result.pairs
               if p.flagged}
    assert flagged == {("student008", "student009"), ("student018", "student019")}


def test_run_reports_the_target_and_the_one_worker_rows(tmp_path, monkeypatch):
    """Does run(repeats=1) give the two rows of the bench contract, timed for real?"""
    monkeypatch.setattr(bench_similarity, "SIZE", 12)
    rows = bench_similarity.run(repeats=1)
    assert [r["baseline"] for r in rows] == ["target 60 s", "1 worker"]
    for row in rows:
        assert {"benchmark", "baseline", "baseline_s", "ours_s", "ratio", "note"} <= set(row)
        assert row["ours_s"] > 0 and math.isclose(row["ratio"], row["baseline_s"] / row["ours_s"])
        assert "12 hw4_bn_dropout submissions" in row["benchmark"]
        assert "pairs share unusual code, 1 flagged (1 copies planted)" in row["note"]
