"""Fixtures for the tests of hw2's reference modules (source/hw2_fcnet/*.py).

The modules are flat files that import one another by plain name (``from layers import
...``). ``autograder.core.suite.load_reference`` imports them that way and then removes the plain
names from ``sys.modules``, so they cannot clash with other assignments' ``layers``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.core.suite import Reference, load_reference

SOURCE_DIR = Path(__file__).resolve().parents[2] / "source" / "hw2_fcnet"
MODULES = ["layers", "activations", "fc_net"]


@pytest.fixture(scope="session")
def hw2() -> Reference:
    """The reference modules as attributes: ``hw2.layers``, ``hw2.activations``, ``hw2.fc_net``."""
    return load_reference(SOURCE_DIR, MODULES)


@pytest.fixture(scope="session")
def layers(hw2):
    """The reference layers.py."""
    return hw2.layers


@pytest.fixture(scope="session")
def activations(hw2):
    """The reference activations.py."""
    return hw2.activations


@pytest.fixture(scope="session")
def fc_net(hw2):
    """The reference fc_net.py."""
    return hw2.fc_net
