"""Refresh docs/img/submission_cover.png and submission_code.png:
`python tests/submit/screenshot.py [HW]` (default hw1_softmax).

Runs the assignment's reference notebooks in full (not nbgrader's short settings), exports
them as a student would and renders page 1 with pdftoppm; then exports again with the
released modules (stubs, no solution), the first with ``LONG_HELPER`` before its first
function, and renders
the page showing that long line wrapped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from course_exports import LONG_HELPER, export_course_assignment
from pypdf import PdfReader

from autograder.core.manifest import load_assignment
from utils.submit import export_submission

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "img"
DPI = 80


def render(pdf: Path, page: int, target: Path) -> None:
    """Page ``page`` (1-based) of ``pdf`` as the PNG ``target``."""
    stem = target.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(stem)], check=True)


def main(hw: str = "hw1_softmax") -> list[Path]:
    targets = [OUT / "submission_cover.png", OUT / "submission_code.png"]
    with tempfile.TemporaryDirectory() as tmp:
        export = export_course_assignment(hw, Path(tmp), short=False)
        render(export.result.pdf_path, 1, targets[0])
        # The code page shows the released modules (no solution in the README's picture),
        # the first with the student's long line.
        modules = load_assignment(hw).modules
        for name in modules:
            shutil.copyfile(ROOT / "release" / hw / name, export.folder / name)
        first = export.folder / modules[0]  # the helper goes before its first function
        text = first.read_text(encoding="utf-8").replace("\n\n\ndef ",
                                                         f"\n{LONG_HELPER}\n\ndef ", 1)
        first.write_text(text, encoding="utf-8")
        again = export_submission(export.folder, Path(tmp) / "again", quiet=True,
                                  manifest=json.loads(load_assignment(hw).student_manifest()))
        texts = [page.extract_text() for page in PdfReader(again.pdf_path).pages]
        code_page = next(i for i, text in enumerate(texts, start=1) if "def tuned_run(" in text)
        render(again.pdf_path, code_page, targets[1])
        print(f"{hw}: {export.result.pages} pages in {export.result.seconds:.1f} s; its "
              f"cover and page {code_page} of the export with released modules in {OUT}")
    return targets


if __name__ == "__main__":
    sys.exit(0 if main(*sys.argv[1:]) else 1)
