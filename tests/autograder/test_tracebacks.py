"""Tracebacks of confined kernels: long library files are shown from the raw frame, the
course's own files as before (autograder.sandbox.tracebacks)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from IPython.core import ultratb

from autograder.sandbox import tracebacks

ROOT = Path(__file__).resolve().parents[2]


def test_every_course_module_keeps_the_full_formatting():
    """Student modules (the reference is the longest they get), utils and the grader are
    shorter than the threshold, so their frames are not formatted from the raw frame."""
    modules = [p for folder in ("source", "release", "utils", "autograder")
               for p in (ROOT / folder).rglob("*.py")]
    assert len(modules) > 20
    longest = max(modules, key=lambda p: len(p.read_text().splitlines()))
    assert len(longest.read_text().splitlines()) < tracebacks.LIBRARY_LINES, longest


def module_of(tmp_path: Path, name: str, filler_lines: int):
    """A module whose function ``fail`` raises after ``filler_lines`` blank-ish lines."""
    path = tmp_path / f"{name}.py"
    path.write_text("# filler\n" * filler_lines + "def fail(x):\n"
                    "    y = x + 1\n    raise ValueError(f'bad {y}')\n")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def formatted(module) -> str:
    try:
        module.fail(1)
    except ValueError:
        parts = ultratb.VerboseTB(theme_name="nocolor").structured_traceback(*sys.exc_info())
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(parts))


@pytest.fixture
def installed(monkeypatch):
    monkeypatch.setattr(ultratb, "FAST_THRESHOLD", ultratb.FAST_THRESHOLD)  # restored after
    tracebacks.install()
    assert ultratb.FAST_THRESHOLD == tracebacks.LIBRARY_LINES


def test_a_long_file_is_shown_with_the_same_frame_and_line(installed, tmp_path):
    lines = tracebacks.LIBRARY_LINES + 10
    text = formatted(module_of(tmp_path, "long_library", lines))
    assert f"long_library.py:{lines + 3}, in fail" in text
    assert re.search(rf"-+> {lines + 3}\s+raise ValueError", text)
    assert not re.search(r"^\s+y = 2$", text, re.MULTILINE)  # the file was not parsed
    assert "ValueError: bad 2" in text


def test_a_short_file_keeps_stack_datas_formatting(installed, tmp_path):
    text = formatted(module_of(tmp_path, "student_module", 10))
    assert "student_module.py:13, in fail(x=1)" in text
    assert re.search(r"-+> 13\s+raise ValueError", text)
    assert re.search(r"^\s+y = 2$", text, re.MULTILINE)  # a variable, found by stack_data
    assert "ValueError: bad 2" in text


def test_installing_never_raises_the_threshold(monkeypatch):
    monkeypatch.setattr(ultratb, "FAST_THRESHOLD", 50)
    tracebacks.install()
    assert ultratb.FAST_THRESHOLD == 50
