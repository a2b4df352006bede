"""Importing reference modules (with solutions) for benchmarks, by path."""

from __future__ import annotations

from types import ModuleType

from autograder.core.paths import source_dir
from autograder.core.suite import load_reference


def reference_module(hw: str, module: str) -> ModuleType:
    """``source/<hw>/<module>.py`` imported (its sibling modules importable too)."""
    names = sorted(p.stem for p in source_dir(hw).glob("*.py"))
    return getattr(load_reference(source_dir(hw), names), module)
