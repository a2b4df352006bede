"""`course bundle`: per assignment a folder and a zip holding the release, the wheel, the
pip and conda files and a README for a laptop, Colab and JupyterHub."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import nbformat
import pytest
from bundle_plan import ASSIGNMENTS, COLAB_URL, ROOT

from autograder.core.manifest import load_assignment
from autograder.release.colab import CELL_ID, cell_source

pytestmark = pytest.mark.slow  # builds every bundle

ADDED = {"README.md", "requirements.txt", "environment-student.yml"}


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_bundle_is_the_release_plus_the_student_files(bundle_dir, wheel, hw):
    """Does the folder hold the committed release (same bytes), the wheel and the three
    student files, and does the zip hold the same files under <hw>/?"""
    folder, release = bundle_dir / hw, ROOT / "release" / hw
    released = {p.name for p in release.iterdir() if p.is_file()}
    files = {p.name for p in folder.iterdir()}
    assert files == released | ADDED | {wheel.name}
    for name in released:
        assert (folder / name).read_bytes() == (release / name).read_bytes(), name
    assert (folder / wheel.name).read_bytes() == wheel.read_bytes()
    with zipfile.ZipFile(bundle_dir / f"{hw}.zip") as archive:
        assert sorted(archive.namelist()) == sorted(f"{hw}/{name}" for name in files)
        for name in files:
            assert archive.read(f"{hw}/{name}") == (folder / name).read_bytes()


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_every_notebook_starts_with_the_setup_cell(bundle_dir, hw):
    """Does every bundled notebook start with this assignment's set-up cell, exactly once?"""
    for name in load_assignment(hw).notebooks:
        cells = nbformat.read(bundle_dir / hw / name, as_version=4).cells
        assert cells[0].id == CELL_ID and cells[0].source == cell_source(hw)
        assert [c.id for c in cells].count(CELL_ID) == 1


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_install_files_point_at_the_wheel(bundle_dir, wheel, hw):
    """Do requirements.txt and environment-student.yml install the wheel in the folder
    (with JupyterLab), for Python 3.11 and newer?"""
    folder = bundle_dir / hw
    lines = [x for x in (folder / "requirements.txt").read_text().splitlines()
             if x and not x.startswith("#")]
    assert lines == [f"./{wheel.name}[lab]"]
    yml = (folder / "environment-student.yml").read_text()
    assert "  - python>=3.11\n" in yml and "      - -r requirements.txt\n" in yml


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_readme_guides_a_student_everywhere(bundle_dir, wheel, hw):
    """Does the README explain a laptop, Colab and JupyterHub, and submitting, name the
    wheel and warn off PyPI's `utils`, list every file, and link every notebook in Colab?"""
    text = (bundle_dir / hw / "README.md").read_text()
    assignment = load_assignment(hw)
    assert text.startswith(f"# {assignment.title}\n")
    for heading in ("## On a laptop", "## On Google Colab", "## On your course's JupyterHub",
                    "## Submitting to Gradescope"):
        assert heading in text
    assert wheel.name in text and "pip install -r requirements.txt" in text
    assert "Do not `pip install utils`" in text and "nndl-submit" in text
    for name in assignment.modules + assignment.notebooks:
        assert f"| `{name}` |" in text
    for notebook in assignment.notebooks:
        url = COLAB_URL.format(hw=hw, notebook=notebook)
        assert f"[{notebook}]({url})" in text
    assert f"{hw}_submission.pdf" in text and f"{hw}_code.zip" in text
    assert "$" not in text  # no placeholder left


@pytest.mark.parametrize(("args", "message"), [
    (["hw1_softmax", "--colab-url", "http://example.org/{notebook}"], "must be an https://"),
    (["hw1_softmax", "--colab-url", "https://example.org/{nb}/{notebook}"], "{nb}"),
    (["hw9_nothing"], "unknown assignment"),
    ([], "name at least one assignment"),
])
def test_bad_arguments_are_refused_with_a_message(tmp_path, args, message):
    """Do a malformed Colab link template, an unknown assignment or none at all stop
    `course bundle` with exit 2 and a message, writing nothing?"""
    proc = subprocess.run([sys.executable, "-m", "autograder", "bundle", *args, "--out",
                           str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists()
