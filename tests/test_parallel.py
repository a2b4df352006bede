"""What `make test` relies on to run on both cores: pytest-xdist's groups (xdist_groups.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from xdist_groups import FIRST, ONE_WORKER

TEST_FILE = """
import os
from pathlib import Path

import pytest


@pytest.mark.xdist_group("shared")
@pytest.mark.parametrize("i", range(6))
def test_grouped(i):
    Path("workers", f"{Path(__file__).stem}-{i}").write_text(os.environ["PYTEST_XDIST_WORKER"])


@pytest.mark.parametrize("i", range(6))
def test_free(i):
    pass
"""


def test_one_group_runs_on_one_worker(tmp_path: Path):
    """Do the tests of one xdist_group, across files, all run on the same worker under
    ``-n 2 --dist loadgroup`` (pytest-xdist#1386: on pytest 9.2 the groups are ignored)?"""
    for name in ("test_one.py", "test_two.py"):
        (tmp_path / name).write_text(TEST_FILE)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "workers").mkdir()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup",
                           "-p", "no:cacheprovider", "-q", "--basetemp", str(tmp_path / "bt")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "24 passed" in proc.stdout, proc.stdout
    ran = {p.name: p.read_text() for p in (tmp_path / "workers").iterdir()}
    assert len(ran) == 12 and len(set(ran.values())) == 1, ran


def test_groups_name_existing_test_files():
    """Does every pattern of ``ONE_WORKER`` match a test file, so that no group is lost to
    a moved or renamed file, and is every group of ``FIRST`` one of them?"""
    assert set(FIRST) <= set(ONE_WORKER.values())
    tests = Path(__file__).resolve().parent
    for pattern in ONE_WORKER:
        assert list(tests.glob(pattern if pattern.endswith(".py") else pattern + ".py")), \
            pattern
