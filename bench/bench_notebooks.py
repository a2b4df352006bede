"""Every solution notebook executed end to end (fresh kernel, digits, full settings), and
the PDF export of a whole executed assignment. Baselines are the targets: 60 s per
notebook, 15 s per export (ratio above 1 = within target)."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

from autograder.commands.answer_key import execute_notebooks
from autograder.manifest import load_assignment
from autograder.paths import all_assignments, source_dir
from autograder.release.build import IGNORED, complete_notebooks

NOTEBOOK_TARGET_S = 60.0
EXPORT_TARGET_S = 15.0


def run(repeats: int = 1) -> list[dict]:
    from utils.submit import export_submission

    rows = []
    for hw in all_assignments():
        assignment = load_assignment(hw)
        with tempfile.TemporaryDirectory() as tmp:
            build = Path(tmp) / hw
            shutil.copytree(source_dir(hw), build, ignore=IGNORED)
            complete_notebooks(assignment, build)  # with their hidden grading blocks
            for name in assignment.notebooks:
                start = time.perf_counter()
                execute_notebooks(build, [name])
                seconds = time.perf_counter() - start
                rows.append({"benchmark": f"{hw}/{name} end to end", "baseline": "target 60 s",
                             "baseline_s": NOTEBOOK_TARGET_S, "ours_s": seconds,
                             "ratio": NOTEBOOK_TARGET_S / seconds})
            start = time.perf_counter()
            result = export_submission(build, Path(tmp) / "out", answer_key=True, quiet=True,
                                       manifest=json.loads(assignment.student_manifest()))
            seconds = time.perf_counter() - start
            rows.append({"benchmark": f"{hw} PDF export ({result.pages} pages)",
                         "baseline": "target 15 s", "baseline_s": EXPORT_TARGET_S,
                         "ours_s": seconds, "ratio": EXPORT_TARGET_S / seconds})
    return rows


if __name__ == "__main__":
    from bench.__main__ import table

    print(table(run()))
