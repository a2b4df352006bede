"""`course answer-key`: the executed reference notebooks as one PDF (real kernel, Chromium)."""

from __future__ import annotations

import pytest
from course import course_cmd
from pypdf import PdfReader

from autograder.core.manifest import load_assignment

pytestmark = pytest.mark.slow
HW = "hw1_softmax"


def test_answer_key_holds_executed_reference(tmp_path):
    """Does the answer key hold the solution code and the notebooks' outputs, with one
    bookmark per file?"""
    proc = course_cmd("answer-key", HW, "--out", str(tmp_path), timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pdf = tmp_path / f"{HW}_answer_key.pdf"
    reader = PdfReader(pdf)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "shifted = scores - np.max(scores, axis=1, keepdims=True)" in text  # solution code
    assert "X_train (1257, 65)" in text  # an executed output
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    for name in load_assignment(HW).notebooks + load_assignment(HW).modules:
        assert any(name in title for title in titles), (name, titles)
