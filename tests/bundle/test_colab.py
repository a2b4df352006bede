"""A Colab-like run: a fresh Python 3.12 venv already holding numpy, matplotlib and
ipykernel at a Colab runtime's versions, a stand-in `google.colab`, the bundle uploaded to
a (stand-in) Drive, the kernel started in the session folder as Colab starts it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from bundle_plan import COLAB_HW
from completed import complete
from pypdf import PdfReader
from student_envs import COLAB_PREINSTALLED
from student_kernel import outputs_text, run_notebook

from autograder.manifest import load_assignment
from utils.submit.colab import INSTALL_COMMAND
from utils.submit.detect import find_browser
from utils.submit.errors import BrowserNotFoundError

pytestmark = pytest.mark.slow


def dist_info_stamps(site, names) -> dict[str, float]:
    """Modification time of each package's .dist-info folder (new when reinstalled)."""
    stamps = {}
    for name in names:
        (folder,) = site.glob(f"{name}-*.dist-info")
        stamps[name] = folder.stat().st_mtime_ns
    return stamps


@pytest.mark.envs("colab")
def test_setup_cell_installs_the_library_and_the_notebooks_run_on_colab(farm, bundle_dir,
                                                                         tmp_path):
    """On a Colab-like runtime, does the first cell mount Drive, find the uploaded folder,
    move there and install the wheel in one reported line, without reinstalling Colab's
    numpy, matplotlib or ipykernel; do the notebooks then run, and does `nndl-submit` export
    from the Drive folder?"""
    env = farm.get("colab")
    site = env.site_packages()
    before = dist_info_stamps(site, COLAB_PREINSTALLED)
    content, drive = tmp_path / "content", tmp_path / "drive-files"
    content.mkdir()
    folder = complete(bundle_dir / COLAB_HW, drive / "courses" / COLAB_HW)
    shell = env.env(NBGRADER_EXECUTION="autograde", NNDL_COLAB_CONTENT=str(content),
                    NNDL_FAKE_DRIVE=str(drive))
    on_drive = content / "drive" / "MyDrive" / "courses" / COLAB_HW
    lines = []
    for name in load_assignment(COLAB_HW).notebooks:
        nb = run_notebook(folder / name, env.python, tmp_path / "spec", shell, cwd=content)
        lines.append(outputs_text(nb.cells[:1], "stdout"))
    first, second = lines
    assert f"Mounted at {content / 'drive'}" in first
    done = re.search(r"^Colab set-up: working in (.+); installed the course library "
                     r"(\S+) \(and (\d+) packages it needs\)\.$", first, re.M)
    assert done, first
    assert done[1] == str(on_drive) and done[2] == env.versions("nndl-course-utils")[
        "nndl-course-utils"]
    assert re.search(r"^Colab set-up: working in .+; the course library \S+ is installed\.$",
                     second, re.M), second
    assert "Mounted" not in second  # the Drive stays mounted
    assert env.versions(*COLAB_PREINSTALLED) == COLAB_PREINSTALLED
    assert dist_info_stamps(site, COLAB_PREINSTALLED) == before

    proc = subprocess.run([str(env.script("nndl-submit"))], cwd=on_drive, env=shell,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pages = PdfReader(folder / f"{COLAB_HW}_submission.pdf").pages
    assert len(pages) > 3


def test_pdf_export_on_colab_says_what_to_run_when_no_browser_installs():
    """On Colab with no browser anywhere, does the export try to install Chromium and, when
    that fails, say exactly which command to run in a cell?"""
    attempts = []

    def failing_install() -> str:
        attempts.append(1)
        return "Download failure, code=1"

    with pytest.raises(BrowserNotFoundError) as caught:
        find_browser(candidates=[], env={"HOME": "/nonexistent"}, platform="linux",
                     colab=True, install=failing_install, is_file=lambda _: False,
                     which=lambda _: None)
    assert attempts == [1]
    message = str(caught.value)
    assert f"!{INSTALL_COMMAND}" in message and "Download failure" in message


def test_pdf_export_on_colab_finds_the_browser_it_installed(tmp_path):
    """On Colab with no browser, does the export use the Chromium that its install put in
    Playwright's browser folder?"""
    chrome = tmp_path / "chromium-1255" / "chrome-linux64" / "chrome"

    def install() -> None:
        chrome.parent.mkdir(parents=True)
        chrome.write_text("")

    found = find_browser(candidates=[], env={"PLAYWRIGHT_BROWSERS_PATH": str(tmp_path)},
                         platform="linux", colab=True, install=install,
                         which=lambda _: None,
                         is_file=lambda p: p.startswith(str(tmp_path)) and Path(p).is_file())
    assert found == str(chrome)
