"""Where the course's folders are.

The course root is the folder holding ``assignments/`` and ``source/``: the repository
checkout for instructors, ``/autograder/source`` inside a Gradescope container. It is found
from this package's location, or set explicitly with the ``COURSE_ROOT`` environment
variable.
"""

from __future__ import annotations

import os
from pathlib import Path


class CourseError(Exception):
    """A problem with the course set-up that the instructor must fix (printed, not traced)."""


def course_root() -> Path:
    """The course root folder (contains ``assignments/``)."""
    env = os.environ.get("COURSE_ROOT")
    if env:
        root = Path(env).resolve()
        if not (root / "assignments").is_dir():
            raise CourseError(f"COURSE_ROOT={env} has no assignments/ folder")
        return root
    for candidate in Path(__file__).resolve().parents[2:]:
        if (candidate / "assignments").is_dir():
            return candidate
    raise CourseError(
        "cannot find the course folder (one with assignments/): run inside the course "
        "repository or set COURSE_ROOT")


def assignment_dir(hw: str) -> Path:
    """``assignments/<hw>``: the manifest and the graded suite (instructors only)."""
    return course_root() / "assignments" / hw


def source_dir(hw: str) -> Path:
    """``source/<hw>``: notebooks and modules with solutions."""
    return course_root() / "source" / hw


def release_dir(hw: str) -> Path:
    """``release/<hw>``: what students receive."""
    return course_root() / "release" / hw


def all_assignments() -> list[str]:
    """Ids of every assignment with a manifest, sorted."""
    root = course_root() / "assignments"
    return sorted(p.parent.name for p in root.glob("*/assignment.toml"))


# what student code must never see: solutions and suites, the history that holds them,
# built zips and answer keys, and other students' work and grades
PRIVATE = ("source", "assignments", ".git", "build", "submitted", "autograded", "feedback",
           "gradebook.db", "grades.csv")


def private_paths() -> list[Path]:
    """The course's private folders and files, in the course root and in the checkout
    this package runs from (they differ when ``COURSE_ROOT`` points elsewhere)."""
    roots = {course_root(), Path(__file__).resolve().parents[2]}
    return sorted(root / name for root in roots for name in PRIVATE if (root / name).exists())
