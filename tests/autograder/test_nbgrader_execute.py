"""nbgrader's Execute with bounded outputs (autograder.nbgrader_execute), in a real kernel."""

from __future__ import annotations

import json

import nbformat
import pytest

from autograder.nbgrader_execute import CappedExecute
from autograder.nbgrader_outputs import CELL_BYTES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    cells = ["print('small output')",
             "print('x' * 3_000_000)",
             "raise ValueError('z' * 3_000_000)",
             "for i in range(200_000):\n    print(i)",
             "1 + 1"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    folder = tmp_path_factory.mktemp("nb")
    nb, _ = CappedExecute(timeout=120, allow_errors=True).preprocess(
        nb, {"metadata": {"path": str(folder)}})
    return nb


def test_small_outputs_are_kept_whole(executed):
    """Are outputs under the limits recorded as nbgrader would record them?"""
    assert executed.cells[0].outputs[0].text == "small output\n"
    assert executed.cells[4].outputs[0].data["text/plain"] == "2"


@pytest.mark.parametrize("index", [1, 2, 3])
def test_floods_are_cut_with_a_visible_note(executed, index):
    """Does a cell that prints 3 MB, raises with a 3 MB message or prints 200,000 lines
    keep a bounded record that says it was cut?"""
    outputs = executed.cells[index].outputs
    assert len(json.dumps(outputs)) < CELL_BYTES + 20_000
    assert any("truncated" in str(out.get("text", "")) + str(out.get("evalue", ""))
               for out in outputs)
