"""Generate an assignment's student version with nbgrader, then strip the .py files.

``build_release(hw, dest)`` runs ``nbgrader generate_assignment`` in a temporary course
folder (so the repository's own gradebook and release folder are untouched), strips the
solution regions of every ``.py`` file, writes the ``assignment.json`` manifest that
``utils.submit`` reads, and leaves the result in ``dest``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder.manifest import Assignment, load_assignment
from autograder.paths import CourseError, source_dir
from autograder.release.colab import add_setup_cells
from autograder.release.strip import (
    StripError,
    has_markers,
    strip_solutions,
    unwrap_solutions,
)

IGNORED = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc", "*_submission.pdf",
                                 "*_code.zip", "best_model.npz")


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
    """``nbgrader generate_assignment`` for ``hw`` inside course folder ``course``."""
    args = ["generate_assignment", hw, "--force", f"--CourseDirectory.root={course}",
            f"--CourseDirectory.db_url=sqlite:///{course / 'gradebook.db'}"]
    if release_to is not None:
        args.append(f"--CourseDirectory.release_directory={release_to}")
    run_nbgrader(args, cwd=course)


def stale_given(assignment: Assignment) -> dict[str, str]:
    """Given modules whose copy in source/<hw> differs from their origin's reference with
    the markers removed: name -> the text it should have."""
    stale = {}
    for name, origin in assignment.given.items():
        origin_path = source_dir(origin) / name
        if not origin_path.is_file():
            raise CourseError(f"{assignment.id}: given module {name} has no origin "
                              f"source/{origin}/{name}")
        expected = unwrap_solutions(origin_path.read_text(), f"source/{origin}/{name}")
        target = source_dir(assignment.id) / name
        if not target.is_file() or target.read_text() != expected:
            stale[name] = expected
    return stale


def check_source(assignment: Assignment, src: Path) -> None:
    missing = [f for f in assignment.modules + assignment.notebooks if not (src / f).is_file()]
    if missing:
        raise CourseError(f"source/{assignment.id} is missing {', '.join(missing)}")


def build_release(hw: str, dest: Path) -> Path:
    """Build the student version of ``hw`` into ``dest`` (created; must not exist)."""
    assignment = load_assignment(hw)
    src = source_dir(hw)
    check_source(assignment, src)
    with tempfile.TemporaryDirectory(prefix=f"release-{hw}-") as tmp:
        course = Path(tmp)
        shutil.copytree(src, course / "source" / hw, ignore=IGNORED)
        generate(hw, course)
        built = course / "release" / hw
        for path in sorted(built.rglob("*.py")):
            try:
                path.write_text(strip_solutions(path.read_text(), str(path.relative_to(built))))
            except StripError as exc:
                raise CourseError(f"source/{hw}/{exc}") from None
        (built / "assignment.json").write_text(assignment.student_manifest())
        add_setup_cells(built, hw)
        leaks = [p for p in built.rglob("*") if p.is_file() and p.suffix in (".py", ".ipynb")
                 and has_markers(p.read_text(errors="replace"))]
        if leaks:
            raise CourseError(f"markers survived in {', '.join(map(str, leaks))}")
        shutil.copytree(built, dest)
    return dest
