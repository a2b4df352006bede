"""Tests of `course release`: up to date, and nothing secret reaches students."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from course import ASSIGNMENTS, ROOT, course_cmd

from autograder.manifest import load_assignment

MARKER = re.compile(r"### (BEGIN|END) (SOLUTION|HIDDEN TESTS)")


def region_lines(text: str) -> tuple[set[str], set[str]]:
    """(lines inside solution/hidden regions, lines outside), stripped."""
    inside, outside, depth = set(), set(), 0
    for raw in text.splitlines():
        line = raw.strip()
        if MARKER.search(line):
            depth += 1 if "BEGIN" in line else -1
            continue
        (inside if depth else outside).add(line)
    return inside, outside


def sources(hw: str) -> list[str]:
    """The text of every .py module and every notebook cell of source/<hw>."""
    texts = []
    for path in sorted((ROOT / "source" / hw).iterdir()):
        if path.suffix == ".py":
            texts.append(path.read_text())
        elif path.suffix == ".ipynb":
            texts += [cell.source for cell in nbformat.read(path, as_version=4).cells]
    return texts


def secret_lines(hw: str) -> set[str]:
    """Distinctive lines that only appear inside solution or hidden-test regions."""
    inside, outside = set(), set()
    for text in sources(hw):
        i, o = region_lines(text)
        inside |= i
        outside |= o
    return {line for line in inside - outside
            if len(line) >= 12 and not line.startswith("#")}


def published_text(folder: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(folder.rglob("*"))
                     if p.is_file() and p.suffix in (".py", ".ipynb", ".json", ".md", ".txt"))


def test_release_is_up_to_date():
    """Does `course release --all --check` find release/ identical to a fresh build?"""
    proc = course_cmd("release", "--all", "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_no_solution_or_hidden_test_reaches_students(hw):
    """Does no line from a solution or hidden-test region appear in release/ or utils/?"""
    secrets = secret_lines(hw)
    assert secrets, "the source should have solution regions to protect"
    released = published_text(ROOT / "release" / hw) + published_text(ROOT / "utils")
    leaked = sorted(line for line in secrets if line in released)
    assert not leaked, f"solution text in release/ or utils/: {leaked[:5]}"
    assert not MARKER.search(released)


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_release_has_the_student_manifest(hw):
    """Does release/<hw>/assignment.json list exactly the manifest's files?"""
    manifest = json.loads((ROOT / "release" / hw / "assignment.json").read_text())
    a = load_assignment(hw)
    assert manifest["assignment"] == hw
    assert manifest["modules"] == a.modules and manifest["notebooks"] == a.notebooks
    for name in a.modules + a.notebooks:
        assert (ROOT / "release" / hw / name).is_file()


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_released_modules_are_stubs(hw):
    """Does every released module import, and raise NotImplementedError where work is due?"""
    for module in load_assignment(hw).modules:
        text = (ROOT / "release" / hw / module).read_text()
        compile(text, module, "exec")
        assert "raise NotImplementedError" in text
