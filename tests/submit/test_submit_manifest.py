"""Tests of utils.submit.manifest: assignment.json is read or clearly rejected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from utils.submit.errors import ManifestError
from utils.submit.manifest import load_manifest

GOOD = {"assignment": "hw1_softmax", "title": "HW1: Softmax",
        "notebooks": ["softmax.ipynb", "gradient_descent.ipynb"],
        "modules": ["softmax.py", "gradient_descent.py"], "artifacts": ["best_model.npz"]}


def write(folder: Path, data: object) -> Path:
    text = data if isinstance(data, str) else json.dumps(data)
    (folder / "assignment.json").write_text(text)
    return folder


def test_good_manifest_loads(tmp_path: Path):
    """Does a well-formed manifest load with its files in order (modules first)?"""
    manifest = load_manifest(write(tmp_path, GOOD))
    assert manifest.assignment == GOOD["assignment"]
    assert manifest.files == GOOD["modules"] + GOOD["notebooks"] + GOOD["artifacts"]


def test_missing_manifest_says_to_redownload(tmp_path: Path):
    """Does a folder without assignment.json get a message to re-download it?"""
    with pytest.raises(ManifestError, match="Download the assignment folder again"):
        load_manifest(tmp_path)


@pytest.mark.parametrize("data", [
    "{not json",
    [1, 2],
    {**GOOD, "assignment": ""},
    {**GOOD, "notebooks": "softmax.ipynb"},
    {**GOOD, "modules": ["softmax.ipynb"]},
    {**GOOD, "modules": ["../outside.py"]},
    {**GOOD, "artifacts": [3]},
    {**GOOD, "notebooks": [], "modules": []},
])
def test_malformed_manifest_is_rejected(tmp_path: Path, data):
    """Is each malformed manifest rejected with the file named and a fix?"""
    with pytest.raises(ManifestError) as info:
        load_manifest(write(tmp_path, data))
    assert "assignment.json" in str(info.value)
    assert "Download the assignment folder again" in str(info.value)
