"""Tests of bench/bench_batchnorm.py: the benchmark module contract of bench/__main__.py."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_batchnorm.py"
_spec = importlib.util.spec_from_file_location("hw4_bench_batchnorm", BENCH)
bench_batchnorm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_batchnorm)


def test_run_returns_one_row_with_the_contract_keys():
    """Does run(repeats=1) return one row with positive times and ratio = baseline / ours,
    the closed form being faster than the graph?"""
    rows = bench_batchnorm.run(repeats=1)
    assert len(rows) == 1
    row = rows[0]
    assert {"benchmark", "baseline", "baseline_s", "ours_s", "ratio"} <= set(row)
    assert row["baseline_s"] > 0 and row["ours_s"] > 0
    assert math.isclose(row["ratio"], row["baseline_s"] / row["ours_s"])
    assert row["ratio"] > 1.0
    assert "| hw4 batch-norm backward" in bench_batchnorm.markdown(rows)
