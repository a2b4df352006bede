"""hw3's solution notebooks executed in a real kernel, as the nbgrader autograder runs them.

Each notebook runs top to bottom in a copy of source/hw3_optim, completed as release
completes it, with ``NBGRADER_EXECUTION=autograde`` (the short settings), so the hidden
part of every test cell grades the reference modules through the real suite.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.manifest import load_assignment
from autograder.release.build import IGNORED, complete_notebooks

SOURCE = Path(__file__).resolve().parents[2] / "source" / "hw3_optim"
NOTEBOOKS = load_assignment("hw3_optim").notebooks
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def executed(tmp_path_factory, monkeypatch_module) -> dict[str, nbformat.NotebookNode]:
    """Every notebook of hw3, executed once in a copy of the source folder."""
    folder = tmp_path_factory.mktemp("hw3") / "hw3_optim"
    shutil.copytree(SOURCE, folder, ignore=IGNORED)
    complete_notebooks(load_assignment("hw3_optim"), folder)
    monkeypatch_module.setenv("NBGRADER_EXECUTION", "autograde")
    out = {}
    for name in NOTEBOOKS:
        nb = nbformat.read(folder / name, as_version=4)
        NotebookClient(nb, kernel_name="python3", timeout=300, allow_errors=True,
                       resources={"metadata": {"path": str(folder)}}).execute()
        out[name] = nb
    return out


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_without_errors_or_stderr(executed, name):
    """Does every cell run without an error and without writing to stderr (which would
    cost a test cell its points under nbgrader)?"""
    problems = []
    for cell in code_cells(executed[name]):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                problems.append(f"{output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                problems.append(f"stderr: {output.text[:200]}")
    assert not problems, problems


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_test_cells_award_their_points(executed, name):
    """Does every autograded cell end with the points of a full score for the reference?"""
    graded = [cell for cell in code_cells(executed[name])
              if cell.metadata.get("nbgrader", {}).get("grade")]
    for cell in graded:
        points = cell.metadata["nbgrader"]["points"]
        results = [o for o in cell.outputs if o.output_type == "execute_result"]
        assert results, f"{cell.metadata['nbgrader']['grade_id']} shows no points"
        assert float(results[-1]["data"]["text/plain"]) == points


def test_last_notebook_reports_the_comparison(executed):
    """Does the final comparison of the initialization notebook print its epoch ratio
    line for plain SGD and the chosen rule?"""
    text = "".join(output.get("text", "")
                   for cell in code_cells(executed["initialization.ipynb"])
                   for output in cell.get("outputs", []) if output.output_type == "stream")
    assert "plain SGD, default init" in text and "your choice" in text
    assert "epochs to val acc 0.95" in text
