"""Shared helpers for the course's assignments (students receive this package whole).

Sub-modules: ``gradient_check``, ``data``, ``solver``, ``plots``, ``checks``, ``submit``.
Students install it as the wheel ``nndl-course-utils`` (not PyPI's unrelated ``utils``).

A file of the student's own named ``utils.py`` (or a folder ``utils/`` with an
``__init__.py``) in an assignment folder hides this package from the notebooks there:
``shadowing_file`` finds it and ``shadow_message`` says what to do.
"""

from __future__ import annotations

import os
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def shadowing_file(folder: str | os.PathLike[str] = ".") -> Path | None:
    """The module in ``folder`` that ``import utils`` would find instead of this package
    when ``folder`` is the working directory (a notebook's folder), or None."""
    base = Path(folder)
    for candidate in (base / "utils.py", base / "utils" / "__init__.py"):
        if candidate.is_file() and candidate.resolve().parent != _HERE:
            return candidate.resolve()
    return None


def shadow_message(path: Path) -> str:
    """What a student reads when ``path`` hides the course library."""
    return (f"{path} hides the course library: in this folder `import utils` finds that file "
            "instead of the course's utils, so the notebooks fail. Rename it (for example to "
            "my_utils.py and `import my_utils`), then restart the notebooks' kernels.")
