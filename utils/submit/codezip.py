"""The code zip: exactly the manifest's modules, notebooks and present artifacts, flat.

Gradescope unpacks it into ``/autograder/submission/``, where the autograder expects the
files at the top level under their released names.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from utils.submit.manifest import Manifest


@dataclass
class ZipContents:
    """Which files went into the zip and which listed ones were missing."""

    included: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def plan_zip(folder: Path, manifest: Manifest) -> ZipContents:
    """Decide the zip's contents: every listed file present in ``folder``, in manifest order."""
    plan = ZipContents()
    for name in dict.fromkeys(manifest.files):
        (plan.included if (folder / name).is_file() else plan.missing).append(name)
    return plan


def write_zip(folder: Path, names: list[str], destination: Path) -> None:
    """Write ``names`` (files in ``folder``) at the top level of a new zip ``destination``."""
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.write(folder / name, arcname=name)
