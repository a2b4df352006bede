"""A Jupyter server extension: JupyterLab's terminals use this environment's Python.

A student who starts ``jupyter lab`` from a virtual environment without activating it
(``.venv/bin/jupyter lab``, a desktop shortcut, an IDE) gets terminals whose ``python`` is
the system's, where ``python -m utils.submit`` and ``nndl-submit`` do not exist. When the
server starts, this extension puts the folder of its own interpreter (``bin`` or
``Scripts``) first on the server's PATH, which every terminal and kernel it starts
inherits. It changes nothing when that folder's ``python`` is already the first one found.

The student wheel enables it through ``etc/jupyter/jupyter_server_config.d``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any


def scripts_dir() -> Path:
    """The folder holding this interpreter and the environment's console scripts."""
    return Path(sys.executable).parent


def path_with_scripts_first(path: str, scripts: Path) -> str | None:
    """``path`` with ``scripts`` in front, or None when its ``python`` already comes first."""
    found = shutil.which("python", path=path) or shutil.which("python3", path=path)
    if found is not None and Path(found).parent == scripts:
        return None
    return os.pathsep.join([str(scripts), *(p for p in path.split(os.pathsep) if p)])


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": __name__}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    scripts = scripts_dir()
    changed = path_with_scripts_first(os.environ.get("PATH", ""), scripts)
    if changed is not None:
        os.environ["PATH"] = changed
        serverapp.log.info(f"nndl-course-utils: terminals find python and nndl-submit in "
                           f"{scripts} first")
