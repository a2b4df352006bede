"""Synthetic classes for the similarity tests, made from the reference, the mutants and
the independent authors of ``authors.py``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from authors import AUTHORS, CELLS

from autograder.manifest import load_assignment
from autograder.mutants import load_mutants
from autograder.paths import course_root
from autograder.similarity import synthetic
from autograder.simulate import make_submission

ROOT = course_root()


def reference_bodies(hw: str) -> dict[str, dict[str, list[str]]]:
    """Every module's solution regions, from the reference."""
    return {m: synthetic.solution_bodies((ROOT / "source" / hw / m).read_text())
            for m in load_assignment(hw).modules}


def author_cells(hw: str, author: str) -> dict[str, list[str]]:
    """The code cells the author added to notebooks (none for most)."""
    return CELLS.get(hw, {}).get(author, {})


def author_bodies(hw: str, author: str) -> dict[str, dict[str, list[str]]]:
    """The author's bodies, and the reference's for the functions the author left out."""
    bodies = reference_bodies(hw)
    for module, functions in AUTHORS[hw][author].items():
        bodies[module] = {**bodies[module], **functions}
    return bodies


def write_student(dest: Path, hw: str, bodies: dict[str, dict[str, list[str]]],
                  seed: int | None = None, line_length: int | None = None,
                  cells: dict[str, list[str]] | None = None) -> Path:
    """A submission: the released files with the modules' regions filled from ``bodies``
    and ``cells`` appended to notebooks; with ``seed``, disguised as a copier would
    (renamed, reordered, recommented) and, with ``line_length``, reformatted by ruff at
    that line length."""
    assignment = load_assignment(hw)
    release = ROOT / "release" / hw
    dest.mkdir(parents=True)
    for path in release.iterdir():
        if path.is_file() and path.name not in assignment.modules:
            shutil.copyfile(path, dest / path.name)
    for name in assignment.artifacts:
        if (ROOT / "source" / hw / name).is_file():
            shutil.copyfile(ROOT / "source" / hw / name, dest / name)
    for module in assignment.modules:
        text = synthetic.fill((release / module).read_text(), bodies[module])
        if seed is not None:
            text = synthetic.disguise(text, seed)
        if line_length is not None:
            text = synthetic.reformat(text, line_length)
        (dest / module).write_text(text)
    for notebook, sources in (cells or {}).items():
        nb = json.loads((dest / notebook).read_text())
        for number, source in enumerate(sources):
            if seed is not None:
                source = synthetic.disguise(source, seed + number, module_level=True)
            nb["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {},
                                "outputs": [], "source": source})
        (dest / notebook).write_text(json.dumps(nb, indent=1) + "\n")
    return dest


def build_class(base: Path, hw: str, copier_of: str | None = "ana",
                authors: list[str] | None = None) -> Path:
    """``base/<student>/`` for: ``ref`` (the reference), one student per mutant, each
    author (all, or ``authors``), two untouched releases, and ``copier``, a disguised and
    reformatted copy of the author ``copier_of``."""
    base.mkdir(parents=True, exist_ok=True)
    make_submission(base / "ref", hw, "source")
    for i, mutant in enumerate(load_mutants(ROOT / "assignments" / hw / "mutants.toml")):
        make_submission(base / f"mutant{i:02d}", hw, mutant=mutant)
    for author in AUTHORS[hw] if authors is None else authors:
        write_student(base / author, hw, author_bodies(hw, author),
                      cells=author_cells(hw, author))
    for i in (1, 2):
        make_submission(base / f"stub{i}", hw, "release")
    if copier_of is not None:
        write_student(base / "copier", hw, author_bodies(hw, copier_of), seed=7,
                      line_length=60, cells=author_cells(hw, copier_of))
    return base


def course(*args: str, cwd: Path = ROOT, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the real ``course`` command."""
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)
