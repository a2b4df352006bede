"""A student's install, per Python: a fresh venv, then `pip install <wheel> ipykernel` (what
the bundle needs to run its notebooks and export the PDF), timed, and the venv's size.

Baseline (Python 3.11 only, since the old set-up refused newer Pythons): what students were
told to install before the bundle existed, this project's whole environment
(`pip install -e .[dev]`, as `make venv` does), in a fresh venv of the same Python, in the
same minute. Downloads come from PyPI or pip's cache, whichever pip finds.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = ["3.11", "3.12", "3.13"]
PIP_ENV = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def interpreter(version: str) -> str | None:
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return getattr(sys, "_base_executable", sys.executable)
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    found = sorted(glob.glob(f"{root}/versions/{version}.*/bin/python{version}"))
    return found[-1] if found else None


def size_mb(folder: Path) -> float:
    total = sum(p.lstat().st_size for p in folder.rglob("*")
                if p.is_file() and not p.is_symlink())
    return total / 2**20


def install(python: str, folder: Path, *args: str) -> tuple[float, float]:
    """Seconds of the pip install into a fresh venv at ``folder``, and its size in MB."""
    subprocess.run([python, "-m", "venv", str(folder)], check=True)
    start = time.perf_counter()
    subprocess.run([str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet", *args],
                   check=True, env=PIP_ENV, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, size_mb(folder)


def run(repeats: int = 1) -> list[dict]:
    from autograder.bundle.wheel import build_wheel

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-install-") as tmp:
        wheel = build_wheel(Path(tmp))
        rows.append({"benchmark": "student wheel", "baseline": "-",
                     "baseline_s": float("nan"), "ours_s": float("nan"),
                     "ratio": float("nan"),
                     "note": f"{wheel.name}: {wheel.stat().st_size / 1024:.0f} KiB"})
        for version in VERSIONS:
            python = interpreter(version)
            if python is None:
                continue
            seconds, mb = install(python, Path(tmp) / f"ours-{version}", str(wheel),
                                  "ipykernel")
            row = {"benchmark": f"student install, Python {version} (wheel + ipykernel)",
                   "baseline": "-", "baseline_s": float("nan"), "ours_s": seconds,
                   "ratio": float("nan"), "note": f"venv {mb:.0f} MB"}
            if version == "3.11":
                old_s, old_mb = install(python, Path(tmp) / "old", "-e", ".[dev]")
                row.update(baseline="the whole project (make venv)", baseline_s=old_s,
                           ratio=old_s / seconds,
                           note=f"venv {mb:.0f} MB (the whole project's: {old_mb:.0f} MB)")
            rows.append(row)
    return rows
