"""The student library as declared in ``pyproject.toml`` (``[tool.nndl.student]``).

One declaration serves the wheel (name, version, dependency ranges, console scripts), the
bundle's ``requirements.txt`` and README, and the Colab set-up cell (the wheel's file name).
The version is the project's, plus a local label made from the library's content when the
declaration is read, so that a changed library is a new version and ``pip install``
replaces an older copy.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
import tomllib
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from autograder.paths import CourseError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
IGNORED_PARTS = {"__pycache__", ".ipynb_checkpoints"}


@dataclass(frozen=True)
class StudentPackage:
    """What the wheel holds and declares."""

    name: str  # distribution name, e.g. "nndl-course-utils"
    version: str  # the project's version + "+" + a label of the content (``content_label``)
    summary: str
    package: str  # import name, "utils"
    requires_python: str
    dependencies: tuple[str, ...]
    extras: tuple[tuple[str, tuple[str, ...]], ...]  # (extra, its requirements)
    scripts: tuple[tuple[str, str], ...]  # (command, "module:function")
    data_patterns: tuple[str, ...]  # package files beside the .py modules
    root: Path  # the folder holding the package

    @property
    def wheel_stem(self) -> str:
        """The distribution name as wheel file names spell it (``nndl_course_utils``)."""
        return re.sub(r"[-_.]+", "_", self.name).lower()

    @property
    def wheel_glob(self) -> str:
        """A glob matching this library's wheel, whatever its version."""
        return f"{self.wheel_stem}-*.whl"

    def files(self) -> list[Path]:
        """The package's files to ship, sorted: modules and package data, no caches."""
        folder = self.root / self.package
        keep = ("*.py", *self.data_patterns)
        return sorted(p for p in folder.rglob("*") if p.is_file()
                      and not IGNORED_PARTS.intersection(p.relative_to(folder).parts)
                      and any(fnmatch.fnmatch(p.name, pattern) for pattern in keep))

    def content_label(self) -> str:
        """The first 8 hex digits of a hash of the package's files (names and bytes)."""
        digest = hashlib.sha256()
        for path in self.files():
            digest.update(path.relative_to(self.root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
        return digest.hexdigest()[:8]

    @property
    def wheel_name(self) -> str:
        return f"{self.wheel_stem}-{self.version}-py3-none-any.whl"


@cache
def student_package(root: Path = PROJECT_ROOT) -> StudentPackage:
    """Read ``[tool.nndl.student]`` and the project's version and scripts from pyproject."""
    path = root / "pyproject.toml"
    try:
        data = tomllib.loads(path.read_text())
        project = data["project"]
        table = data["tool"]["nndl"]["student"]
        package = table["package"]
        scripts = tuple((command, target) for command, target in
                        project.get("scripts", {}).items()
                        if target.split(":")[0].split(".")[0] == package)
        patterns = data["tool"]["setuptools"]["package-data"]["*"]
        pkg = StudentPackage(
            name=table["name"], version=project["version"], summary=table["summary"],
            package=package, requires_python=table["requires-python"],
            dependencies=tuple(table["dependencies"]),
            extras=tuple((extra, tuple(reqs)) for extra, reqs in
                         table.get("optional-dependencies", {}).items()),
            scripts=scripts,
            data_patterns=tuple(patterns), root=root)
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise CourseError(f"{path}: cannot read the student library's declaration "
                          f"[tool.nndl.student] ({type(exc).__name__}: {exc})") from None
    # Read once: every file name derived from it (wheel, requirements) then agrees.
    return replace(pkg, version=f"{pkg.version}+{pkg.content_label()}")
