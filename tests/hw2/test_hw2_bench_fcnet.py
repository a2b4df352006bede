"""Tests of the FullyConnectedNet benchmarks: bench/bench_fcnet.py, bench/bench_fcnet_epoch.py
and what they stand on (bench/isolated.py, bench/worker.py, bench/fcnet_workloads.py)."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bench import bench_fcnet, bench_fcnet_epoch
from bench import fcnet_workloads as work
from bench.isolated import Worker, take_turns

pytestmark = pytest.mark.slow  # runs the benchmark

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = {"benchmark", "baseline", "baseline_s", "ours_s", "ratio", "note"}


def check_rows(rows: list[dict], labels: list[str]) -> None:
    """Every row has the bench/__main__.py keys; timed rows have ratio = baseline / ours
    and say the machine's load; the others say that torch is not installed."""
    assert [row["benchmark"] for row in rows] == labels
    for row in rows:
        assert CONTRACT <= set(row) and row["ours_s"] > 0
        if math.isnan(row["baseline_s"]):
            assert row["note"] == "torch not installed" and not bench_fcnet.torch_available()
        else:
            assert row["baseline_s"] > 0
            assert math.isclose(row["ratio"], row["baseline_s"] / row["ours_s"])
            assert "rounds" in row["note"] and re.search(r"; load average \d+\.\d$",
                                                          row["note"])


def test_step_rows_for_both_dtypes():
    """Does run(repeats=1) give, per dtype, rows against the necessary products (with and
    without the L2 term) and one against PyTorch (timed, or "torch not installed")?"""
    rows = bench_fcnet.run(repeats=1)
    labels = [row["benchmark"] for row in rows]
    check_rows(rows, labels)
    assert [("float64" in label, "float32" in label) for label in labels] == \
        [(True, False)] * 3 + [(False, True)] * 3
    assert [row["baseline"] for row in rows if "PyTorch" not in row["baseline"]] == \
        ["its 14 necessary matrix products"] * 4
    assert [("reg=0: no L2 term" in label) for label in labels] == [False, True, False] * 2
    assert all("PyTorch" in row["baseline"] for row in rows[2::3])


def test_single_thread_rows_in_cpu_time():
    """Does the --single-thread mode time every library on one thread, in CPU time?"""
    rows = bench_fcnet.run(repeats=1, single_thread=True)
    check_rows(rows, [row["benchmark"] for row in rows])
    assert len(rows) == 6
    for row in rows:
        if not math.isnan(row["baseline_s"]):
            assert "CPU time; numpy 1 BLAS threads" in row["note"]
            assert "PyTorch" not in row["baseline"] or "PyTorch 1 threads" in row["note"]


def test_epoch_rows_for_both_dtypes():
    """Does the epoch bench give one row per dtype for a small training set?"""
    rows = bench_fcnet_epoch.run(repeats=1, train_size=600)
    check_rows(rows, [row["benchmark"] for row in rows])
    assert len(rows) == 2 and "float64" in rows[0]["benchmark"]
    assert "600 + 1,000 random 32x32x3 images" in rows[1]["benchmark"]
    single = bench_fcnet_epoch.run(repeats=1, train_size=400, single_thread=True)
    check_rows(single, [row["benchmark"] for row in single])
    assert all("CPU time; numpy 1 BLAS threads" in row["note"] for row in single
               if not math.isnan(row["baseline_s"]))


def test_runs_without_torch():
    """When torch cannot be imported, do both benches still run and say "torch not
    installed"?"""
    code = ("import json, sys; sys.modules['torch'] = None; "
            "from bench import bench_fcnet, bench_fcnet_epoch; "
            "print(json.dumps(bench_fcnet.run(repeats=1) "
            "+ bench_fcnet_epoch.run(repeats=1, train_size=400)))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    rows = json.loads(proc.stdout.strip().splitlines()[-1])
    torch_rows = [r for r in rows if r["baseline"] == "PyTorch CPU"]
    assert len(rows) == 8 and len(torch_rows) == 4
    assert all(r["note"] == "torch not installed" and math.isnan(r["baseline_s"])
               for r in torch_rows)


def test_workers_take_turns_after_a_pause():
    """Do the workers run one block at a time, round by round, each after the pause, with
    one untimed call and then ``block`` timed ones?"""
    with Worker() as first, Worker() as second:
        for worker in (first, second):
            worker.build("products", "bench.fcnet_workloads:numpy_products", dtype="float32")
        timings = take_turns([(first, "products"), (second, "products")], repeats=3, block=2,
                             settle=0.05)
    assert [len(t.seconds) for t in timings] == [6, 6]
    blocks = [block for pair in zip(*(t.blocks for t in timings), strict=True)
              for block in pair]  # in the order they ran: round by round
    for (_, end), (start, _) in zip(blocks, blocks[1:], strict=False):
        assert start - end >= 0.05  # the next block starts after this one and the pause
    assert all(start < end for start, end in blocks)


def test_worker_reports_failures():
    """Does a failing factory raise in the coordinator with the worker's traceback?"""
    with Worker() as worker, pytest.raises(RuntimeError, match="No module named"):
        worker.build("x", "bench.no_such_module:factory")


def test_necessary_products_are_the_step_products():
    """Does the products baseline compute the forward products, every weight gradient and
    every input gradient but the first layer's (3 L - 1 products)?"""
    dims = [work.D, *work.HIDDEN, work.C]
    rng = np.random.default_rng(0)
    params = {f"W{i}": rng.standard_normal((dims[i - 1], dims[i])) for i in range(1, 6)}
    X, _ = work.problem(np.float64)
    products = work.NecessaryProducts(params, X)
    products()
    assert products.count == 14 and products.dhs[0] is None
    h = X
    for i in range(1, 6):
        ones = np.ones((X.shape[0], dims[i]))
        np.testing.assert_allclose(products.dWs[i - 1], h.T @ ones, rtol=1e-10)
        if i > 1:
            np.testing.assert_allclose(products.dhs[i - 1], ones @ params[f"W{i}"].T,
                                       rtol=1e-10)
        h = h @ params[f"W{i}"]
        np.testing.assert_allclose(products.hs[i], h, rtol=1e-10)


def test_step_summary_is_the_reference_step():
    """Is the summary a step workload reports (by which PyTorch's is checked) the
    reference's loss and gradient norms?"""
    _, info = work.numpy_step("float64")
    net = work.reference_net(np.float64)
    loss, grads = net.loss(*work.problem(np.float64))
    assert info["loss"] == loss and list(info["grad_norms"]) == sorted(grads)
    assert info["grad_norms"]["W1"] == pytest.approx(np.linalg.norm(grads["W1"]))


def test_check_same_refuses_different_numbers():
    """Does the bench refuse to compare with a PyTorch step that computes something else?"""
    bench_fcnet.check_same("losses", [1.0, 2.0], [1.0, 2.0 + 1e-12], "float64")
    with pytest.raises(RuntimeError, match="do not time the same work"):
        bench_fcnet.check_same("losses", [1.0, 2.0], [1.0, 2.001], "float64")
    with pytest.raises(RuntimeError):
        bench_fcnet.check_same("losses", [1.0, 2.0], [1.0], "float32")
