"""Tests of the set-up: pins agree, packages import from anywhere, notebooks carry no output."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^\s*-\s*([A-Za-z0-9_.\-]+)==([^\s#]+)\s*$")


def pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["dev"]
    pins = {}
    for spec in specs:
        name, _, version = spec.partition("==")
        assert version, f"pyproject.toml: {spec!r} is not pinned with =="
        pins[name.lower()] = version
    return pins


def environment_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        match = PIN.match(line)
        if match:
            pins[match[1].lower()] = match[2]
    return pins


def test_environment_yml_matches_pyproject():
    """Do environment.yml and pyproject.toml pin the same packages at the same versions?"""
    assert environment_pins() == pyproject_pins()


# the folders whose Python the project runs (instructor tools, tests, benchmarks, suites,
# the solutions and the student versions)
CODE = ("autograder", "utils", "tests", "bench", "scripts", "assignments", "source", "release")
# imported only where they exist: PyTorch for the benchmarks' comparison rows (`make bench`
# installs it), google.colab inside a Colab runtime
NOT_INSTALLED_HERE = {"torch", "google"}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def third_party_imports() -> dict[str, set[str]]:
    """Top-level module -> files that import it, for every module that is neither in the
    standard library nor part of this repository."""
    files = [ROOT / "nbgrader_config.py",
             *(p for folder in CODE for p in (ROOT / folder).rglob("*.py"))]
    local = {p.stem for p in files} | {p.parent.name for p in files if p.name == "__init__.py"}
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for top in (name.partition(".")[0] for name in names):
                if top not in sys.stdlib_module_names and top not in local | {"__future__"}:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_import_is_declared():
    """Is every package that the course's code, tests or benchmarks import pinned in
    pyproject.toml itself, rather than arriving as some other package's dependency?"""
    declared = {normalized(name) for name in pyproject_pins()}
    providers = importlib.metadata.packages_distributions()
    undeclared = {}
    for module, files in sorted(third_party_imports().items()):
        if module in NOT_INSTALLED_HERE:
            continue
        dists = {normalized(d) for d in providers.get(module, [])}
        if not dists & declared:
            undeclared[module] = (sorted(dists) or ["not installed"], sorted(files)[:3])
    assert not undeclared, f"imported but not pinned (module: distributions, files): {undeclared}"


def test_environment_yml_uses_python_311_and_installs_the_project():
    """Does the conda environment ask for Python 3.11 and install this project editable?"""
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*-\s*python=3\.11\s*$", text, re.M)
    assert re.search(r"^\s*-\s*-e \.\s*$", text, re.M)


@pytest.mark.parametrize("module", ["utils.gradient_check", "utils.data", "utils.solver",
                                    "utils.plots", "utils.checks", "autograder.cli"])
def test_packages_import_from_any_folder(tmp_path, module):
    """Does the installed project import from an unrelated folder, without path hacks?"""
    proc = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=tmp_path,
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr


def test_nbformat_imports_without_the_slow_iri_parser(tmp_path):
    """nbformat imports jsonschema's format checkers; with rfc3987-syntax installed that
    import builds three Earley parsers (1.6 s for each nbgrader command). The pinned
    jsonschema does not pull it in."""
    code = "import sys, nbformat.validator; print('rfc3987_syntax' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == "False", proc.stdout + proc.stderr


def test_course_command_is_installed():
    """Is the `course` console script installed next to the interpreter?"""
    course = Path(sys.executable).with_name("course")
    proc = subprocess.run([str(course), "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "release" in proc.stdout


def notebooks() -> list[Path]:
    return sorted(p for folder in ("source", "release") for p in (ROOT / folder).rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts)


def test_notebooks_are_committed_without_outputs():
    """Is every source and release notebook free of outputs and execution counts?"""
    dirty = []
    for path in notebooks():
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code" and (cell["outputs"] or cell["execution_count"]):
                dirty.append(str(path.relative_to(ROOT)))
                break
    assert not dirty, f"notebooks with outputs: {dirty}"


@pytest.mark.parametrize("entry", [".venv/", "gradebook.db", "submitted/", "autograded/",
                                   "feedback/", "build/"])
def test_generated_folders_are_ignored(entry):
    """Does .gitignore keep generated folders and the gradebook out of git?"""
    assert entry in (ROOT / ".gitignore").read_text().splitlines()
