"""Refresh docs/img/submission_cover.png and submission_code.png:
`python tests/submit/screenshot.py [HW]` (default hw1_softmax).

Runs the assignment's reference notebooks in full (not nbgrader's short settings), exports
them as a student would (with ``LONG_HELPER`` in the first module, so that its page shows
a wrapped line) and renders page 1 and the page of that module holding the long line with
pdftoppm.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from course_exports import LONG_CALL, export_course_assignment
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "img"
DPI = 80


def render(pdf: Path, page: int, target: Path) -> None:
    """Page ``page`` (1-based) of ``pdf`` as the PNG ``target``."""
    stem = target.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(stem)], check=True)


def main(hw: str = "hw1_softmax") -> list[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        export = export_course_assignment(hw, Path(tmp), short=False)
        pdf = export.result.pdf_path
        texts = [page.extract_text() for page in PdfReader(pdf).pages]
        marker = LONG_CALL.split("(")[0].split()[-1] + "(x0, learning_rate"
        code_page = next(i for i, text in enumerate(texts, start=1) if marker in text)
        targets = [OUT / "submission_cover.png", OUT / "submission_code.png"]
        render(pdf, 1, targets[0])
        render(pdf, code_page, targets[1])
        print(f"{hw}: {export.result.pages} pages in {export.result.seconds:.1f} s; "
              f"cover and page {code_page} written to {OUT}")
    return targets


if __name__ == "__main__":
    sys.exit(0 if main(*sys.argv[1:]) else 1)
