"""assignment.toml: limits default to the sandbox's ``Limits``; points are not declared."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from autograder.manifest import LIMIT_KEYS, load_assignment
from autograder.paths import CourseError
from autograder.sandbox.student import Limits

ROOT = Path(__file__).resolve().parents[2]
BASE = 'title = "T"\nmodules = ["m.py"]\nnotebooks = ["m.ipynb"]\n'


def manifest(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "hw9"
    folder.mkdir()
    (folder / "assignment.toml").write_text(BASE + text)
    return folder


def test_limits_default_to_the_sandbox_defaults(tmp_path):
    """Without a [limits] table, are the limits exactly ``Limits()``?"""
    assert load_assignment("hw9", manifest(tmp_path, "")).limits == Limits()


def test_limits_table_changes_only_what_it_names(tmp_path):
    """Does [limits] seconds = 30 change the time limit and keep the other defaults?"""
    limits = load_assignment("hw9", manifest(tmp_path, "[limits]\nseconds = 30\n")).limits
    assert limits.seconds == 30.0
    assert limits.memory_bytes == Limits().memory_bytes
    assert limits.output_bytes == Limits().output_bytes


def test_every_limit_has_a_manifest_key():
    """Can each field of ``Limits`` be set from assignment.toml?"""
    assert {name for name, _ in LIMIT_KEYS.values()} == {f.name for f in fields(Limits)}


@pytest.mark.parametrize(("text", "message"), [
    ("points = 50\n", "remove `points`"),
    ("[limits]\nminutes = 3\n", r"\[limits\] takes only"),
    ("[limits]\nseconds = -1\n", "positive"),
])
def test_manifest_refuses_points_and_unknown_limits(tmp_path, text, message):
    """Are a points total and unknown or negative limits refused with a clear message?"""
    with pytest.raises(CourseError, match=message):
        load_assignment("hw9", manifest(tmp_path, text))


def test_course_manifests_repeat_no_default():
    """Does no manifest of the course restate a default limit?"""
    defaults = {key: getattr(Limits(), name) / factor for key, (name, factor) in LIMIT_KEYS.items()}
    for path in sorted((ROOT / "assignments").glob("*/assignment.toml")):
        limits = load_assignment(path.parent.name).limits
        for key, (name, factor) in LIMIT_KEYS.items():
            value = getattr(limits, name) / factor
            assert value != defaults[key] or not re.search(rf"(?m)^{key}\s*=", path.read_text())


def test_readme_states_the_default_limits():
    """Does the README quote the default limits as ``Limits`` defines them?"""
    readme = " ".join((ROOT / "README.md").read_text().split())
    limits = Limits()
    assert f"{limits.seconds:g} s by default" in readme
    assert f"address-space limit ({limits.memory_bytes >> 30} GiB)" in readme
    assert f"output limit ({limits.output_bytes >> 20} MiB)" in readme
