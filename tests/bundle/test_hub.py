"""JupyterHub: in an image with the wheel, JupyterLab and nbgrader, the switches that
docs/jupyterhub.md gives keep the instructor's Formgrader, course list and Create Assignment
out of the student's JupyterLab, and students cannot switch them back on."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from bundle_plan import ROOT
from jupyter_server_run import jupyter

pytestmark = [pytest.mark.slow, pytest.mark.envs("hub")]
DOC = ROOT / "docs" / "jupyterhub.md"
INSTRUCTOR_LAB = ["formgrader", "create-assignment", "course-list"]
INSTRUCTOR_SERVER = ["formgrader", "course_list"]
STUDENT_SERVER = ["assignment_list", "validate_assignment"]


def doc_blocks(kind: str, section: str) -> list[str]:
    """The ``kind`` fenced blocks (bash, json) of the doc's ``## section``."""
    text = DOC.read_text()
    start = text.index(f"## {section}")
    end = text.find("\n## ", start + 1)
    return re.findall(rf"```{kind}\n(.*?)```", text[start:end if end > 0 else None], re.S)


def doc_commands(section: str, verb: str) -> list[list[str]]:
    return [shlex.split(line) for block in doc_blocks("bash", section)
            for line in block.splitlines() if line.startswith("jupyter ") and verb in line]


def run(cmd: list[str], env: dict[str, str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def extension_states(listing: str) -> dict[str, str]:
    """``jupyter server extension list``: nbgrader extension -> enabled/disabled, as set
    in the last config folder that mentions it (the most specific one listed last)."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", listing)
    return dict(re.findall(r"nbgrader\.server_extensions\.(\w+) (enabled|disabled)", plain))


def page_config(html: str) -> dict:
    match = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)'
                      r"</script>", html, re.S)
    assert match, html[:500]
    return json.loads(match[1])


def user_shell(env, folder: Path) -> dict[str, str]:
    """The image's environment for one (new) hub user, whose settings live in ``folder``."""
    return env.env(JUPYTER_CONFIG_DIR=str(folder / "user-config"),
                   JUPYTER_DATA_DIR=str(folder / "user-data"))


@pytest.fixture(scope="module")
def hub_image(farm, tmp_path_factory):
    """The hub image after the documented `--sys-prefix` switches."""
    env = farm.get("hub")
    commands = doc_commands("The image", "disable") + doc_commands("The image", " lock ")
    assert len(commands) == 2 * len(INSTRUCTOR_LAB) + len(INSTRUCTOR_SERVER)
    shell = user_shell(env, tmp_path_factory.mktemp("hub-admin"))
    for cmd in commands:
        run(cmd, shell)
    return env


def test_documented_switches_keep_instructor_tools_out_of_students_jupyterlab(hub_image,
                                                                             tmp_path):
    """After the documented `--sys-prefix` commands, do the extension lists show the
    instructor's parts disabled and the Assignments tab enabled, does the student's real
    JupyterLab page disable those plugins and answer 404 for Formgrader while serving the
    assignment list?"""
    env = hub_image
    shell = user_shell(env, tmp_path)

    states = extension_states(run(["jupyter", "server", "extension", "list"], shell))
    assert {name: states.get(name) for name in INSTRUCTOR_SERVER + STUDENT_SERVER} == {
        **dict.fromkeys(INSTRUCTOR_SERVER, "disabled"),
        **dict.fromkeys(STUDENT_SERVER, "enabled")}
    labs = run(["jupyter", "labextension", "list"], shell)
    disabled = labs.split("Disabled extensions:")[1]
    for plugin in INSTRUCTOR_LAB:
        assert f"@jupyter/nbgrader:{plugin}" in disabled
    assert "@jupyter/nbgrader:assignment-list" not in disabled

    with jupyter([str(env.script("jupyter-lab"))], tmp_path, shell,
                 tmp_path / "lab.log") as lab:
        status, html = lab.get("/lab")
        assert status == 200
        off = page_config(html)["disabledExtensions"]
        assert {f"@jupyter/nbgrader:{p}" for p in INSTRUCTOR_LAB} <= set(off)
        assert "@jupyter/nbgrader:assignment-list" not in off
        assert lab.get("/formgrader")[0] == 404 and lab.get("/formgraders")[0] == 404
        assert lab.get("/assignments")[0] != 404


def test_students_cannot_switch_the_instructor_plugins_back_on(hub_image, tmp_path):
    """Are the instructor's plugins locked, so that a student's own
    `jupyter labextension enable --level=user` leaves them disabled?"""
    env = hub_image
    shell = user_shell(env, tmp_path)
    for plugin in INSTRUCTOR_LAB:
        proc = subprocess.run(["jupyter", "labextension", "enable", "--level=user",
                               f"@jupyter/nbgrader:{plugin}"], capture_output=True,
                              text=True, env=shell, timeout=300)
        assert "locked" in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    with jupyter([str(env.script("jupyter-lab"))], tmp_path, shell,
                 tmp_path / "lab.log") as lab:
        config = page_config(lab.get("/lab")[1])
    wanted = {f"@jupyter/nbgrader:{p}" for p in INSTRUCTOR_LAB}
    assert wanted <= set(config["disabledExtensions"])
    assert wanted <= set(config["lockedExtensions"])
