"""`course similarity` on a class of 500 hw4 submissions (``BENCH_SIMILARITY_SIZE``), the
command's wall time with 2 worker processes against its target (60 s on 2 cores) and
against 1 worker.

Each submission is the reference or one of its mutants, with statements of the student's
own, disguised as a copier would (renamed, reordered, recommented), and notebooks carrying
outputs (a 60 kB image in five cells) as executed notebooks do; one in ten copies another
student. Times are medians of ``min(repeats, 3)`` runs of the real command.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from autograder.manifest import load_assignment
from autograder.mutants import load_mutants
from autograder.paths import course_root
from autograder.similarity import synthetic
from autograder.simulate import make_submission

HW = "hw4_bn_dropout"
SIZE = int(os.environ.get("BENCH_SIMILARITY_SIZE", "500"))
TARGET_S = 60.0


def _with_outputs(notebook: Path, rng: np.random.Generator) -> None:
    nb = json.loads(notebook.read_text())
    image = base64.b64encode(rng.bytes(45_000)).decode()
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for cell in code[:5]:
        cell["outputs"] = [{"output_type": "display_data", "metadata": {},
                            "data": {"image/png": image, "text/plain": "<Figure>"}}]
    notebook.write_text(json.dumps(nb))


def build_class(folder: Path, size: int = SIZE, hw: str = HW) -> Path:
    """``folder/<student>/`` for ``size`` distinct students (see the module docstring)."""
    mutants = load_mutants(course_root() / "assignments" / hw / "mutants.toml")
    modules = load_assignment(hw).modules
    rng = np.random.default_rng(0)
    for i in range(size):
        dest = folder / f"student{i:03d}"
        kind = i % (len(mutants) + 1)
        if i % 10 == 9:  # a copy of the student before, disguised again
            shutil.copytree(folder / f"student{i - 1:03d}", dest)
        elif kind == 0:
            make_submission(dest, hw, "source")
        else:
            make_submission(dest, hw, mutant=mutants[kind - 1])
        for module in modules:
            text = (dest / module).read_text()
            if i % 10 != 9:
                text = synthetic.personalize(text, rng)
            (dest / module).write_text(synthetic.disguise(text, seed=i))
        for notebook in dest.glob("*.ipynb"):
            _with_outputs(notebook, rng)
    return folder


def timed(folder: Path, workers: int, out: Path) -> tuple[float, str]:
    """The command's wall time and its summary line."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "autograder", "similarity", HW, str(folder),
                           "--out", str(out), "--workers", str(workers)], check=True,
                          capture_output=True, text=True, cwd=course_root())
    return time.perf_counter() - start, proc.stdout.splitlines()[0]


def run(repeats: int = 5) -> list[dict]:
    runs = max(1, min(repeats, 3))
    with tempfile.TemporaryDirectory(prefix="bench-similarity-") as tmp:
        folder = build_class(Path(tmp) / "class", SIZE)
        out = Path(tmp) / "report.html"
        times: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(runs):  # the two settings take turns, so both see the same machine
            for workers in (2, 1):
                seconds, summary = timed(folder, workers, out)
                times[workers].append(seconds)
    two, one = statistics.median(times[2]), statistics.median(times[1])
    found = re.search(r"(\d+) pair\(s\) sharing unusual code, (\d+) flagged", summary)
    note = (f"{found.group(1)} pairs share unusual code, {found.group(2)} flagged "
            f"({SIZE // 10} copies planted)" if found else summary)
    return [
        {"benchmark": f"course similarity, {SIZE} {HW} submissions, 2 workers (wall)",
         "baseline": f"target {TARGET_S:g} s", "baseline_s": TARGET_S, "ours_s": two,
         "ratio": TARGET_S / two, "note": note},
        {"benchmark": f"course similarity, {SIZE} {HW} submissions, 2 workers (wall)",
         "baseline": "1 worker", "baseline_s": one, "ours_s": two, "ratio": one / two,
         "note": note},
    ]


if __name__ == "__main__":
    from bench.__main__ import table

    print(table(run()))
