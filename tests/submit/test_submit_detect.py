"""Tests of utils.submit.detect: browser detection as a pure function of its inputs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from utils.submit.detect import (
    ENV_VAR,
    default_candidates,
    find_browser,
    install_hint,
    resolve_browser,
)
from utils.submit.errors import BrowserNotFoundError


def lookup(existing: set[str]):
    """``which``/``is_file`` stand-ins that know exactly the names/paths in ``existing``."""
    return {"which": lambda name: f"/found/{name}" if name in existing else None,
            "is_file": lambda path: path in existing}


def test_first_existing_candidate_wins():
    """Is the first candidate that exists returned, names through which, paths directly?"""
    candidates = ["chromium", "/opt/a/chrome", "google-chrome", "/opt/b/chrome"]
    assert resolve_browser(candidates, **lookup({"/opt/b/chrome", "google-chrome"})) \
        == "/found/google-chrome"
    assert resolve_browser(candidates, **lookup({"/opt/a/chrome", "chromium"})) \
        == "/found/chromium"
    assert resolve_browser(candidates, **lookup({"/opt/b/chrome"})) == "/opt/b/chrome"


def test_empty_candidate_list_raises_with_install_advice():
    """With no candidates, is BrowserNotFoundError raised saying what to install?"""
    with pytest.raises(BrowserNotFoundError) as info:
        find_browser(candidates=[], env={}, platform="linux", **lookup(set()))
    message = str(info.value)
    assert "apt install chromium" in message and "dnf install chromium" in message
    assert "python -m playwright install chromium" in message
    assert info.value.exit_code == 2


def test_explicit_path_must_exist(tmp_path: Path):
    """Is a --browser path that does not exist an error rather than a silent fallback?"""
    missing = str(tmp_path / "no-such-browser")
    with pytest.raises(BrowserNotFoundError, match="--browser"):
        find_browser(missing, candidates=["chromium"], env={}, **lookup({"chromium"}))


def test_explicit_then_env_then_candidates(tmp_path: Path):
    """Does --browser beat NNDL_BROWSER, which beats the candidate list?"""
    explicit, env_path = tmp_path / "explicit", tmp_path / "from-env"
    for path in (explicit, env_path):
        path.write_text("")
    env = {ENV_VAR: str(env_path)}
    assert find_browser(explicit, candidates=["chromium"], env=env) == str(explicit)
    assert find_browser(None, candidates=["chromium"], env=env) == str(env_path)
    assert find_browser(None, candidates=[str(explicit)], env={}) == str(explicit)
    with pytest.raises(BrowserNotFoundError, match=ENV_VAR):
        find_browser(None, candidates=[], env={ENV_VAR: str(tmp_path / "gone")})


@pytest.mark.parametrize(("platform", "env", "expected"), [
    ("linux", {"HOME": "/home/s"}, "/usr/bin/chromium"),
    ("linux", {"HOME": "/home/s"}, "chromium-browser"),
    ("linux", {"HOME": "/home/s"}, "microsoft-edge"),
    ("darwin", {"HOME": "/Users/s"},
     "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
    ("darwin", {"HOME": "/Users/s"},
     "/Users/s/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"),
    ("win32", {"PROGRAMFILES": r"C:\Program Files", "LOCALAPPDATA": r"C:\Users\s\AppData\Local"},
     r"C:\Program Files\Google\Chrome\Application\chrome.exe"),
    ("win32", {"PROGRAMFILES": r"C:\Program Files", "LOCALAPPDATA": r"C:\Users\s\AppData\Local"},
     r"C:\Users\s\AppData\Local\Microsoft\Edge\Application\msedge.exe"),
])
def test_default_candidates_cover_usual_locations(platform, env, expected):
    """Do the candidates include the usual Chromium/Chrome/Edge locations of each OS?"""
    assert expected in default_candidates(platform, env)


def test_playwright_browser_is_a_last_resort(tmp_path: Path):
    """Is a browser installed by `playwright install` found after the system ones?"""
    chrome = tmp_path / "chromium-1255" / "chrome-linux64" / "chrome"
    chrome.parent.mkdir(parents=True)
    chrome.write_text("")
    candidates = default_candidates("linux", {"PLAYWRIGHT_BROWSERS_PATH": str(tmp_path),
                                              "HOME": str(tmp_path)})
    assert candidates[-1] == str(chrome)
    assert resolve_browser(candidates, which=lambda name: None,
                           is_file=lambda p: p == str(chrome)) == str(chrome)


@pytest.mark.parametrize(("platform", "words"), [
    ("linux", ["apt install chromium", "dnf install chromium"]),
    ("darwin", ["Google Chrome", "Microsoft Edge", "/Applications"]),
    ("win32", ["Google Chrome", "Microsoft Edge"]),
])
def test_install_hint_names_what_to_install(platform, words):
    """Does the advice name the right installers for each operating system?"""
    hint = install_hint(platform)
    assert all(word in hint for word in words)
    assert "--browser" in hint and ENV_VAR in hint


def test_this_machine_finds_a_browser():
    """Does detection find the installed Chromium on this machine (CI installs it)?"""
    found = find_browser(env={k: v for k, v in os.environ.items() if k != ENV_VAR})
    assert os.path.isfile(found)
