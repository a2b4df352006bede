"""The set-up cell at the top of every released notebook.

On Google Colab the cell finds the assignment's folder (in the session's files, or on the
student's Google Drive, which it mounts when needed), changes into it, installs the course
library from the wheel the bundle puts there (pip keeps the numpy, matplotlib and ipykernel
Colab already has), and says in one line what it did. Everywhere, Colab or not, it checks
that ``import utils`` finds the course library, and otherwise says why not: not installed
for this kernel, or hidden by a ``utils.py`` of the student's own (named). On a laptop or a
hub with the library installed it prints nothing.

``add_setup_cell(nb, hw)`` puts the cell first in a notebook (replacing an earlier copy);
release calls it for every notebook (``autograder.release.build.release_notebook``, inside
nbgrader's own generate step, so Formgrader's Generate button adds it too).
``NNDL_COLAB_CONTENT`` moves Colab's ``/content`` elsewhere (the tests' stand-in Colab).
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

from autograder.bundle.package import student_package

if TYPE_CHECKING:  # nbformat is imported when used: the Gradescope runtime has only numpy
    from nbformat import NotebookNode

CELL_ID = "nndl-setup"
TAG = "nndl-setup"
TITLE = "Set-up: run this cell first (on Google Colab it installs the course library)"


def nndl_setup(hw: str, wheels: str, content: str = "/content") -> None:
    """Colab: find the folder of assignment ``hw``, move there, pip-install the wheel
    matching ``wheels``. Everywhere: check that ``import utils`` is the course library."""
    import glob
    import importlib
    import importlib.metadata
    import importlib.util
    import json
    import os
    import subprocess
    import sys

    def folder_in(root, depth):
        for level in range(depth + 1):
            parts = [glob.escape(root), *["*"] * level, "assignment.json"]
            for path in sorted(glob.glob(os.path.join(*parts))):
                try:
                    with open(path, encoding="utf-8") as file:
                        if json.load(file).get("assignment") == hw:
                            return os.path.dirname(os.path.abspath(path))
                except (OSError, ValueError, AttributeError):
                    continue
        return None

    try:
        importlib.import_module("google.colab")  # present on Colab only
    except ImportError:
        on_colab = False
    else:
        on_colab = True
    if on_colab:
        content = os.environ.get("NNDL_COLAB_CONTENT", content)
        drive = os.path.join(content, "drive")
        folder = folder_in(os.getcwd(), 0) or folder_in(content, 2)
        if folder is None:
            if not os.path.isdir(os.path.join(drive, "MyDrive")):
                from google.colab import drive as google_drive
                google_drive.mount(drive)
            folder = folder_in(os.path.join(drive, "MyDrive"), 4)
        if folder is None:
            raise FileNotFoundError(
                f"No folder of {hw} (with its assignment.json) in this Colab session nor in "
                f"My Drive (4 levels deep). Unzip {hw}.zip, upload the folder {hw} to your "
                "Google Drive, open the notebook from there and run this cell again.")
        os.chdir(folder)
        if folder not in sys.path:
            sys.path.insert(0, folder)
        found = sorted(glob.glob(os.path.join(glob.escape(folder), wheels)),
                       key=os.path.getmtime)
        if not found:
            raise FileNotFoundError(f"{folder} holds no course library ({wheels}): download "
                                    f"{hw}.zip again and upload the whole folder.")
        name, version = os.path.basename(found[-1]).split("-")[:2]
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed == version:
            did = f"the course library {version} is installed"
        else:
            proc = subprocess.run([sys.executable, "-m", "pip", "install", found[-1]],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                raise RuntimeError("pip could not install the course library:\n"
                                   + (proc.stdout + proc.stderr)[-2000:])
            added = [line.split()[2:] for line in proc.stdout.splitlines()
                     if line.startswith("Successfully installed")]
            extra = len(added[0]) - 1 if added else 0
            did = f"installed the course library {version} (and {extra} packages it needs)"
            importlib.invalidate_caches()
        print(f"Colab set-up: working in {folder}; {did}.")
    spec = importlib.util.find_spec("utils")
    if spec is None or spec.origin is None:  # nothing, or only a folder named utils
        raise ModuleNotFoundError(
            f"The course library (import utils) is not installed for this kernel's Python "
            f"({sys.executable}). In the assignment folder run: pip install -r "
            "requirements.txt (see README.md), then restart the kernel.")
    places = spec.submodule_search_locations or []
    if not any(os.path.isdir(os.path.join(place, "submit")) for place in places):
        raise ImportError(
            f"{spec.origin} hides the course library: `import utils` finds this file "
            "instead. Rename it (for example to my_utils.py), then restart the kernel.")


def cell_source(hw: str) -> str:
    """The cell's code: the function above, called for ``hw``, then deleted."""
    wheels = student_package().wheel_glob
    return (f"#@title {TITLE}\n"
            f"{inspect.getsource(nndl_setup)}\n\n"
            f"nndl_setup({hw!r}, {wheels!r})\n"
            "del nndl_setup")


def setup_cell(hw: str) -> NotebookNode:
    import nbformat

    cell = nbformat.v4.new_code_cell(cell_source(hw))
    cell.id = CELL_ID
    # Colab shows the title only (a form), JupyterLab a collapsed input; the tag lets the
    # PDF export print the cell as one line.
    cell.metadata = {"cellView": "form", "jupyter": {"source_hidden": True}, "tags": [TAG]}
    return cell


def add_setup_cell(nb: NotebookNode, hw: str) -> None:
    """Put the set-up cell first in notebook ``nb`` (in place; once)."""
    nb.cells = [setup_cell(hw)] + [c for c in nb.cells if c.get("id") != CELL_ID]
