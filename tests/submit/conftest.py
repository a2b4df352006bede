"""Fixtures for the ``utils.submit`` tests: a real executed assignment, built once."""

from __future__ import annotations

from pathlib import Path

import pytest
from submit_fixtures import build_assignment, copy_assignment


@pytest.fixture(scope="session")
def built_assignment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture assignment, notebooks executed once per session (read-only: copy it)."""
    return build_assignment(tmp_path_factory.mktemp("submit") / "hw0_fixture")


@pytest.fixture
def assignment(built_assignment: Path, tmp_path: Path) -> Path:
    """A private, editable copy of the fixture assignment."""
    return copy_assignment(built_assignment, tmp_path / "hw0_fixture")
