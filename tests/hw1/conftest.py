"""Fixtures for the tests of hw1's reference modules (source/hw1_softmax/*.py).

The modules are flat files, not a package, so they are imported by path under names of
their own (``hw1_reference_softmax`` ...) that cannot clash with other assignments'.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SOURCE_DIR = Path(__file__).resolve().parents[2] / "source" / "hw1_softmax"


def load_reference(stem: str) -> ModuleType:
    """Import ``source/hw1_softmax/<stem>.py`` as module ``hw1_reference_<stem>``."""
    name = f"hw1_reference_{stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SOURCE_DIR / f"{stem}.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {SOURCE_DIR / f'{stem}.py'}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def softmax_ref() -> ModuleType:
    """The reference softmax.py."""
    return load_reference("softmax")


@pytest.fixture(scope="session")
def gd_ref() -> ModuleType:
    """The reference gradient_descent.py."""
    return load_reference("gradient_descent")
