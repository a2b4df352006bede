"""Tests of utils.submit.preflight on notebooks and modules written in memory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from utils.submit.manifest import Manifest
from utils.submit.preflight import (
    check_assignment,
    check_errors,
    check_execution,
    check_module,
    read_notebook,
    stub_functions,
)


def code(source: str, count: int | None, outputs: list | None = None) -> dict:
    return {"cell_type": "code", "source": source, "execution_count": count,
            "metadata": {}, "outputs": outputs or []}


def markdown(source: str) -> dict:
    return {"cell_type": "markdown", "source": source, "metadata": {}}


def notebook(*cells: dict) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": list(cells)}


ERROR_OUTPUT = {"output_type": "error", "ename": "ZeroDivisionError",
                "evalue": "division by zero", "traceback": []}


def test_run_top_to_bottom_passes():
    """Does a notebook run 1..k in order (markdown and empty cells between) pass?"""
    nb = notebook(markdown("# T"), code("a = 1", 1), code("", None), code("b = 2", 2),
                  markdown("text"), code(["c = ", "3"], 3))
    assert check_execution("nb.ipynb", nb) == []


def test_never_run_cell_is_refused_with_its_position():
    """Is a code cell without an execution count refused, naming the cell?"""
    nb = notebook(code("a = 1", 1), markdown("x"), code("b = compute()", None))
    problems = check_execution("nb.ipynb", nb)
    assert len(problems) == 1
    assert "never ran" in problems[0] and "cell 3" in problems[0]
    assert "b = compute()" in problems[0] and "Restart" in problems[0]


@pytest.mark.parametrize("counts", [(2, 1), (1, 3), (3, 4), (1, 2, 2)])
def test_out_of_order_counts_are_refused(counts):
    """Are counts other than exactly 1..k refused, naming the first wrong cell?"""
    nb = notebook(*(code(f"x{i} = {i}", c) for i, c in enumerate(counts)))
    problems = check_execution("nb.ipynb", nb)
    first_bad = next(i for i, c in enumerate(counts, start=1) if c != i)
    assert len(problems) == 1
    assert f"cell {first_bad} " in problems[0]
    assert f"In [{counts[first_bad - 1]}]" in problems[0]
    assert f"In [{first_bad}] was expected" in problems[0]


@pytest.mark.parametrize("call", ["export_submission()", "import utils.submit",
                                  "from utils import submit\nsubmit.export_submission()"])
def test_export_cell_is_exempt(call):
    """May the cell that runs the export be unrun, re-run or hold an error when saved?"""
    nb = notebook(code("a = 1", 1), code(call, None, [ERROR_OUTPUT]))
    assert check_execution("nb.ipynb", nb) == []
    assert check_errors("nb.ipynb", nb) == []


@pytest.mark.parametrize("export_count", [None, 2, 9])
def test_export_cell_in_the_middle_keeps_the_order(export_count):
    """May an export cell run in sequence, never or later sit between ordered cells?"""
    later = 3 if export_count == 2 else 2
    nb = notebook(code("a = 1", 1), code("export_submission()", export_count),
                  code("b = 2", later), code("c = 3", later + 1))
    assert check_execution("nb.ipynb", nb) == []


def test_error_output_is_refused_with_cell_and_error():
    """Is an error output refused with the cell and the exception named?"""
    nb = notebook(code("a = 1", 1), code("1 / 0", 2, [ERROR_OUTPUT]))
    problems = check_errors("nb.ipynb", nb)
    assert len(problems) == 1
    assert "cell 2" in problems[0]
    assert "ZeroDivisionError: division by zero" in problems[0]


def test_stub_functions_are_found_with_names_and_lines():
    """Are `raise NotImplementedError` statements reported with function and line?"""
    source = ("class Net:\n    def loss(self):\n        raise NotImplementedError('todo')\n\n"
              "def ok():\n    return 1\n\ndef todo():\n    raise NotImplementedError\n")
    lines = source.splitlines()
    expected = [("Net.loss", 1 + lines.index("        raise NotImplementedError('todo')")),
                ("todo", 1 + lines.index("    raise NotImplementedError"))]
    assert stub_functions(source) == expected


def test_module_stub_and_syntax_error_are_warnings(tmp_path: Path):
    """Does a stub or a syntax error give a warning (never a refusal)?"""
    (tmp_path / "stub.py").write_text("def f():\n    raise NotImplementedError\n")
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    stub, broken = check_module(tmp_path / "stub.py"), check_module(tmp_path / "broken.py")
    assert stub.refusals == [] and broken.refusals == []
    assert "f (line 2) still raises NotImplementedError" in stub.warnings[0]
    assert "does not parse" in broken.warnings[0]


@pytest.mark.parametrize("text", ["not json", json.dumps({"cells": "no"}),
                                  json.dumps({"nbformat": 3, "cells": []})])
def test_unreadable_notebook_is_explained(tmp_path: Path, text: str):
    """Does a damaged or old-format notebook raise ValueError naming the file?"""
    path = tmp_path / "bad.ipynb"
    path.write_text(text)
    with pytest.raises(ValueError, match="bad.ipynb"):
        read_notebook(path)


def test_missing_files_refuse_and_missing_artifact_warns(tmp_path: Path):
    """Are missing notebooks/modules refusals and a missing artifact only a warning?"""
    (tmp_path / "a.py").write_text("x = 1\n")
    manifest = Manifest(assignment="hw", title="HW", notebooks=["n.ipynb"],
                        modules=["a.py", "b.py"], artifacts=["model.npz"])
    findings = check_assignment(tmp_path, manifest)
    assert [p.split()[0] for p in findings.refusals] == ["n.ipynb", "b.py"]
    assert len(findings.warnings) == 1 and "model.npz is missing" in findings.warnings[0]
