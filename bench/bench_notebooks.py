"""Every solution notebook executed end to end (fresh kernel, digits, full settings), and
the PDF export of a whole executed assignment as a student exports it (PDF with the
question map, and the code zip). Baselines are the targets: 60 s per notebook, 10 s per
export (ratio above 1 = within target)."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

from autograder.commands.answer_key import execute_notebooks
from autograder.core.manifest import load_assignment
from autograder.core.paths import all_assignments, source_dir
from autograder.release.build import IGNORED, complete_notebooks

NOTEBOOK_TARGET_S = 60.0
EXPORT_TARGET_S = 10.0


def export_seconds(build: Path, out: Path) -> tuple[float, int]:
    """Wall time of ``python -m utils.submit`` on ``build`` (interpreter start and imports
    included, as a student waits for it) and the pages it wrote."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "utils.submit", str(build), "--out", str(out)],
                   check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    pdf = next(out.glob("*_submission.pdf"))
    return seconds, len(PdfReader(pdf).pages)


def run(repeats: int = 1) -> list[dict]:
    rows = []
    for hw in all_assignments():
        assignment = load_assignment(hw)
        with tempfile.TemporaryDirectory() as tmp:
            build = Path(tmp) / hw
            shutil.copytree(source_dir(hw), build, ignore=IGNORED)
            complete_notebooks(assignment, build)  # with their hidden grading blocks
            (build / "assignment.json").write_text(assignment.student_manifest())
            for name in assignment.notebooks:
                start = time.perf_counter()
                execute_notebooks(build, [name])
                seconds = time.perf_counter() - start
                rows.append({"benchmark": f"{hw}/{name} end to end", "baseline": "target 60 s",
                             "baseline_s": NOTEBOOK_TARGET_S, "ours_s": seconds,
                             "ratio": NOTEBOOK_TARGET_S / seconds})
            runs = [export_seconds(build, Path(tmp) / "out") for _ in range(max(repeats, 3))]
            seconds = statistics.median(s for s, _ in runs)
            rows.append({"benchmark": f"{hw} PDF export ({runs[0][1]} pages)",
                         "baseline": "target 10 s", "baseline_s": EXPORT_TARGET_S,
                         "ours_s": seconds, "ratio": EXPORT_TARGET_S / seconds,
                         "note": f"median of {len(runs)} runs of python -m utils.submit, "
                                 f"{min(s for s, _ in runs):.1f}-{max(s for s, _ in runs):.1f} s"})
    return rows


if __name__ == "__main__":
    from bench.__main__ import table

    print(table(run()))
