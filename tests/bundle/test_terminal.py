"""JupyterLab's terminal finds the course's commands when the environment was never
activated: a student starts `<env>/bin/jupyter lab` from a terminal whose PATH does not
hold the environment (a desktop shortcut or an IDE does the same)."""

from __future__ import annotations

import pytest
from jupyter_server_run import jupyter, terminal_output

pytestmark = [pytest.mark.slow, pytest.mark.envs("hub")]


def test_terminal_runs_the_environments_python_and_nndl_submit(farm, tmp_path):
    """In a terminal of a JupyterLab started without activating its environment, do
    `python` and `nndl-submit` resolve to that environment, and do `python -m utils.submit
    --help` and `nndl-submit --help` both answer?"""
    env = farm.get("hub")  # the wheel with JupyterLab, as requirements.txt installs it
    home = tmp_path / "home"
    home.mkdir()
    not_activated = {**env.env(HOME=str(home), SHELL="/bin/bash"),
                     "PATH": "/usr/local/bin:/usr/bin:/bin"}
    not_activated.pop("VIRTUAL_ENV")
    with jupyter([str(env.script("jupyter-lab"))], tmp_path, not_activated,
                 tmp_path / "lab.log", tty=True) as lab:
        typed = terminal_output(
            lab, "command -v python nndl-submit; python -m utils.submit --help | head -1; "
                 "nndl-submit --help | head -1")
    bindir = env.prefix / "bin"
    assert f"{bindir}/python\r\n" in typed and f"{bindir}/nndl-submit\r\n" in typed, typed
    assert typed.count("usage: nndl-submit") == 2, typed
    assert "terminals find python and nndl-submit" in (tmp_path / "lab.log").read_text()
