"""The set-up cell off Colab, and the two ways `import utils` goes wrong for a student: the
library is not installed for the kernel, or a `utils.py` of their own hides it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from bundle_plan import ASSIGNMENTS, ROOT
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from student_envs import python_executable

from autograder.manifest import load_assignment
from autograder.release.colab import CELL_ID, cell_source
from utils import shadowing_file

HW = "hw1_softmax"


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_every_released_notebook_starts_with_the_setup_cell(hw):
    """Does each notebook of release/<hw> start with the set-up cell for <hw>, once?"""
    for name in load_assignment(hw).notebooks:
        cells = nbformat.read(ROOT / "release" / hw / name, as_version=4).cells
        assert cells[0].id == CELL_ID and cells[0].source == cell_source(hw)
        assert cells[0].metadata["cellView"] == "form"  # Colab shows its title only
        assert [c.id for c in cells].count(CELL_ID) == 1


def setup_notebook(folder: Path) -> Path:
    """A notebook of ``folder`` holding only the set-up cell of the released hw1."""
    nb = nbformat.read(ROOT / "release" / HW / "softmax.ipynb", as_version=4)
    nb.cells = nb.cells[:1]
    path = folder / "setup_only.ipynb"
    nbformat.write(nb, path)
    (folder / "assignment.json").write_text(json.dumps({"assignment": HW}))
    return path


def run_first_cell(path: Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=120,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


@pytest.mark.slow
def test_setup_cell_prints_nothing_where_the_library_is_installed(tmp_path):
    """In a kernel with the library (here the instructor's environment), off Colab, does
    the set-up cell run without any output?"""
    nb = run_first_cell(setup_notebook(tmp_path))
    assert nb.cells[0].outputs == []


@pytest.mark.slow
def test_a_students_utils_py_is_named_as_hiding_the_library(tmp_path):
    """With a utils.py of the student's own beside the notebook, does the set-up cell stop
    with a message naming that file and saying what to do?"""
    path = setup_notebook(tmp_path)
    (tmp_path / "utils.py").write_text("def helper():\n    return 1\n")
    with pytest.raises(CellExecutionError) as caught:
        run_first_cell(path)
    message = str(caught.value)
    assert "ImportError" in message
    assert f"{tmp_path / 'utils.py'} hides the course library" in message
    assert "Rename it" in message


def test_a_kernel_without_the_library_is_told_how_to_install_it(tmp_path):
    """In a Python without the library (a bare 3.12), does the set-up cell's code say that
    the library is not installed for this interpreter, and how to install it?"""
    python = python_executable("3.12")
    proc = subprocess.run([str(python), "-I", "-c", cell_source(HW)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "ModuleNotFoundError: The course library (import utils) is not installed for " \
           f"this kernel's Python ({python})" in proc.stderr, proc.stderr
    assert "pip install -r requirements.txt" in proc.stderr


def test_nndl_submit_refuses_and_names_a_shadowing_utils_py(tmp_path):
    """Does `nndl-submit` in a folder whose utils.py hides the library refuse (exit 1),
    naming the file, before anything is printed?"""
    folder = tmp_path / HW
    folder.mkdir()
    (folder / "utils.py").write_text("x = 1\n")
    assert shadowing_file(folder) == (folder / "utils.py").resolve()
    assert shadowing_file(ROOT) is None  # the library itself hides nothing
    script = Path(sys.executable).with_name("nndl-submit")
    proc = subprocess.run([str(script)], cwd=folder, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 1
    assert f"{folder / 'utils.py'} hides the course library" in proc.stderr
    assert not list(folder.glob("*.pdf"))


def test_the_pdf_prints_the_setup_cell_as_one_line(tmp_path):
    """Does the exported page show a one-line note for the set-up cell instead of its code,
    and the notebook's other code as it is?"""
    from utils.submit.notebook_html import notebook_to_html

    nb = nbformat.read(ROOT / "release" / HW / "softmax.ipynb", as_version=4)
    page, _ = notebook_to_html(nb, tmp_path / "softmax.ipynb", "http://127.0.0.1:1/mathjax")
    assert "set-up cell (its code is not printed)" in page
    assert "nndl_setup" not in page and "google.colab" not in page
    assert "append_bias" in page  # the next code cell is printed
