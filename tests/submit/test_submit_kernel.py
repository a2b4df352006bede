"""The export run from a notebook's own last cell, in a real kernel (nbclient)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell
from pypdf import PdfReader
from submit_fixtures import (
    ASSIGNMENT,
    GD_PY,
    MODULES,
    NOTEBOOKS,
    execute,
    outline_tree,
    page_texts,
    squeeze,
)

from utils.submit.export import COVER_LABEL
from utils.submit.preflight import stub_functions

pytestmark = pytest.mark.slow

EXPORT_CELL = "from utils.submit import export_submission\nresult = export_submission()\nresult"
AFTER_CELLS = ["print('PAGES', result.pages)", "result"]  # read and shown in later cells


def text_of(output: nbformat.NotebookNode) -> str:
    if output.output_type == "stream":
        return output.text
    data = output.get("data", {})
    return data.get("text/plain", "") if output.output_type != "error" else \
        "\n".join(output.get("traceback", []))


def with_export_cell(path: Path) -> nbformat.NotebookNode:
    """The saved notebook with the export cell appended and saved (not yet run)."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(new_code_cell(EXPORT_CELL))
    nbformat.write(nb, path)
    return nb


def test_export_cell_shows_one_short_summary(assignment: Path):
    """Run from a notebook's last cell (saved, then run), does the export show exactly one
    output: a short summary naming the files, pages and question map, with no error-coloured
    (stderr) box and no long repr; and does the result still display in a later cell?"""
    path = assignment / NOTEBOOKS[1]
    nb = with_export_cell(path)
    nb.cells += [new_code_cell(source) for source in AFTER_CELLS]
    execute(nb, assignment)  # the kernel runs every cell, the export, then the two after
    export, pages_cell, shown = nb.cells[-3:]
    pdf = assignment / f"{ASSIGNMENT}_submission.pdf"
    pages = len(PdfReader(pdf).pages)
    assert [out.output_type for out in export.outputs] == ["display_data"], export.outputs
    summary = text_of(export.outputs[0])
    assert summary.startswith(f"Wrote {pdf.name} ({pages} pages")
    assert f"{ASSIGNMENT}_code.zip" in summary and "Printed as saved: " in summary
    assert "SubmissionResult(" not in summary and len(summary.splitlines()) <= 6
    ((stub, line),) = stub_functions(GD_PY)
    assert f"{MODULES[1]}: {stub} (line {line}) still raises" in summary
    assert f"PAGES {pages}" in text_of(pages_cell.outputs[0])
    assert text_of(shown.outputs[-1]).startswith(f"Wrote {pdf.name}")
    assert [title for title, _, _ in outline_tree(pdf)][:2] == [COVER_LABEL, NOTEBOOKS[0]]
    assert (assignment / f"{ASSIGNMENT}_code.zip").is_file()


def test_export_cell_and_its_output_are_not_printed(assignment: Path):
    """Saved after an export and exported again, is the export cell, with the summary it
    printed, left out of the PDF while the cells before it are in?"""
    path = assignment / NOTEBOOKS[1]
    nb = with_export_cell(path)
    execute(nb, assignment)
    summary = text_of(nb.cells[-1].outputs[0])
    assert summary.startswith("Wrote ")
    nbformat.write(nb, path)  # the student saves the notebook with the export's output
    execute(nb, assignment)  # ... and runs it all again, exporting once more
    text = squeeze("\n".join(page_texts(assignment / f"{ASSIGNMENT}_submission.pdf")))
    assert squeeze("final point") in text  # a cell before the export cell
    assert "export_submission" not in text
    assert squeeze(summary.splitlines()[0][:40]) not in text


def test_unsaved_changes_are_named_and_nothing_is_written(assignment: Path):
    """When the kernel ran a cell the saved notebook does not have, is the export refused
    with a plain message naming the cell and telling the student to save, and no file
    written?"""
    path = assignment / NOTEBOOKS[1]
    nb = with_export_cell(path)
    nb.cells.insert(len(nb.cells) - 1, new_code_cell("extra = 1  # not saved yet"))
    execute(nb, assignment, allow_errors=True)
    outputs = nb.cells[-1].outputs
    message = "\n".join(text_of(out) for out in outputs)
    count = nb.cells[-2].execution_count
    assert f"{NOTEBOOKS[1]} on disk is older than what you see" in message, message
    assert f"In [{count}]" in message and "Ctrl-S" in message
    assert "Traceback" not in message and "File \"" not in message
    assert not list(assignment.glob("*.pdf")) and not list(assignment.glob("*.zip"))
