"""Submitted files named like a library module.

A student's ``json.py`` or ``numpy.py`` next to their graded modules would be imported in
place of the library by anything that runs in that folder. Such files are never copied
into the student process's folder: the grader names them in the student's report
instead (``Student.notices``), and the student's own modules import the real library.
"""

from __future__ import annotations

import functools
import os
import pkgutil
import sys
from collections.abc import Iterable

# the course's own packages: importable by the grader and by every student process
COURSE_PACKAGES = frozenset({"autograder", "utils"})


@functools.cache
def library_modules() -> frozenset[str]:
    """Top-level names this interpreter imports from its own library: the standard
    library, built-in modules, what is installed, and the course's packages."""
    names = set(sys.stdlib_module_names) | set(sys.builtin_module_names) | COURSE_PACKAGES
    for entry in sys.path:
        if entry and entry != "." and os.path.isdir(entry) and entry != os.getcwd():
            names.update(module.name for module in pkgutil.iter_modules([entry]))
    return frozenset(names)


def shadowing(files: Iterable[str], own: Iterable[str] = ()) -> dict[str, str]:
    """``{file: module}`` for each ``.py`` file among ``files`` whose module name is a
    library module's (the assignment's ``own`` module names excepted)."""
    allowed = set(own)
    found = {}
    for name in files:
        stem = name.removesuffix(".py")
        if name.endswith(".py") and stem not in allowed and stem in library_modules():
            found[name] = stem
    return found


def describe(file: str, module: str) -> str:
    """The line a student reads about a shadowing file."""
    return (f"{file} has the name of a library module ({module}), so it was not used: "
            "rename it, and import it under its new name")
