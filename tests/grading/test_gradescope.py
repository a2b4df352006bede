"""Tests of the Gradescope zip, run for real in a folder laid out like /autograder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import tqdm
from course import ASSIGNMENTS, ROOT, submission
from gradescope_format import format_problems
from gradescope_tree import run_autograder, runtime_only_python, unpack

from autograder.authoring.model_credit import (
    LEADERBOARD,
    digits_heldout_split,
    saved_model_accuracy,
)
from autograder.core.manifest import load_assignment
from autograder.core.suite import load_reference


def saved_models(hw: str) -> list[str]:
    """The submitted models the suite scores (``best_model.npz`` of hw2 and hw4)."""
    return [name for name in load_assignment(hw).artifacts if name.endswith(".npz")]


def reference_accuracy(hw: str, model: str) -> float:
    """The held-out accuracy of the reference's saved model, computed here."""
    source = ROOT / "source" / hw
    modules = [Path(name).stem for name in load_assignment(hw).modules]
    net = load_reference(source, modules).fc_net.FullyConnectedNet
    return saved_model_accuracy(source / model, net, *digits_heldout_split())

pytestmark = pytest.mark.slow  # builds and runs Gradescope zips


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_zip_grades_reference_and_release(hw, tmp_path):
    """Does run_autograder from the unpacked zip, with only numpy and tqdm, give the
    reference full marks and the untouched release zero, both in Gradescope's results.json
    format; and where a saved model is graded (hw2, hw4), does the reference's carry its
    held-out accuracy as the leaderboard entry, and the release (no model) none?"""
    root = unpack(hw, tmp_path)
    python = runtime_only_python(tmp_path)
    total = load_assignment(hw).points

    submission(root / "submission", hw, modules_from="source")
    results = run_autograder(root, python)
    results.pop("_stdout")
    assert format_problems(results) == []
    assert results["score"] == pytest.approx(total)
    if saved_models(hw):
        (model,) = saved_models(hw)
        assert results["leaderboard"] == [
            {"name": LEADERBOARD, "value": round(reference_accuracy(hw, model), 4)}]
    else:
        assert "leaderboard" not in results

    shutil.rmtree(root / "submission")
    submission(root / "submission", hw, modules_from="release")
    results = run_autograder(root, python)
    results.pop("_stdout")
    assert format_problems(results) == []
    assert results["score"] == 0
    assert len(results["tests"]) > 0
    assert "leaderboard" not in results


def test_format_check_catches_a_malformed_leaderboard():
    """Does the results.json check reject leaderboard entries Gradescope would not read?"""
    base = {"score": 1.0, "tests": [{"name": "t", "score": 1.0, "max_score": 1.0}]}
    assert format_problems({**base, "leaderboard": [{"name": "Accuracy", "value": 0.9}]}) == []
    for board in ({"name": "Accuracy", "value": 0.9}, [{"value": 0.9}],
                  [{"name": "Accuracy", "value": None}],
                  [{"name": "Accuracy", "value": 0.9, "order": "up"}],
                  [{"name": "A", "value": 1}, {"name": "A", "value": 2}]):
        assert format_problems({**base, "leaderboard": board}), board


def test_zip_handles_a_nested_upload(tmp_path):
    """Does a student's zip with an extra top folder still get graded?"""
    hw = ASSIGNMENTS[0]
    root = unpack(hw, tmp_path)
    submission(root / "submission" / "my work" / hw, hw, modules_from="source")
    results = run_autograder(root, runtime_only_python(tmp_path))
    assert results["score"] == pytest.approx(load_assignment(hw).points)


def test_setup_script_pins_the_runtime(tmp_path):
    """Is setup.sh valid bash, installing numpy and tqdm at the course's own pins?"""
    root = unpack(ASSIGNMENTS[0], tmp_path)
    assert subprocess.run(["bash", "-n", str(root / "source" / "setup.sh")]).returncode == 0
    requirements = (root / "source" / "requirements.txt").read_text().split()
    assert requirements == [f"numpy=={np.__version__}", f"tqdm=={tqdm.__version__}"]
    pyproject = ROOT.joinpath("pyproject.toml").read_text()
    assert all(f'"{r}"' in pyproject for r in requirements)
