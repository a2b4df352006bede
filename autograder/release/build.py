"""An assignment's student version: nbgrader's ``generate_assignment`` plus what this course
adds, the same whoever runs it.

nbgrader converts the notebooks and copies every other file of ``source/<hw>`` verbatim
(solutions included). ``nbgrader_config.py`` puts ``autograder.release.nbgrader_hook.
CourseRelease`` first among generate_assignment's preprocessors, so ``course release``,
Formgrader's Generate button and a plain ``nbgrader generate_assignment`` all end with the
same folder:

* ``prepare_folder``: the copied modules stripped to stubs, given modules generated from
  their origin, submitted artifacts (the reference's ``best_model.npz``) and clutter
  removed, ``assignment.json`` written;
* ``release_notebook``: the one place where a notebook is changed before nbgrader's own
  steps (the autograded cells completed from the suite).

``build_release(hw, dest)`` runs generate_assignment in a temporary course folder (the
repository's gradebook and release folder stay untouched) and checks the result.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from autograder.manifest import Assignment, load_assignment
from autograder.paths import CourseError, course_root, source_dir
from autograder.release.colab import add_setup_cell
from autograder.release.given import given_text, link_problems, origin_file, write_given
from autograder.release.graded_cells import autograded_ids, fill_graded_cells, points_per_cell
from autograder.release.strip import StripError, has_markers, strip_solutions
from autograder.suite import load_suite

# never part of a release: editor and interpreter clutter, students' own exports
CLUTTER = (".ipynb_checkpoints", "__pycache__", "*.pyc", "*_submission.pdf", "*_code.zip")
IGNORED = shutil.ignore_patterns(*CLUTTER, "best_model.npz")


# Grading runs several kernels at once: one BLAS thread each avoids oversubscribing the
# cores (measured: small networks trained up to 40x slower with 2 threads per kernel).
SINGLE_THREADED = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def tool_env() -> dict[str, str]:
    """The environment for nbgrader and the kernels it starts: this interpreter's scripts
    folder first on PATH (nbgrader runs helpers such as ``alembic`` by name) and
    single-threaded BLAS."""
    bindir = str(Path(sys.executable).parent)
    return {**os.environ, **SINGLE_THREADED,
            "PATH": os.pathsep.join([bindir, os.environ.get("PATH", "")])}


def run_nbgrader(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run an nbgrader sub-command; raise ``CourseError`` with its log when it fails."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=tool_env())
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise CourseError(f"nbgrader {args[0]} failed (exit {proc.returncode}):\n{tail}")
    return proc


def generate(hw: str, course: Path, release_to: Path | None = None) -> None:
    """``nbgrader generate_assignment`` for ``hw`` inside course folder ``course`` (whose
    ``nbgrader_config.py`` applies)."""
    if not (course / "nbgrader_config.py").is_file():
        raise CourseError(f"{course} has no nbgrader_config.py: nbgrader would release the "
                          "solutions")
    args = ["generate_assignment", hw, "--force", f"--CourseDirectory.root={course}",
            f"--CourseDirectory.db_url=sqlite:///{course / 'gradebook.db'}"]
    if release_to is not None:
        args.append(f"--CourseDirectory.release_directory={release_to}")
    run_nbgrader(args, cwd=course)


def suite_points(assignment: Assignment) -> dict[str, float]:
    """The suite's points per nbgrader cell (grade_id -> points)."""
    folder = assignment.folder or course_root() / "assignments" / assignment.id
    return points_per_cell(load_suite(folder / "suite", assignment.module_names))


def _clutter(path: Path, folder: Path, assignment: Assignment) -> bool:
    top_level_artifact = path.parent == folder and path.name in assignment.artifacts
    return (path.is_symlink() or top_level_artifact
            or any(fnmatch.fnmatch(path.name, pattern) for pattern in CLUTTER))


def prepare_folder(assignment: Assignment, course: Path, folder: Path) -> None:
    """Turn the files nbgrader copied into ``folder`` (source files, verbatim) into what
    students get; ``course`` holds the origins of given modules."""
    for path in sorted(folder.rglob("*"), reverse=True):  # contents before their folder
        if _clutter(path, folder, assignment):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
    for path in sorted(folder.rglob("*.py")):
        name = path.relative_to(folder).as_posix()
        if name not in assignment.given:
            try:
                path.write_text(strip_solutions(path.read_text(), name))
            except StripError as exc:
                raise CourseError(f"source/{assignment.id}/{exc}") from None
    write_given(assignment, course, folder)
    (folder / "assignment.json").write_text(assignment.student_manifest())
    leaks = [p.name for p in folder.rglob("*.py") if has_markers(p.read_text(errors="replace"))]
    if leaks:
        raise CourseError(f"solution markers survived in {', '.join(leaks)}")


def release_notebook(nb: Any, assignment: Assignment, points: dict[str, float],
                     where: str) -> None:
    """Every change release makes to a source notebook ``nb`` (in place) before nbgrader's
    own preprocessors run; ``points`` is ``suite_points(assignment)``."""
    fill_graded_cells(nb, assignment.id, points, where)
    add_setup_cell(nb, assignment.id)


def complete_notebooks(assignment: Assignment, folder: Path) -> None:
    """Apply ``release_notebook`` to the notebooks of a copy of ``source/<hw>`` (to run
    them as nbgrader will, e.g. for an answer key)."""
    import nbformat

    points = suite_points(assignment)
    for name in assignment.notebooks:
        nb = nbformat.read(folder / name, as_version=4)
        release_notebook(nb, assignment, points, f"source/{assignment.id}/{name}")
        nbformat.write(nb, folder / name)


def check_cells(assignment: Assignment, points: dict[str, float], source: Path) -> None:
    """Every notebook of the manifest exists in ``source``, and every cell the suite
    grades is an autograded cell of one of them."""
    import nbformat

    cells: set[str] = set()
    for name in assignment.notebooks:
        if not (source / name).is_file():
            raise CourseError(f"source/{assignment.id} is missing {name}")
        cells.update(autograded_ids(nbformat.read(source / name, as_version=4)))
    orphans = sorted(set(points) - cells)
    if orphans:
        raise CourseError(f"the suite of {assignment.id} grades cell(s) {', '.join(orphans)} "
                          "that no notebook has as an autograded test cell")


def check_release(assignment: Assignment, course: Path, folder: Path) -> None:
    """What a release folder must satisfy, however it was made: no marker, no submitted
    artifact, every file present, each module the stub of its source and each given module
    generated from its origin (``course`` holds source/)."""
    problems = [f"markers in {p.name}" for p in folder.rglob("*")
                if p.suffix in (".py", ".ipynb") and has_markers(p.read_text(errors="replace"))]
    problems += [f"{name} is a submitted artifact" for name in assignment.artifacts
                 if (folder / name).exists()]
    missing = [f for f in ["assignment.json", *assignment.modules, *assignment.notebooks,
                           *assignment.given] if not (folder / f).is_file()]
    problems += [f"{name} is missing" for name in missing]
    for name in assignment.modules:
        source = course / "source" / assignment.id / name
        if name not in missing and source.is_file() and (folder / name).read_text() != \
                strip_solutions(source.read_text(), name):
            problems.append(f"{name} is not the stub of source/{assignment.id}/{name}")
    for name, origin in assignment.given.items():
        if name not in missing and (folder / name).read_text() != \
                given_text(origin_file(course, origin, name), origin, name):
            problems.append(f"{name} is not generated from source/{origin}/{name}")
    if problems:
        raise CourseError(f"the release of {assignment.id} is unsafe or stale: "
                          + "; ".join(problems))


def build_release(hw: str, dest: Path) -> Path:
    """Build the student version of ``hw`` into ``dest`` (created; must not exist)."""
    assignment = load_assignment(hw)
    src = source_dir(hw)
    if not src.is_dir():
        raise CourseError(f"source/{hw} does not exist")
    problems = link_problems(assignment, course_root())
    if problems:
        raise CourseError("\n".join(problems))
    with tempfile.TemporaryDirectory(prefix=f"release-{hw}-") as tmp:
        course = Path(tmp)
        shutil.copytree(src, course / "source" / hw, ignore=IGNORED)
        config = course_root() / "nbgrader_config.py"
        if config.is_file():
            shutil.copy(config, course / config.name)
        generate(hw, course)
        built = course / "release" / hw
        check_release(assignment, course_root(), built)
        shutil.copytree(built, dest)
    return dest
