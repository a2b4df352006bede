"""A student on a laptop, for real: a fresh venv outside the repository per Python (3.11,
and pyenv's 3.12 and 3.13), only the bundle's wheel and a kernel installed, a completed
assignment run top to bottom in that venv's kernel, then `nndl-submit` prints the PDF with
the real browser and writes the code zip."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from bundle_plan import PLAN, ROOT
from completed import complete
from pypdf import PdfReader
from student_kernel import outputs_text, run_notebook

from autograder.manifest import load_assignment

pytestmark = pytest.mark.slow
CASES = [pytest.param(version, hw, marks=pytest.mark.envs(version))
         for version, hws in PLAN.items() for hw in hws]


@pytest.mark.parametrize(("version", "hw"), CASES)
def test_completed_assignment_runs_and_exports_in_a_fresh_venv(farm, bundle_dir, tmp_path,
                                                                 version, hw):
    """With only the wheel and ipykernel in a fresh venv of this Python, do a completed
    student's notebooks run top to bottom (the set-up cell silent), and does `nndl-submit`
    write a PDF with a bookmark per file and a zip of exactly the files handed in?"""
    env = farm.get(version)
    assert not str(env.prefix).startswith(str(ROOT))
    listed = env.versions("nndl-course-utils", "ipykernel")
    assert set(listed) == {"nndl-course-utils", "ipykernel"}
    folder = complete(bundle_dir / hw, tmp_path / hw)
    shell = env.env(NBGRADER_EXECUTION="autograde")  # the graders' short training runs
    assignment = load_assignment(hw)
    for name in assignment.notebooks:
        nb = run_notebook(folder / name, env.python, tmp_path / "spec", shell)
        setup = nb.cells[0]
        assert "nndl-setup" in setup.metadata["tags"] and setup.outputs == [], setup.outputs
        assert "Traceback" not in outputs_text(nb.cells, "stderr")

    proc = subprocess.run([str(env.script("nndl-submit"))], cwd=folder, env=shell,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    reader = PdfReader(folder / f"{hw}_submission.pdf")
    titles = " ".join(item.title for item in reader.outline if not isinstance(item, list))
    for name in assignment.notebooks + assignment.modules:
        assert name in titles, (name, titles)
    with zipfile.ZipFile(folder / f"{hw}_code.zip") as archive:
        names = {Path(n).name for n in archive.namelist()}
    manifest = json.loads((folder / "assignment.json").read_text())
    listed = manifest["modules"] + manifest["notebooks"] + manifest["artifacts"]
    assert names == {name for name in listed if (folder / name).is_file()}


@pytest.mark.envs("resolve-3.14")
def test_the_wheel_resolves_to_binary_wheels_on_python_314(farm, wheel):
    """For Python 3.14, which this machine lacks, does pip find a binary wheel of every
    package the course library and ipykernel need (`--only-binary`, a dry run)?"""
    report = json.loads(Path(farm.get("resolve-3.14").notes["report"]).read_text())
    installed = {item["metadata"]["name"].lower(): item for item in report["install"]}
    assert {"nndl-course-utils", "numpy", "matplotlib", "scikit-learn", "playwright",
            "ipykernel"} <= set(installed)
    for name, item in installed.items():
        url = item["download_info"]["url"]
        assert url.endswith(".whl"), (name, url)  # pip chose it as fit for 3.14
