"""nbgrader commands forked from a process that imported nbgrader once behave as
`python -m nbgrader` (real nbgrader, a throwaway gradebook)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autograder.nbgrader_bridge.fork import NbgraderForks
from autograder.release.build import tool_env

pytestmark = pytest.mark.slow


def run(forks: NbgraderForks, argv: list[str], cwd: Path, env: dict[str, str],
        log: Path) -> tuple[int, str, bool]:
    """(exit status, output, whether it was forked) of one command."""
    log.write_text("")
    command = forks.start(argv, cwd, env, log)
    return forks.wait(command), log.read_text(), command.proc is None


def test_forked_commands_behave_like_nbgrader(tmp_path):
    """Does a forked command work in the folder and with the environment it was given,
    print what nbgrader prints and end with nbgrader's exit status?"""
    course, elsewhere, log = tmp_path / "course", tmp_path / "elsewhere", tmp_path / "log"
    course.mkdir()
    (elsewhere / "config").mkdir(parents=True)
    (elsewhere / "config" / "nbgrader_config.py").write_text(
        f"c.CourseDirectory.db_url = 'sqlite:///{elsewhere / 'other.db'}'\n")
    env = tool_env()
    forks = NbgraderForks(env, course)
    try:
        added = run(forks, ["db", "student", "add", "alice", "--last-name=Liddell"], course,
                    env, log)
        listed = run(forks, ["db", "student", "list"], course, env, log)
        failed = run(forks, ["autograde", "nothing_here"], course, env, log)
        configured = run(forks, ["db", "student", "add", "bob"], course,
                         {**env, "JUPYTER_CONFIG_DIR": str(elsewhere / "config")}, log)
    finally:
        forks.close()
    plain = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", "nothing_here"],
                           cwd=course, env=env, capture_output=True, text=True)
    assert all(forked for _, _, forked in (added, listed, failed, configured))
    assert added[0] == 0 and (course / "gradebook.db").is_file()  # the folder it was given
    assert listed[0] == 0 and "alice" in listed[1] and "Liddell" in listed[1]
    assert plain.returncode == failed[0] == 1
    error = "No notebooks were matched by"
    assert error in failed[1] and error in plain.stdout + plain.stderr
    assert configured[0] == 0 and (elsewhere / "other.db").is_file()  # its environment


def test_without_the_fork_process_commands_run_the_ordinary_way(tmp_path):
    """When the fork process is gone, is the command still run (as python -m nbgrader)?"""
    env = tool_env()
    forks = NbgraderForks(env, tmp_path)
    forks.server.kill()
    forks.server.wait()
    added = run(forks, ["db", "student", "add", "carol"], tmp_path, env, tmp_path / "log")
    listed = run(forks, ["db", "student", "list"], tmp_path, env, tmp_path / "log")
    forks.close()
    assert added[0] == listed[0] == 0 and not added[2] and not listed[2]
    assert "carol" in listed[1]
