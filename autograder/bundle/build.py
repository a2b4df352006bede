"""Build one assignment's student bundle: ``<out>/<hw>/`` and ``<out>/<hw>.zip``.

The folder holds exactly what ``course release`` builds from ``source/<hw>`` (notebooks
with their set-up cell, module stubs, ``assignment.json``), built afresh so that a bundle
never ships a stale release, plus the student library's wheel, ``requirements.txt``,
``environment-student.yml`` and a README. The zip holds the folder (``<hw>/...``), so that
unzipping gives the folder the README talks about. Nothing else is copied: no source, suite,
mutant, reference artifact or ``autograder`` code can get in.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder.bundle.package import StudentPackage, student_package
from autograder.bundle.student_files import environment_yml, readme, requirements_txt
from autograder.manifest import load_assignment
from autograder.release.build import build_release


@dataclass(frozen=True)
class Bundle:
    hw: str
    folder: Path
    zip_path: Path
    files: tuple[str, ...]  # paths inside the folder, sorted


def _zip_folder(folder: Path, target: Path) -> None:
    """Zip ``folder`` as ``<folder name>/...`` (written beside, then moved into place)."""
    partial = target.with_name(target.name + ".partial")
    stamp = time.localtime()[:6]
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}",
                                       date_time=stamp)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
    partial.replace(target)


def build_bundle(hw: str, out: Path, wheel: Path, colab_template: str | None = None,
                 pkg: StudentPackage | None = None) -> Bundle:
    """Write ``out/<hw>/`` (replacing an older one) and ``out/<hw>.zip``; ``wheel`` is the
    student library's wheel (``wheel.build_wheel``), copied in."""
    pkg = pkg or student_package()
    assignment = load_assignment(hw)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"bundle-{hw}-", dir=out) as tmp:
        staging = build_release(hw, Path(tmp) / hw)
        released = sorted(p.name for p in staging.iterdir() if p.is_file())
        shutil.copyfile(wheel, staging / wheel.name)
        (staging / "requirements.txt").write_text(requirements_txt(pkg))
        (staging / "environment-student.yml").write_text(environment_yml(pkg))
        (staging / "README.md").write_text(readme(assignment, released, pkg, colab_template))
        folder = out / hw
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    zip_path = out / f"{hw}.zip"
    _zip_folder(folder, zip_path)
    files = tuple(sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                         if p.is_file()))
    return Bundle(hw=hw, folder=folder, zip_path=zip_path, files=files)
