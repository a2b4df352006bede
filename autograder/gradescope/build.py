"""The Gradescope autograder zip of one assignment.

Layout (unpacked by Gradescope into /autograder/source):

    setup.sh  run_autograder  requirements.txt
    autograder/            the grading engine (this package)
    utils/model_io.py      reading saved models (accuracy credit)
    utils/relations.py     what a wrong value's numbers show (messages)
    utils/gradient_check.py  rel_error and numerical gradients (the ones students use)
    assignments/<hw>/      manifest + graded suite
    source/<hw>/*.py       the reference modules (never the notebooks)

Grading needs only Python >= 3.11 and the runtime the assignment modules import (numpy,
tqdm), pinned as in pyproject.toml.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from autograder.manifest import load_assignment
from autograder.paths import assignment_dir, source_dir

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent
RUNTIME = ("numpy", "tqdm")  # what graded modules (reference and student) may import


def runtime_requirements() -> str:
    """requirements.txt for the container: the course's own pins of ``RUNTIME``."""
    import tomllib

    pins = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["project"]
    wanted = {spec.split("==")[0]: spec for spec in pins["dependencies"]}
    return "".join(f"{wanted[name]}\n" for name in RUNTIME)


def _package_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.suffix in (".py", ".npz", "")
                  and p.name not in ("run_autograder", "setup.sh"))


def build_zip(hw: str, out: Path) -> Path:
    """Write ``out`` (a .zip) for ``hw``; returns its path."""
    assignment = load_assignment(hw)
    entries: dict[str, bytes] = {
        "run_autograder": (HERE / "run_autograder").read_text().replace("@HW@", hw).encode(),
        "setup.sh": (HERE / "setup.sh").read_bytes(),
        "requirements.txt": runtime_requirements().encode(),
    }
    for path in _package_files():
        entries[f"autograder/{path.relative_to(PACKAGE).as_posix()}"] = path.read_bytes()
    for name in ("__init__.py", "model_io.py", "relations.py", "gradient_check.py"):
        entries[f"utils/{name}"] = (PACKAGE.parent / "utils" / name).read_bytes()
    adir = assignment_dir(hw)
    for path in sorted(adir.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            entries[f"assignments/{hw}/{path.relative_to(adir).as_posix()}"] = path.read_bytes()
    for module in [*assignment.modules, *assignment.given]:
        entries[f"source/{hw}/{module}"] = (source_dir(hw) / module).read_bytes()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sorted(entries.items()):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if name in ("run_autograder", "setup.sh") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    tmp.replace(out)
    return out
