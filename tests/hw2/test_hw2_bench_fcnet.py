"""Tests of bench/bench_fcnet.py: the benchmark module contract of bench/__main__.py."""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow  # runs the benchmark

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("hw2_bench_fcnet",
                                               ROOT / "bench" / "bench_fcnet.py")
bench_fcnet = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_fcnet)
CONTRACT = {"benchmark", "baseline", "baseline_s", "ours_s", "ratio", "note"}


def test_run_reports_both_dtypes_against_matmuls():
    """Does run(repeats=1) give a bare-matmul row per dtype with positive times and
    ratio = baseline_s / ours_s?"""
    rows = bench_fcnet.run(repeats=1)
    matmul_rows = [r for r in rows if r["baseline"].startswith("bare matmuls")]
    assert [("float64" in r["benchmark"], "float32" in r["benchmark"]) for r in matmul_rows] \
        == [(True, False), (False, True)]
    for row in rows:
        assert CONTRACT <= set(row)
    for row in matmul_rows:
        assert row["baseline_s"] > 0 and row["ours_s"] > 0
        assert math.isclose(row["ratio"], row["baseline_s"] / row["ours_s"])
    assert bench_fcnet.markdown(rows).count("| hw2 FullyConnectedNet training step") == len(rows)


def test_functions_take_turns_in_blocks_after_a_pause():
    """Does each function run as a block (one untimed call, then ``block`` timed calls) after
    ``settle`` seconds of pause, the functions taking turns round by round?"""
    calls: list[str] = []
    fns = [lambda: calls.append("a"), lambda: calls.append("b")]
    start = time.perf_counter()
    times = bench_fcnet.median_seconds(fns, repeats=2, block=3, settle=0.05)
    elapsed = time.perf_counter() - start
    assert calls == (["a"] * 4 + ["b"] * 4) * 2
    assert elapsed >= 4 * 0.05
    assert len(times) == 2 and all(t >= 0 for t in times)


def test_runs_without_torch():
    """When torch cannot be imported, does the bench still run and say "torch not installed"?"""
    code = ("import json, sys; sys.modules['torch'] = None; "
            "from bench import bench_fcnet; print(json.dumps(bench_fcnet.run(repeats=1)))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    rows = json.loads(proc.stdout.strip().splitlines()[-1])
    torch_rows = [r for r in rows if r["baseline"] == "PyTorch CPU"]
    assert len(torch_rows) == 2
    assert all(r["note"] == "torch not installed" and math.isnan(r["baseline_s"])
               for r in torch_rows)


def test_bare_matmuls_compute_the_step_products():
    """Does the matmul baseline compute the 15 products of the network it times: 5 forward,
    and dx and dW for each of the 5 layers?"""
    dims = [bench_fcnet.D, *bench_fcnet.HIDDEN, bench_fcnet.C]
    rng = np.random.default_rng(0)
    params = {f"W{i}": rng.standard_normal((dims[i - 1], dims[i])) for i in range(1, 6)}
    X, _ = bench_fcnet.problem(np.float64)
    step = bench_fcnet.BareMatmuls(params, X)
    step()
    h = X
    for i in range(1, 6):
        np.testing.assert_allclose(step.hs[i - 1], h, rtol=1e-10)
        ones = np.ones((X.shape[0], dims[i]))
        np.testing.assert_allclose(step.dxs[i - 1], ones @ params[f"W{i}"].T, rtol=1e-10)
        np.testing.assert_allclose(step.dWs[i - 1], h.T @ ones, rtol=1e-10)
        h = h @ params[f"W{i}"]
    np.testing.assert_allclose(step.hs[5], h, rtol=1e-10)
