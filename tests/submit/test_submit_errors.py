"""Tests of utils.submit.errors: messages and exit codes students see."""

from __future__ import annotations

import pytest

from utils.submit.errors import (
    EXIT_REFUSED,
    EXIT_USAGE,
    BrowserNotFoundError,
    ManifestError,
    PreflightError,
)


def test_refusal_lists_problems_warnings_and_note():
    """Does a refusal list every problem, then the warnings, then the note?"""
    error = PreflightError(["problem one", "problem two"], note="old PDF still there",
                           warnings=["a warning"])
    lines = str(error).splitlines()
    assert lines.index("  - problem one") < lines.index("  - problem two") \
        < lines.index("  - a warning") < lines.index("old PDF still there")
    assert "nothing was written" in lines[0]
    assert error.exit_code == EXIT_REFUSED


@pytest.mark.parametrize("kind", [ManifestError, BrowserNotFoundError])
def test_environment_problems_exit_2(kind):
    """Do manifest and browser problems use the usage/environment exit code?"""
    assert kind("x").exit_code == EXIT_USAGE


def test_notebook_shows_message_not_traceback():
    """Does IPython's custom-traceback hook give just the message lines?"""
    error = PreflightError(["cell 3 never ran"])
    rendered = error._render_traceback_()
    assert rendered[0] == "PreflightError:"
    assert rendered[1:] == str(error).splitlines()
