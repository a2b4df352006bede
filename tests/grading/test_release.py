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


def split_regions(text: str) -> tuple[list[str], str]:
    """(stripped lines inside solution/hidden regions, the text outside them)."""
    inside, outside, depth = [], [], 0
    for raw in text.splitlines():
        line = raw.strip()
        if MARKER.search(line):
            depth += 1 if "BEGIN" in line else -1
            continue
        if depth:
            inside.append(line)
        else:
            outside.append(raw)
    return inside, "\n".join(outside)


def sources(hw: str) -> list[str]:
    """The text of every .py module and every notebook cell of source/<hw>."""
    texts = []
    for path in sorted((ROOT / "source" / hw).iterdir()):
        if path.suffix == ".py":
            texts.append(path.read_text())
        elif path.suffix == ".ipynb":
            texts += [cell.source for cell in nbformat.read(path, as_version=4).cells]
    return texts


def secrets(hw: str) -> tuple[set[str], set[str]]:
    """(secret lines, secret pairs of consecutive lines) of source/<hw>.

    A secret line is a line of a solution or hidden-test region that appears nowhere in
    the source outside the regions (so hints that quote code are not counted)."""
    regions, public = [], []
    for text in sources(hw):
        inside, outside = split_regions(text)
        regions.append(inside)
        public.append(outside)
    public_text = "\n".join(public)
    lines, pairs = set(), set()
    for inside in regions:
        code = [line for line in inside if len(line) >= 8 and not line.startswith("#")]
        lines |= {line for line in code if line not in public_text}
        pairs |= {f"{a}\n{b}" for a, b in zip(code, code[1:], strict=False)}
    return lines, pairs


def published_text(folder: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(folder.rglob("*"))
                     if p.is_file() and p.suffix in (".py", ".ipynb", ".json", ".md", ".txt"))


def normalized_lines(text: str) -> str:
    """Every line stripped (notebook JSON strings un-escaped), joined by newlines."""
    text = text.replace("\\n", "\n").replace('\\"', '"')
    return "\n".join(line.strip().strip('",') for line in text.splitlines())


def test_release_is_up_to_date():
    """Does `course release --all --check` find release/ identical to a fresh build?"""
    proc = course_cmd("release", "--all", "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_no_solution_or_hidden_test_reaches_students(hw):
    """Does no solution or hidden-test line reach release/, and no run of two such lines
    reach utils/?"""
    lines, pairs = secrets(hw)
    assert lines, "the source should have solution regions to protect"
    released = normalized_lines(published_text(ROOT / "release" / hw))
    leaked = sorted(line for line in lines if line in released)
    assert not leaked, f"solution text in release/{hw}: {leaked[:5]}"
    assert not MARKER.search(released)
    shared = normalized_lines(published_text(ROOT / "utils"))
    copied = sorted(pair for pair in pairs if pair in shared)
    assert not copied, f"solution code in utils/: {copied[:3]}"
    assert not MARKER.search(shared)


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
