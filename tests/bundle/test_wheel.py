"""The student library's wheel: only `utils`, honest metadata, ranges that hold the versions
the project is tested with, one console script, reproducible, a new version per change."""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import json
import shutil
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from bundle_plan import ROOT
from packaging.requirements import Requirement
from packaging.version import Version

from autograder.bundle.wheel import SERVER_EXTENSION, build_wheel
from autograder.core.student_package import student_package

pytestmark = pytest.mark.slow  # builds every bundle


def read_wheel(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def dist_info(files: dict[str, bytes], name: str) -> str:
    (key,) = [k for k in files if k.endswith(f".dist-info/{name}")]
    return files[key].decode()


def test_wheel_holds_the_library_and_nothing_else(wheel):
    """Does the wheel hold exactly utils/ (modules and package data), its dist-info and the
    server-extension switch, with a RECORD whose hashes and sizes match?"""
    files = read_wheel(wheel)
    pkg = student_package()
    library = {p.relative_to(ROOT).as_posix() for p in pkg.files()}
    assert {n for n in files if n.startswith("utils/")} == library
    assert "utils/submit/notebook.tpl" in library and "utils/data/digits_pools_seed0.npz" in library
    others = {n for n in files if not n.startswith("utils/")}
    assert all(".dist-info/" in n or ".data/data/etc/jupyter/" in n for n in others), others
    assert not any(n.startswith("autograder/") or "/__pycache__/" in n for n in files)
    record = dist_info(files, "RECORD").splitlines()
    assert len(record) == len(files)
    for line in record:
        name, digest, size = line.rsplit(",", 2)
        if name.endswith("RECORD"):
            continue
        body = files[name]
        expected = base64.urlsafe_b64encode(hashlib.sha256(body).digest()).rstrip(b"=")
        assert digest == f"sha256={expected.decode()}" and int(size) == len(body), name


def test_metadata_name_version_python_and_entry_points(wheel):
    """Is the distribution called nndl-course-utils (not PyPI's `utils`), versioned from
    the project plus a content label, for Python >= 3.11, with `nndl-submit` as its only
    command and the terminal extension switched on?"""
    files = read_wheel(wheel)
    meta = Parser().parsestr(dist_info(files, "METADATA"))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["Name"] == "nndl-course-utils"
    version = Version(meta["Version"])
    assert version.public == project["version"] and len(version.local) == 8
    assert wheel.name == f"nndl_course_utils-{version}-py3-none-any.whl"
    assert meta["Requires-Python"] == ">=3.11"
    assert dist_info(files, "entry_points.txt").split() == [
        "[console_scripts]", "nndl-submit", "=", "utils.submit.__main__:main"]
    assert "Root-Is-Purelib: true" in dist_info(files, "WHEEL")
    (switch,) = [body for name, body in files.items() if name.endswith(
        "etc/jupyter/jupyter_server_config.d/nndl-course-utils.json")]
    assert json.loads(switch)["ServerApp"]["jpserver_extensions"] == {SERVER_EXTENSION: True}


def test_dependency_ranges_hold_what_the_project_tests_with():
    """Is every dependency of the wheel a range with both bounds, and does it hold the
    version installed in this (pinned, instructor/CI) environment, so the tests exercise a
    version students can get?"""
    pkg = student_package()
    requirements = [Requirement(r) for r in pkg.dependencies]
    requirements += [Requirement(r) for _, extra in pkg.extras for r in extra]
    for req in requirements:
        operators = {spec.operator for spec in req.specifier}
        assert operators == {">=", "<"}, f"{req}: give a lower and an upper bound"
        installed = importlib.metadata.version(req.name)
        assert req.specifier.contains(installed, prereleases=True), (str(req), installed)
    names = {req.name for req in requirements}
    assert not {"nbgrader", "pytest", "ruff", "ipykernel"} & names


def test_the_wheel_is_reproducible_and_a_change_makes_a_new_version(tmp_path, wheel):
    """Does building twice give the same bytes, and does changing one library file give
    another version (so that pip replaces an older install)?"""
    again = build_wheel(tmp_path / "again")
    assert again.name == wheel.name and again.read_bytes() == wheel.read_bytes()
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "utils", copy / "utils",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    (copy / "utils" / "plots.py").write_text((copy / "utils" / "plots.py").read_text() + "\n")
    changed = student_package(copy)
    assert changed.version != student_package().version
    assert build_wheel(tmp_path / "changed", changed).name == changed.wheel_name
