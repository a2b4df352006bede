"""Simulated classes for demos, tests and benchmarks.

``make_course`` builds a throwaway course folder (config, manifests, suites, sources);
``make_submission`` builds one student's folder from the released notebooks plus modules
taken from the reference, the untouched release, or a mutant (a seeded bug).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder.manifest import load_assignment
from autograder.mutants import Mutant, materialize
from autograder.paths import course_root


def make_course(dest: Path, hws: list[str]) -> Path:
    """A course folder at ``dest`` with the config, manifests, suites and sources of ``hws``."""
    root = course_root()
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "nbgrader_config.py", dest / "nbgrader_config.py")
    for hw in hws:
        shutil.copytree(root / "assignments" / hw, dest / "assignments" / hw)
        shutil.copytree(root / "source" / hw, dest / "source" / hw, symlinks=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    for hw in hws:  # the origins that the links of given modules point to
        for name, origin in load_assignment(hw).given.items():
            if not (dest / "source" / origin / name).exists():
                (dest / "source" / origin).mkdir(parents=True, exist_ok=True)
                shutil.copyfile(root / "source" / origin / name, dest / "source" / origin / name)
    return dest


def answer_written_questions(folder: Path, hw: str) -> int:
    """Write the reference's answers (solution markers removed) into the manually graded
    answer cells of the notebooks in ``folder``, as a student who answered would; returns
    how many answers were written."""
    import nbformat

    from autograder.release.strip import unwrap_solutions

    written = 0
    for name in load_assignment(hw).notebooks:
        source = nbformat.read(course_root() / "source" / hw / name, as_version=4)
        answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
                   if c.metadata.get("nbgrader", {}).get("solution")
                   and c.metadata["nbgrader"].get("grade")}
        nb = nbformat.read(folder / name, as_version=4)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id in answers:
                cell.source = unwrap_solutions(answers[grade_id]).strip()
                written += 1
        nbformat.write(nb, folder / name)
    return written


def make_submission(dest: Path, hw: str, modules_from: str = "source",
                    mutant: Mutant | None = None) -> Path:
    """A student's folder: released notebooks and manifest, plus modules from ``source``
    (the reference), ``release`` (the untouched stubs) or ``mutant`` (a seeded bug)."""
    root = course_root()
    dest.mkdir(parents=True)
    for path in (root / "release" / hw).iterdir():
        if path.is_file() and path.suffix != ".py":
            shutil.copyfile(path, dest / path.name)
    if mutant is not None:
        origin = materialize(mutant, root / "source" / hw, dest.with_name(dest.name + ".mutant"))
    else:
        origin = root / modules_from / hw
    for path in origin.glob("*.py"):
        shutil.copyfile(path, dest / path.name)
    for name in load_assignment(hw).given:  # as students have them: generated, in release/
        shutil.copyfile(root / "release" / hw / name, dest / name)
    if modules_from == "source" or mutant is not None:
        for name in load_assignment(hw).artifacts:  # e.g. the reference's best_model.npz
            if (root / "source" / hw / name).is_file():
                shutil.copyfile(root / "source" / hw / name, dest / name)
    if mutant is not None:
        shutil.rmtree(origin)
    return dest
