"""Every other way of generating and releasing an assignment gives `course release`'s output:
plain `nbgrader generate_assignment` / `release_assignment`, and Formgrader's Generate and
Release buttons through the real HTTP endpoints of a Jupyter server on 127.0.0.1. A run
that fails leaves nothing students could get."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from course import ROOT, course_env, make_course, submission
from leaks import leaked

from autograder.commands.release import differences
from autograder.manifest import load_assignment
from autograder.release.strip import unwrap_solutions
from autograder.simulate import answer_written_questions

pytestmark = pytest.mark.slow
COURSE_ID = "nndl"
GIVEN_AND_ARTIFACT = "hw4_bn_dropout"  # given modules and a reference best_model.npz
ARTIFACT_ONLY = "hw2_fcnet"
WITH_MATH = "hw1_softmax"


def nbgrader(args: list[str], course: Path, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course,
                          env=tool_env(course), capture_output=True, text=True, timeout=600)
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def tool_env(course: Path) -> dict[str, str]:
    bindir = str(Path(sys.executable).parent)
    return {**course_env(course), "PATH": os.pathsep.join([bindir, os.environ["PATH"]])}


def new_course(folder: Path, hws: list[str]) -> Path:
    """A temporary course of ``hws`` with its own exchange."""
    course = make_course(folder / "course", hws)
    exchange = folder / "exchange"
    exchange.mkdir()
    with open(course / "nbgrader_config.py", "a") as fh:
        fh.write(f"\nc.CourseDirectory.course_id = {COURSE_ID!r}\n"
                 f"c.Exchange.root = {str(exchange)!r}\n")
    return course


def assert_like_course_release(hw: str, folder: Path) -> None:
    """``folder`` equals the committed release/<hw> (what `course release` builds, as
    test_release_is_up_to_date checks) and holds no solution text."""
    assert differences(ROOT / "release" / hw, folder) == []
    given = set(load_assignment(hw).given)
    assert leaked(ROOT / "source" / hw, folder, given) == []


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return new_course(tmp_path_factory.mktemp("paths"),
                      [WITH_MATH, ARTIFACT_ONLY, GIVEN_AND_ARTIFACT])


@pytest.mark.parametrize("hw", [ARTIFACT_ONLY, GIVEN_AND_ARTIFACT])
def test_plain_nbgrader_generate_and_release(course, hw):
    """Do plain `nbgrader generate_assignment` and `release_assignment` in the course
    folder give exactly `course release`'s folder, in release/ and in the exchange?"""
    nbgrader(["generate_assignment", hw, "--force"], course)
    assert_like_course_release(hw, course / "release" / hw)
    nbgrader(["release_assignment", hw, "--force"], course)
    assert_like_course_release(hw, course.parent / "exchange" / COURSE_ID / "outbound" / hw)


def test_generating_one_notebook_strips_the_modules(course):
    """Does `generate_assignment --notebook=...` (which copies every module again) also
    leave only stubs?"""
    hw = ARTIFACT_ONLY
    shutil.rmtree(course / "release" / hw, ignore_errors=True)
    nbgrader(["generate_assignment", hw, "--notebook=layers"], course)
    released = course / "release" / hw
    assert {p.name for p in released.iterdir()} == {
        *load_assignment(hw).modules, "layers.ipynb", "assignment.json"}
    assert leaked(ROOT / "source" / hw, released) == []


@pytest.mark.parametrize("tamper", ["solution copied in", "reference model copied in"])
def test_release_assignment_refuses_a_tampered_release(tmp_path, tamper):
    """Does `nbgrader release_assignment` refuse a release/<hw> edited by hand (a solution
    without its markers, the reference's best_model.npz), putting nothing in the exchange?"""
    hw = ARTIFACT_ONLY
    course = new_course(tmp_path, [hw])
    nbgrader(["generate_assignment", hw, "--force"], course)
    released = course / "release" / hw
    if tamper == "solution copied in":
        (released / "layers.py").write_text(
            unwrap_solutions((course / "source" / hw / "layers.py").read_text()))
    else:
        shutil.copyfile(course / "source" / hw / "best_model.npz", released / "best_model.npz")
    proc = nbgrader(["release_assignment", hw], course, check=False)
    assert proc.returncode != 0 and "course release" in proc.stdout + proc.stderr
    assert not (tmp_path / "exchange" / COURSE_ID / "outbound" / hw).exists()


def break_file(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("damage", ["manifest", "suite", "unimportable hook"])
def test_a_failed_generate_releases_nothing(tmp_path, damage):
    """When the course's release steps cannot run (a broken manifest or suite, the hook
    not importable), does nbgrader fail and leave no solution anywhere in release/?"""
    hw = ARTIFACT_ONLY
    course = new_course(tmp_path, [hw])
    if damage == "manifest":
        break_file(course / "assignments" / hw / "assignment.toml", "modules =", "modules ==")
    elif damage == "suite":
        (course / "assignments" / hw / "suite" / "layers.py").write_text("raise ImportError\n")
    else:
        break_file(course / "nbgrader_config.py", "nbgrader_hook import", "no_such_hook import")
    # one notebook at a time, nbgrader removes only that notebook when a run fails
    for extra in ([], ["--notebook=layers"]) if damage == "suite" else ([],):
        proc = nbgrader(["generate_assignment", hw, "--force", *extra], course, check=False)
        assert proc.returncode != 0, proc.stdout + proc.stderr
        released = course / "release" / hw
        if released.exists():
            assert leaked(ROOT / "source" / hw, released) == []
            assert not (released / "best_model.npz").exists()


# ----- Formgrader -------------------------------------------------------------------------
class Server:
    """A real Jupyter server with the formgrader extension, serving ``course``."""

    def __init__(self, course: Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.token = "formgrader-test"
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(course.parent / "server.log", "w")  # closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "server", "--no-browser", "--ip=127.0.0.1",
             f"--port={self.port}", f"--ServerApp.root_dir={course}",
             f"--IdentityProvider.token={self.token}",
             *(["--allow-root"] if os.geteuid() == 0 else [])],
            cwd=course, env=tool_env(course), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            try:
                self.get("/api/status")
                break
            except OSError:
                assert self.proc.poll() is None and time.monotonic() < deadline, \
                    (course.parent / "server.log").read_text()[-3000:]
                time.sleep(0.5)

    def request(self, method: str, path: str) -> bytes:
        req = urllib.request.Request(self.base + path, method=method, data=b"" if
                                     method == "POST" else None,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=600) as response:
            return response.read()

    def get(self, path: str) -> bytes:
        return self.request("GET", path)

    def post(self, path: str) -> dict:
        return json.loads(self.request("POST", path))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="module")
def formgrader(tmp_path_factory):
    course = new_course(tmp_path_factory.mktemp("formgrader"), [WITH_MATH, GIVEN_AND_ARTIFACT])
    server = Server(course)
    try:
        yield server, course
    finally:
        server.stop()


def test_formgrader_generate_and_release_buttons(formgrader):
    """Do Formgrader's Generate and Release endpoints give exactly `course release`'s
    folder, in release/ and in the exchange?"""
    server, course = formgrader
    hw = GIVEN_AND_ARTIFACT
    result = server.post(f"/formgrader/api/assignment/{hw}/assign")
    assert result["success"], result
    assert_like_course_release(hw, course / "release" / hw)
    result = server.post(f"/formgrader/api/assignment/{hw}/release")
    assert result["success"], result
    assert_like_course_release(hw, course.parent / "exchange" / COURSE_ID / "outbound" / hw)


def test_formgrader_grading_page_renders_math_offline(formgrader):
    """Does Formgrader's grading page of a student who answered the written questions show
    the answers with math typeset by the server's own MathJax, with every other host
    unreachable?"""
    from playwright.sync_api import sync_playwright

    from utils.submit.browser import LAUNCH_FLAGS
    from utils.submit.detect import find_browser

    server, course = formgrader
    hw = WITH_MATH
    assert server.post(f"/formgrader/api/assignment/{hw}/assign")["success"]
    folder = submission(course / "submitted" / "ada" / hw, hw, modules_from="source")
    assert answer_written_questions(folder, hw) > 0
    proc = subprocess.run([sys.executable, "-m", "autograder", "autograde", hw, "--workers", "1",
                           "--no-feedback"], cwd=course, env=tool_env(course),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    notebooks = json.loads(server.get(f"/formgrader/api/submitted_notebooks/{hw}/softmax"))
    (entry,) = notebooks
    assert entry["needs_manual_grade"]

    errors, foreign = [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_browser(), headless=True,
                                     args=LAUNCH_FLAGS)
        page = browser.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))

        def offline(route):
            if route.request.url.startswith(server.base):
                route.continue_()
            else:
                foreign.append(route.request.url)
                route.abort()

        page.route("**/*", offline)
        page.goto(f"{server.base}/formgrader/submissions/{entry['id']}/?token={server.token}")
        page.wait_for_function("window.MathJax && MathJax.loaded === true", timeout=60_000)
        typeset = page.locator(".MathJax, .MathJax_Display").count()
        text = page.inner_text("body")
        browser.close()
    assert typeset > 0 and not errors, errors
    assert not [url for url in foreign if "mathjax" in url.lower()], foreign
    cells = nbformat.read(folder / "softmax.ipynb", as_version=4).cells
    first_answer = next(c.source for c in cells if c.cell_type == "markdown"
                        and c.metadata.get("nbgrader", {}).get("solution"))
    assert first_answer.split("\n")[0] in text  # ada's written answer, as she wrote it
