"""Fixtures of the student-bundle tests: the bundles, built once by the real `course bundle`,
and fresh student environments outside the repository, built once in the background."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bundle_plan import COLAB_URL
from student_envs import EnvFarm


@pytest.fixture(scope="session")
def bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every assignment's bundle, written by `course bundle --all` (read-only: copy)."""
    out = tmp_path_factory.mktemp("bundles")
    proc = subprocess.run([sys.executable, "-m", "autograder", "bundle", "--all", "--out",
                           str(out), "--colab-url", COLAB_URL],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="session")
def wheel(bundle_dir: Path) -> Path:
    (found,) = bundle_dir.glob("*.whl")
    return found


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "envs(*names): the fresh environments a test uses "
                                       '("3.11", "3.12", "3.13", "colab", "hub")')


@pytest.fixture(scope="session")
def farm(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
         wheel: Path) -> Iterator[EnvFarm]:
    """The environments the selected tests need (after ``-m``/``-k``), in the order they
    run, all building in the background from the first use on."""
    needed: list[str] = []
    for item in request.session.items:
        for mark in item.iter_markers("envs"):
            needed.extend(name for name in mark.args if name not in needed)
    keep = os.environ.get("NNDL_TEST_ENVS")
    envs = EnvFarm(tmp_path_factory.mktemp("envs"), wheel,
                   keep=Path(keep) if keep and not os.environ.get("CI") else None)
    envs.start(needed)
    yield envs
    envs.close()


@pytest.fixture(scope="session", autouse=True)
def _start_building_environments(farm: EnvFarm) -> None:
    """From the first test of this folder on, so that pip overlaps the cheaper tests."""
