"""Saved models as resource bombs: a small best_model.npz that would decompress to
gigabytes, or whose arrays declare more data than they hold, costs the accuracy credit
with a plain message, and the grader's own memory stays small."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from course import ROOT, submission

pytestmark = pytest.mark.slow
HW = "hw2_fcnet"
TEST = "fc_net.best_model_accuracy"
BOMB_BYTES = 1200 << 20  # decompressed; the file itself is about 1 MB


def _npy_header(shape: tuple[int, ...]) -> bytes:
    import io

    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def write_model(path: Path, w1_shape: tuple[int, ...], w1_bytes: int) -> None:
    """A model file in save_model's format whose W1 declares ``w1_shape`` and holds
    ``w1_bytes`` bytes of zeros (streamed, so that the test never holds them)."""
    config = {"hidden_dims": [16], "input_dim": 64, "num_classes": 10}
    small = {"__format__": np.array("nndl-model-1"), "__config__": np.array(json.dumps(config)),
             "param:b1": np.zeros(16), "param:W2": np.zeros((16, 10)),
             "param:b2": np.zeros(10)}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, value in small.items():
            with archive.open(f"{name}.npy", "w") as fh:
                np.lib.format.write_array(fh, value, allow_pickle=False)
        with archive.open("param:W1.npy", "w", force_zip64=True) as fh:
            fh.write(_npy_header(w1_shape))
            chunk = bytes(1 << 20)
            for start in range(0, w1_bytes, len(chunk)):
                fh.write(chunk[: min(len(chunk), w1_bytes - start)])


def grade_measuring_memory(folder: Path, tmp: Path) -> tuple[dict, int]:
    """`course grade --json` of ``folder``; (results.json, the grader's peak RSS in bytes,
    its own process only: student processes are not waited for by this process)."""
    out = tmp / "results.json"
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "grade", HW, str(folder),
                             "--json", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 0, proc.stderr.read().decode() if proc.stderr else ""
    return json.loads(out.read_text()), usage.ru_maxrss * 1024


@pytest.mark.parametrize("shape, data, words", [
    ((BOMB_BYTES // 8,), BOMB_BYTES, "decompressed"),
    ((10_000_000_000,), 64 * 16 * 8, "declares more data"),
])
def test_model_bombs_cost_the_credit_not_the_grader(tmp_path, shape, data, words):
    """Does a best_model.npz that would decompress to 1.2 GB (or that lies about its
    shapes) lose the accuracy credit with a message saying why, while `course grade`
    stays far below the size it would decompress to?"""
    folder = submission(tmp_path / "sub", HW, "source")
    write_model(folder / "best_model.npz", shape, data)
    assert (folder / "best_model.npz").stat().st_size < 8 << 20
    results, peak = grade_measuring_memory(folder, tmp_path)
    test = next(t for t in results["tests"] if t["name"].startswith(TEST))
    assert test["score"] == 0 and words in test["output"], test
    assert peak < 700 << 20, f"the grader took {peak >> 20} MiB"
    others = [t for t in results["tests"] if not t["name"].startswith(TEST)]
    assert all(t["score"] == t["max_score"] for t in others)
