"""The export run from a notebook's own last cell, in a real kernel (nbclient)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell
from pypdf import PdfReader
from submit_fixtures import ASSIGNMENT, NOTEBOOKS, execute, outline_tree

from utils.submit.export import COVER_LABEL

pytestmark = pytest.mark.slow

EXPORT_CELL = ("from utils.submit import export_submission\n"
               "result = export_submission()\n"
               "print('PAGES', result.pages)")


def test_last_cell_exports_its_own_saved_notebook(assignment: Path):
    """Does a last cell calling export_submission() work inside the running kernel?

    The saved notebook holds the export cell not yet run (the student saved, then ran it):
    the pre-flight checks must accept it and judge the saved file.
    """
    path = assignment / NOTEBOOKS[1]
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(new_code_cell(EXPORT_CELL))
    nbformat.write(nb, path)  # saved: every cell run except the new export cell
    execute(nb, assignment)   # the kernel re-runs all cells, the export last
    text = "".join(out.get("text", "") for out in nb.cells[-1].outputs
                   if out.output_type == "stream" and out.name == "stdout")
    pdf = assignment / f"{ASSIGNMENT}_submission.pdf"
    assert f"Wrote {pdf}" in text
    assert "save (Ctrl-S)" in text
    pages = int(text.split("PAGES")[-1].split()[0])
    assert pages == len(PdfReader(pdf).pages) > 0
    assert [title for title, _, _ in outline_tree(pdf)][:2] == [COVER_LABEL, NOTEBOOKS[0]]
    assert (assignment / f"{ASSIGNMENT}_code.zip").is_file()
