"""Tests of ``python -m utils.submit`` refusals: exit codes, messages, nothing written.

These refusals happen before the browser starts, so they are quick.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest
from submit_fixtures import ASSIGNMENT, ERROR_NOTEBOOK, MODULES, NOTEBOOKS, run_submit

from utils.submit.detect import ENV_VAR


def outputs_written(folder: Path) -> list[str]:
    """Any PDF, zip or partial file in ``folder``."""
    return sorted(p.name for p in folder.iterdir()
                  if p.suffix in (".pdf", ".zip", ".partial"))


def test_missing_manifest_exits_2(tmp_path: Path):
    """Does a folder without assignment.json exit 2 and tell the student to re-download?"""
    proc = run_submit(str(tmp_path))
    assert proc.returncode == 2, proc.stderr
    assert "assignment.json" in proc.stderr and "Download the assignment folder" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_malformed_manifest_exits_2(assignment: Path):
    """Does a damaged manifest exit 2, naming the problem?"""
    (assignment / "assignment.json").write_text(json.dumps({"assignment": ASSIGNMENT,
                                                            "notebooks": "softmax.ipynb"}))
    proc = run_submit(str(assignment))
    assert proc.returncode == 2
    assert "'notebooks' must be a list" in proc.stderr
    assert outputs_written(assignment) == []


def test_missing_notebook_is_refused(assignment: Path):
    """Is a missing notebook a refusal (exit 1) that names it?"""
    (assignment / NOTEBOOKS[1]).unlink()
    proc = run_submit(str(assignment))
    assert proc.returncode == 1
    assert f"{NOTEBOOKS[1]} is missing" in proc.stderr
    assert outputs_written(assignment) == []


def test_never_executed_cell_is_refused(assignment: Path):
    """Is a notebook with a code cell that never ran refused, naming the cell?"""
    path = assignment / NOTEBOOKS[0]
    nb = nbformat.read(path, as_version=4)
    index = max(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells[index].execution_count = None
    nbformat.write(nb, path)
    proc = run_submit(str(assignment))
    assert proc.returncode == 1
    assert f"{NOTEBOOKS[0]}: 1 code cell(s) never ran: cell {index + 1} " in proc.stderr
    assert "Restart Kernel and Run All Cells" in proc.stderr
    assert outputs_written(assignment) == []


def test_out_of_order_execution_is_refused(assignment: Path):
    """Is a notebook whose cells were run out of order refused?"""
    path = assignment / NOTEBOOKS[0]
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    code[0].execution_count, code[1].execution_count = (code[1].execution_count,
                                                        code[0].execution_count)
    nbformat.write(nb, path)
    proc = run_submit(str(assignment))
    assert proc.returncode == 1
    assert "not run top to bottom" in proc.stderr
    assert f"In [{code[0].execution_count}] where In [1] was expected" in proc.stderr
    assert outputs_written(assignment) == []


def test_error_output_is_refused(assignment: Path):
    """Is a notebook holding a real traceback refused, naming the cell and the error?"""
    shutil.copy(assignment / ERROR_NOTEBOOK, assignment / NOTEBOOKS[1])
    nb = nbformat.read(assignment / NOTEBOOKS[1], as_version=4)
    proc = run_submit(str(assignment))
    assert proc.returncode == 1
    assert f"cell {len(nb.cells)} (code: \"result = 1 / 0" in proc.stderr
    assert "ZeroDivisionError: division by zero" in proc.stderr
    assert outputs_written(assignment) == []


@pytest.mark.parametrize("how", ["flag", "env"])
def test_no_browser_exits_2_with_install_advice(assignment: Path, tmp_path: Path, how: str):
    """Does a browser path that does not exist exit 2 and say what to install?"""
    missing = str(tmp_path / "no-browser-here")
    args, env = [str(assignment)], dict(os.environ)
    if how == "flag":
        args += ["--browser", missing]
    else:
        env[ENV_VAR] = missing
    proc = run_submit(*args, env=env)
    assert proc.returncode == 2
    assert missing in proc.stderr
    assert "apt install chromium" in proc.stderr
    assert "python -m playwright install chromium" in proc.stderr
    assert outputs_written(assignment) == []


def test_refusal_lists_every_problem_at_once(assignment: Path):
    """Are several problems (missing module, error output) reported together?"""
    (assignment / MODULES[2]).unlink()
    shutil.copy(assignment / ERROR_NOTEBOOK, assignment / NOTEBOOKS[1])
    proc = run_submit(str(assignment))
    assert proc.returncode == 1
    assert f"{MODULES[2]} is missing" in proc.stderr
    assert "ZeroDivisionError" in proc.stderr


def test_out_pointing_at_a_file_exits_2(assignment: Path):
    """Is --out naming an existing file rejected with a clear message?"""
    target = assignment / "not-a-folder.txt"
    target.write_text("x")
    proc = run_submit(str(assignment), "--out", str(target))
    assert proc.returncode == 2
    assert "is a file, not a folder" in proc.stderr
