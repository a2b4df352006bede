"""Helpers for end-to-end grading tests: run the real `course` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from repo_layout import ASSIGNMENTS, ROOT

from autograder.verification.simulate import make_course
from autograder.verification.simulate import make_submission as submission

__all__ = ["ASSIGNMENTS", "ROOT", "course_cmd", "course_env", "make_course", "submission"]


def course_cmd(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None,
               timeout: float = 600, prefix: list[str] | tuple[str, ...] = ()
               ) -> subprocess.CompletedProcess[str]:
    """Run ``python -m autograder ARGS`` (the ``course`` command) for real, behind the
    command ``prefix`` (such as ``setpriv ...``) if given."""
    return subprocess.run([*prefix, sys.executable, "-m", "autograder", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=timeout)


def course_env(course: Path) -> dict[str, str]:
    """The environment that points the `course` command at a temporary course folder."""
    return {**os.environ, "COURSE_ROOT": str(course)}
