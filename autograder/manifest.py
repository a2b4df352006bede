"""An assignment's manifest: ``assignments/<hw>/assignment.toml``.

    id = "hw1_softmax"
    title = "HW1: ..."
    modules = ["softmax.py", ...]     # files students edit and submit (graded)
    notebooks = ["softmax.ipynb", ...]
    artifacts = []                    # other submitted files the suite reads
    [given]                           # modules handed out complete (not graded):
    "layers.py" = "hw2_fcnet"         #   file = the assignment whose reference it is
    [limits]                          # only to change a default of
    seconds = 30                      #   autograder.sandbox.student.Limits for this
                                      #   assignment (also memory_mb, output_kb)

Points are not written here: the total is the sum of the suite's ``@graded(points=...)``
(``Assignment.points``).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from autograder.paths import CourseError, assignment_dir
from autograder.sandbox.student import Limits

# assignment.toml's [limits] keys -> (Limits field, factor from the key's unit)
LIMIT_KEYS = {"seconds": ("seconds", 1.0), "memory_mb": ("memory_bytes", 1 << 20),
              "output_kb": ("output_bytes", 1 << 10)}


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    modules: list[str]
    notebooks: list[str]
    artifacts: list[str] = field(default_factory=list)
    given: dict[str, str] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    folder: Path | None = field(default=None, compare=False, repr=False)  # of the manifest

    @property
    def module_names(self) -> list[str]:
        return [m.removesuffix(".py") for m in self.modules]

    @property
    def submitted_files(self) -> list[str]:
        """Everything a student hands in (what the code zip and Gradescope carry)."""
        return [*self.modules, *self.notebooks, *self.artifacts]

    @cached_property
    def points(self) -> float:
        """The autograded total: the sum of the suite's ``@graded`` points."""
        from autograder.suite import load_suite

        folder = self.folder or assignment_dir(self.id)
        return round(sum(t.points for t in load_suite(folder / "suite", self.module_names)), 6)

    def student_manifest(self) -> str:
        """The ``assignment.json`` written into the release folder (read by utils.submit)."""
        data = {"title": self.title, "modules": self.modules, "notebooks": self.notebooks,
                "artifacts": self.artifacts}
        return json.dumps({"assignment": self.id, **data}, indent=2) + "\n"


def _limits(table: object, path: Path) -> Limits:
    if not isinstance(table, dict) or set(table) - set(LIMIT_KEYS):
        raise CourseError(f"{path}: [limits] takes only {', '.join(LIMIT_KEYS)}")
    changes = {}
    for key, value in table.items():
        name, factor = LIMIT_KEYS[key]
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            raise CourseError(f"{path}: [limits] {key} must be a positive number")
        default = getattr(Limits, name)
        changes[name] = type(default)(value * factor)
    return replace(Limits(), **changes)


def load_assignment(hw: str, folder: Path | None = None) -> Assignment:
    """Read and validate ``assignment.toml``; raises ``CourseError`` with the problem."""
    folder = folder or assignment_dir(hw)
    path = folder / "assignment.toml"
    if not path.is_file():
        raise CourseError(f"unknown assignment {hw!r}: {path} does not exist")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise CourseError(f"{path}: {exc}") from None
    if "points" in data:
        raise CourseError(f"{path}: remove `points`: the total is the sum of the suite's "
                          "@graded(points=...), declared nowhere else")
    missing = {"title", "modules", "notebooks"} - data.keys()
    if missing:
        raise CourseError(f"{path}: missing keys {sorted(missing)}")
    if data.pop("id", hw) != hw:
        raise CourseError(f"{path}: id does not match its folder {hw!r}")
    limits = _limits(data.pop("limits", {}), path)
    unknown = set(data) - {"title", "modules", "notebooks", "artifacts", "given"}
    if unknown:
        raise CourseError(f"{path}: unknown keys {sorted(unknown)}")
    return Assignment(id=hw, **data, limits=limits, folder=folder)
