"""Fixtures for the tests of hw4's reference modules (source/hw4_bn_dropout/*.py).

The modules are flat files that import one another (``fc_net`` imports ``layers`` ...),
so they are imported by path with their folder briefly on ``sys.path``, under names of
their own (``hw4_reference_normalization`` ...) that cannot clash with other
assignments' modules of the same name.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SOURCE_DIR = Path(__file__).resolve().parents[2] / "source" / "hw4_bn_dropout"
SIBLINGS = ("layers", "activations", "optim", "normalization", "dropout", "fc_net")


def load_reference(stem: str) -> ModuleType:
    """Import ``source/hw4_bn_dropout/<stem>.py`` as module ``hw4_reference_<stem>``."""
    name = f"hw4_reference_{stem}"
    if name in sys.modules:
        return sys.modules[name]
    saved = {s: sys.modules.pop(s) for s in SIBLINGS if s in sys.modules}
    sys.path.insert(0, str(SOURCE_DIR))
    try:
        spec = importlib.util.spec_from_file_location(name, SOURCE_DIR / f"{stem}.py")
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot import {SOURCE_DIR / f'{stem}.py'}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(SOURCE_DIR))
        for s in SIBLINGS:
            sys.modules.pop(s, None)
        sys.modules.update(saved)
    return module


@pytest.fixture(scope="session")
def norm_ref() -> ModuleType:
    """The reference normalization.py."""
    return load_reference("normalization")


@pytest.fixture(scope="session")
def dropout_ref() -> ModuleType:
    """The reference dropout.py."""
    return load_reference("dropout")


@pytest.fixture(scope="session")
def fc_net_ref() -> ModuleType:
    """The reference fc_net.py (with its given layers, activations and optim)."""
    return load_reference("fc_net")
