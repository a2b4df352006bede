"""An assignment's manifest: ``assignments/<hw>/assignment.toml``.

    id = "hw1_softmax"
    title = "HW1: ..."
    points = 50                       # total of the graded suite (checked by verify)
    modules = ["softmax.py", ...]     # files students edit and submit (graded)
    notebooks = ["softmax.ipynb", ...]
    artifacts = []                    # other submitted files the suite reads
    [given]                           # modules handed out complete (not graded):
    "layers.py" = "hw2_fcnet"         #   file = the assignment whose reference it copies
    [limits]
    seconds = 10                      # wall time per call into student code
    memory_mb = 2048
    output_kb = 1024
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.paths import CourseError, assignment_dir
from autograder.sandbox.student import Limits


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    points: float
    modules: list[str]
    notebooks: list[str]
    artifacts: list[str] = field(default_factory=list)
    given: dict[str, str] = field(default_factory=dict)
    seconds: float = 10.0
    memory_mb: int = 2048
    output_kb: int = 1024

    @property
    def module_names(self) -> list[str]:
        return [m.removesuffix(".py") for m in self.modules]

    @property
    def submitted_files(self) -> list[str]:
        """Everything a student hands in (what the code zip and Gradescope carry)."""
        return [*self.modules, *self.notebooks, *self.artifacts]

    @property
    def limits(self) -> Limits:
        return Limits(seconds=self.seconds, memory_bytes=self.memory_mb << 20,
                      output_bytes=self.output_kb << 10)

    def student_manifest(self) -> str:
        """The ``assignment.json`` written into the release folder (read by utils.submit)."""
        data = {k: v for k, v in asdict(self).items()
                if k in ("title", "notebooks", "modules", "artifacts")}
        return json.dumps({"assignment": self.id, **data}, indent=2) + "\n"


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
    limits = data.pop("limits", {})
    missing = {"title", "points", "modules", "notebooks"} - data.keys()
    if missing:
        raise CourseError(f"{path}: missing keys {sorted(missing)}")
    if data.get("id", hw) != hw:
        raise CourseError(f"{path}: id {data['id']!r} does not match its folder {hw!r}")
    data.pop("id", None)
    unknown = set(data) - {"title", "points", "modules", "notebooks", "artifacts", "given"}
    if unknown:
        raise CourseError(f"{path}: unknown keys {sorted(unknown)}")
    return Assignment(
        id=hw, **data,
        seconds=float(limits.get("seconds", 10.0)),
        memory_mb=int(limits.get("memory_mb", 2048)),
        output_kb=int(limits.get("output_kb", 1024)),
    )
