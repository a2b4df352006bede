"""Nothing instructor-side in any bundle: every file of every bundle (and every member of
the zips and the wheel, opened recursively) is scanned against the sources' solution and
hidden-test regions, the graded suites, the mutants, the reference artifacts, the
`autograder` package and the instructor's commands."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from bundle_plan import ASSIGNMENTS, ROOT

pytestmark = pytest.mark.slow  # builds every bundle

MARKER = re.compile(r"### (BEGIN|END) (SOLUTION|HIDDEN TESTS)")
# What only instructor-side code and files contain (the student library may *mention*
# `course release` in a docstring; it may not use the grader).
INSTRUCTOR_WORDS = ["import autograder", "from autograder", "python -m autograder",
                    "nbgrader_config.py", "mutants.toml", "gradebook.db"]
MIN_LINE = 12  # shorter lines ("return out") are common to any code


def members(path: Path, data: bytes | None = None) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of a file, and of every member when it is a zip (recursively)."""
    data = path.read_bytes() if data is None else data
    yield str(path), data
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                yield from members(Path(f"{path}!/{name}"), archive.read(name))


def normalized(text: str) -> str:
    """Lines stripped, JSON string escapes undone (notebooks), joined by newlines."""
    text = text.replace("\\n", "\n").replace('\\"', '"')
    return "\n".join(line.strip().strip('",') for line in text.splitlines())


def split_regions(text: str) -> tuple[list[str], list[str]]:
    """(stripped lines inside solution/hidden-test regions, stripped lines outside)."""
    inside, outside, depth = [], [], 0
    for raw in text.splitlines():
        line = raw.strip()
        if MARKER.search(line):
            depth += 1 if "BEGIN" in line else -1
        elif depth:
            inside.append(line)
        else:
            outside.append(line)
    return inside, outside


def texts(folder: Path) -> Iterator[str]:
    """Every .py module and notebook cell under ``folder``."""
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".py":
            yield path.read_text()
        elif path.suffix == ".ipynb":
            yield from (c.source for c in nbformat.read(path, as_version=4).cells)


def code_lines(lines: list[str]) -> set[str]:
    return {line for line in lines if len(line) >= MIN_LINE and not line.startswith("#")}


def public_lines(hw: str) -> set[str]:
    """What students of ``hw`` may see: its source outside the regions, the modules it
    hands out complete from an earlier assignment (``[given]``: all of them, solutions
    included), and the student library."""
    from autograder.core.manifest import load_assignment

    public = set()
    for text in [*texts(ROOT / "source" / hw), *texts(ROOT / "utils")]:
        public |= set(split_regions(text)[1])
    for name in load_assignment(hw).given:
        inside, outside = split_regions((ROOT / "source" / hw / name).read_text())
        public |= set(inside) | set(outside)
    return public


def secret_lines(hw: str) -> set[str]:
    """Code lines of every assignment's regions and of every suite that ``hw``'s students
    may not see."""
    secret = set()
    for other in ASSIGNMENTS:
        for text in texts(ROOT / "source" / other):
            secret |= code_lines(split_regions(text)[0])
        for text in texts(ROOT / "assignments" / other):
            secret |= code_lines(split_regions(text)[1])
    return secret - public_lines(hw)


def private_digests() -> dict[str, str]:
    """sha256 -> name of each instructor-only file (source, suites, artifacts) whose bytes
    students do not get anyway (not identical to a released file)."""
    released = {hashlib.sha256(p.read_bytes()).hexdigest()
                for p in (ROOT / "release").rglob("*") if p.is_file()}
    private = {}
    for folder in ("source", "assignments"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                if digest not in released:
                    private[digest] = str(path.relative_to(ROOT))
    return private


@pytest.mark.parametrize("hw", ASSIGNMENTS)
def test_no_instructor_material_in_any_file_of_the_bundle(bundle_dir, hw):
    """Does no file of the bundle, nor any member of its zip or wheel, hold a solution or
    hidden-test line, a suite line, a marker, a copy of an instructor-only file (reference
    artifacts included), `autograder` code or an instructor command?"""
    secrets, private = secret_lines(hw), private_digests()
    assert len(secrets) > 50, "the sources and suites should have lines to protect"
    assert any(p.endswith("best_model.npz") for p in private.values())
    scanned = 0
    for root in (bundle_dir / hw, bundle_dir / f"{hw}.zip"):
        paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in paths:
            for name, data in members(path):
                scanned += 1
                digest = hashlib.sha256(data).hexdigest()
                assert digest not in private, f"{name} is a copy of {private[digest]}"
                assert "/autograder/" not in f"/{name.split('!/')[-1]}", name
                text = data.decode("utf-8", errors="replace")
                assert not MARKER.search(text), name
                lines = set(normalized(text).splitlines())
                leaked = sorted(secrets & lines)
                assert not leaked, f"{name}: {leaked[:3]}"
                found = [w for w in INSTRUCTOR_WORDS if w in text]
                assert not found, f"{name} mentions {found}"
    assert scanned > 2 * len(list((bundle_dir / hw).iterdir()))  # zips were opened
