"""Read ``assignment.json``, the list of files an assignment folder hands in.

``course release`` writes it into every ``release/<hw>/`` folder::

    {"assignment": "hw1_softmax", "title": "HW1: ...",
     "notebooks": ["softmax.ipynb"], "modules": ["softmax.py"], "artifacts": []}

Students never type file lists: the export and the code zip take them from here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from utils.submit.errors import ManifestError

MANIFEST_NAME = "assignment.json"
_REDOWNLOAD = ("Download the assignment folder again (it ships with assignment.json) and "
               "copy your work into it, or run this command inside the assignment folder.")


@dataclass(frozen=True)
class Manifest:
    """What an assignment folder submits: notebooks, edited modules, extra artifacts."""

    assignment: str
    title: str
    notebooks: list[str]
    modules: list[str]
    artifacts: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        """Every file the code zip carries when present: modules, notebooks, artifacts."""
        return [*self.modules, *self.notebooks, *self.artifacts]


def _file_list(data: Mapping[str, Any], key: str, suffix: str | None, where: str) -> list[str]:
    value = data.get(key, [] if key == "artifacts" else None)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ManifestError(f"{where}: '{key}' must be a list of file names, got {value!r}. "
                            + _REDOWNLOAD)
    for name in value:
        pure = PurePosixPath(name)
        if pure.is_absolute() or len(pure.parts) != 1 or "\\" in name:
            raise ManifestError(f"{where}: '{key}' entry {name!r} is not a plain file name "
                                "in the assignment folder. " + _REDOWNLOAD)
        if suffix is not None and pure.suffix != suffix:
            raise ManifestError(f"{where}: '{key}' entry {name!r} should end in {suffix}. "
                                + _REDOWNLOAD)
    return list(value)


def manifest_from_mapping(data: Mapping[str, Any], where: str = MANIFEST_NAME) -> Manifest:
    """Validate a decoded manifest; ``where`` names its source in error messages."""
    if not isinstance(data, Mapping):
        raise ManifestError(f"{where}: expected a JSON object, got {type(data).__name__}. "
                            + _REDOWNLOAD)
    assignment = data.get("assignment")
    if not isinstance(assignment, str) or not assignment.strip():
        raise ManifestError(f"{where}: 'assignment' (the assignment id) is missing. "
                            + _REDOWNLOAD)
    title = data.get("title", assignment)
    if not isinstance(title, str):
        raise ManifestError(f"{where}: 'title' must be text, got {title!r}. " + _REDOWNLOAD)
    notebooks = _file_list(data, "notebooks", ".ipynb", where)
    modules = _file_list(data, "modules", ".py", where)
    artifacts = _file_list(data, "artifacts", None, where)
    if not notebooks and not modules:
        raise ManifestError(f"{where}: lists no notebooks and no modules. " + _REDOWNLOAD)
    return Manifest(assignment=assignment.strip(), title=title.strip() or assignment,
                    notebooks=notebooks, modules=modules, artifacts=artifacts)


def load_manifest(assignment_dir: Path) -> Manifest:
    """The manifest of ``assignment_dir``; ``ManifestError`` says what is wrong."""
    folder = Path(assignment_dir)
    if not folder.is_dir():
        raise ManifestError(f"{folder} is not a folder. Pass the assignment folder "
                            "(the one holding assignment.json) or run inside it.")
    path = folder / MANIFEST_NAME
    if not path.is_file():
        raise ManifestError(f"{path.resolve()} not found: this does not look like an "
                            "assignment folder. " + _REDOWNLOAD)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{path} cannot be read ({exc}). " + _REDOWNLOAD) from None
    return manifest_from_mapping(data, where=str(path))
