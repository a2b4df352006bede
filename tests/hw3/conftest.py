"""Fixtures for the tests of hw3's reference modules (source/hw3_optim/*.py).

The modules are flat files, not a package, so they are imported by path under names of
their own (``hw3_reference_optim`` ...) that cannot clash with other assignments'.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SOURCE_DIR = Path(__file__).resolve().parents[2] / "source" / "hw3_optim"


def load_hw3_module(stem: str) -> ModuleType:
    """Import ``source/hw3_optim/<stem>.py`` as module ``hw3_reference_<stem>``."""
    name = f"hw3_reference_{stem}"
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
def optim_ref() -> ModuleType:
    """The reference optim.py."""
    return load_hw3_module("optim")


@pytest.fixture(scope="session")
def init_ref() -> ModuleType:
    """The reference init.py."""
    return load_hw3_module("init")
