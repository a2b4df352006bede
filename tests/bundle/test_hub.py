"""JupyterHub: in an image with the wheel, JupyterLab and nbgrader, the switches that
docs/jupyterhub.md gives keep the instructor's Formgrader, course list and Create Assignment
out of the student's JupyterLab, and the terminals find the image's Python."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT
from jupyter_server_run import jupyter, terminal_output

pytestmark = pytest.mark.slow
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
    commands = doc_commands("The image", "disable")
    assert len(commands) == len(INSTRUCTOR_LAB) + len(INSTRUCTOR_SERVER)
    shell = user_shell(env, tmp_path_factory.mktemp("hub-admin"))
    for cmd in commands:
        run(cmd, shell)
    return env


def test_documented_switches_keep_instructor_tools_out_of_students_jupyterlab(hub_image,
                                                                             tmp_path):
    """After the documented `--sys-prefix` commands, do the extension lists show the
    instructor's parts disabled and the Assignments tab enabled, does the student's real
    JupyterLab page disable those plugins and answer 404 for Formgrader while serving the
    assignment list, and does a JupyterLab terminal (environment not activated) run the
    image's `python -m utils.submit` and `nndl-submit`?"""
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

    not_activated = {**shell, "PATH": "/usr/local/bin:/usr/bin:/bin"}
    with jupyter([str(env.script("jupyter-lab"))], tmp_path, not_activated,
                 tmp_path / "lab.log") as lab:
        status, html = lab.get("/lab")
        assert status == 200
        off = page_config(html)["disabledExtensions"]
        assert {f"@jupyter/nbgrader:{p}" for p in INSTRUCTOR_LAB} <= set(off)
        assert "@jupyter/nbgrader:assignment-list" not in off
        assert lab.get("/formgrader")[0] == 404 and lab.get("/formgraders")[0] == 404
        assert lab.get("/assignments")[0] != 404
        typed = terminal_output(
            lab, "command -v python nndl-submit; python -m utils.submit --help | head -1; "
                 "nndl-submit --help | head -1")
    bindir = str(env.prefix / "bin")
    assert f"{bindir}/python\r\n" in typed and f"{bindir}/nndl-submit\r\n" in typed, typed
    assert typed.count("usage: nndl-submit") == 2, typed


def test_instructor_account_gets_the_tools_back(hub_image, tmp_path):
    """With the image's switches off, do the documented user-level settings give the
    instructor's account Formgrader and Create Assignment again?"""
    env = hub_image
    shell = user_shell(env, tmp_path)
    for cmd in doc_commands("The instructor's account", "enable"):
        run(cmd, shell)
    (config,) = doc_blocks("json", "The instructor's account")
    (tmp_path / "user-config" / "jupyter_server_config.json").write_text(config)
    with jupyter([str(env.script("jupyter-lab"))], tmp_path, shell,
                 tmp_path / "lab.log") as lab:
        off = page_config(lab.get("/lab")[1])["disabledExtensions"]
        assert not {f"@jupyter/nbgrader:{p}" for p in INSTRUCTOR_LAB} & set(off)
        assert lab.get("/formgrader")[0] != 404
