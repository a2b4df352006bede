"""Declaring graded tests and loading an assignment's suite.

A suite is the set of ``*.py`` files in ``assignments/<hw>/suite/``. Each graded test is a
function decorated with ``@graded``; it receives ``student`` (a ``Student`` handle on the
submission) and ``ref`` (the reference modules, as attributes: ``ref.softmax``), builds
seeded inputs, calls both, and compares with ``autograder.authoring.expect``. It returns None for
full credit or a fraction in [0, 1] for partial credit, and raises ``Failure`` (through
``expect``) with a student-readable message otherwise.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from autograder.core.paths import CourseError

Visibility = Literal["visible", "hidden", "after_due_date", "after_published"]


@dataclass(frozen=True)
class GradedTest:
    """One graded test of a suite."""

    name: str  # unique id: <suite file>.<function>
    title: str  # first line of the docstring: what the test checks
    points: float
    cell: str  # the nbgrader test cell (grade_id) that awards these points
    tags: tuple[str, ...]  # graded functions / methods it exercises
    visibility: Visibility
    func: Callable[..., Any] = field(compare=False, repr=False)


_PENDING_ATTR = "__graded__"


def graded(points: float, cell: str, tags: list[str] | tuple[str, ...],
           visible: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a function as a graded test worth ``points`` in nbgrader cell ``cell``.

    ``visible=True`` shows the result to students right away on Gradescope; otherwise it is
    shown after grades are published.
    """
    if points <= 0:
        raise ValueError("points must be positive")

    def mark(func: Callable[..., Any]) -> Callable[..., Any]:
        setattr(func, _PENDING_ATTR, {"points": float(points), "cell": cell,
                                      "tags": tuple(tags),
                                      "visibility": "visible" if visible else "after_published"})
        return func

    return mark


def load_suite(suite_dir: Path, order: list[str] | tuple[str, ...] = ()) -> list[GradedTest]:
    """Every graded test in ``suite_dir/*.py``, in definition order; files named in
    ``order`` (stems, e.g. the manifest's modules) come first, in that order."""
    if not suite_dir.is_dir():
        raise CourseError(f"no graded suite at {suite_dir}")
    rank = {name: i for i, name in enumerate(order)}
    tests: list[GradedTest] = []
    files = sorted(suite_dir.glob("*.py"), key=lambda p: (rank.get(p.stem, len(rank)), p.name))
    for path in files:
        if path.name.startswith("_"):
            continue
        module = _import_file(path, f"_suite_{suite_dir.parent.name}_{path.stem}")
        for name, func in vars(module).items():
            spec = getattr(func, _PENDING_ATTR, None)
            if spec is None or not callable(func):
                continue
            doc = (func.__doc__ or name).strip().splitlines()[0]
            tests.append(GradedTest(name=f"{path.stem}.{name}", title=doc, func=func, **spec))
    names = [t.name for t in tests]
    if len(names) != len(set(names)):
        raise CourseError(f"duplicate test names in {suite_dir}")
    if not tests:
        raise CourseError(f"{suite_dir} declares no @graded tests")
    return tests


class Reference:
    """The reference solution's modules, as attributes (``ref.softmax``)."""

    def __init__(self, modules: dict[str, ModuleType]) -> None:
        self._modules = modules
        for name, module in modules.items():
            setattr(self, name, module)

    def __repr__(self) -> str:
        return f"Reference({sorted(self._modules)})"


def load_reference(folder: Path, module_names: list[str]) -> Reference:
    """Import the reference modules in ``folder`` (they may import one another).

    They are imported under their plain names so that ``from layers import ...`` inside
    them works, then removed from ``sys.modules`` so that another assignment's modules of
    the same name can be loaded in the same process.
    """
    # every module of the folder (given ones too) is imported under its plain name while
    # loading, then removed, so assignments never see one another's modules
    local = sorted({p.stem for p in folder.glob("*.py")} | set(module_names))
    saved = {name: sys.modules.pop(name) for name in local if name in sys.modules}
    sys.path.insert(0, str(folder))
    modules = {}
    try:
        for name in module_names:
            path = folder / f"{name}.py"
            if not path.is_file():
                raise CourseError(f"reference module missing: {path}")
            try:
                modules[name] = _import_file(path, name)
            except Exception as exc:  # noqa: BLE001 - the course's own code: report it
                raise CourseError(f"the reference module {path} failed to import: "
                                  f"{type(exc).__name__}: {exc}") from None
    finally:
        sys.path.remove(str(folder))
        for name in local:
            sys.modules.pop(name, None)
        sys.modules.update(saved)
    return Reference(modules)


def _import_file(path: Path, module_name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise CourseError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
