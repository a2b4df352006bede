"""Find a Chromium-family browser to print with (Chromium, Google Chrome, Microsoft Edge).

Order: an explicit path (``--browser`` or the ``NNDL_BROWSER`` environment variable), then
the usual install locations on Linux, macOS and Windows, then a browser that
``python -m playwright install chromium`` downloaded. On Google Colab, which has no browser,
that install is run once when nothing is found (``utils.submit.colab``).
``resolve_browser`` is a pure function of the candidate list plus ``which``/``is_file`` so
it can be tested without any browser.
"""

from __future__ import annotations

import glob
import os
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from utils.submit.colab import colab_hint, install_chromium, on_colab
from utils.submit.errors import BrowserNotFoundError

ENV_VAR = "NNDL_BROWSER"

_LINUX_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
                "chrome", "microsoft-edge", "microsoft-edge-stable"]
_LINUX_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium",
                "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable",
                "/opt/google/chrome/chrome", "/usr/bin/microsoft-edge",
                "/usr/bin/microsoft-edge-stable", "/opt/microsoft/msedge/msedge"]
_MAC_APPS = ["Google Chrome.app/Contents/MacOS/Google Chrome",
             "Chromium.app/Contents/MacOS/Chromium",
             "Microsoft Edge.app/Contents/MacOS/Microsoft Edge"]
_WIN_APPS = [r"Google\Chrome\Application\chrome.exe",
             r"Microsoft\Edge\Application\msedge.exe",
             r"Chromium\Application\chrome.exe"]
# Inside Playwright's browser cache: <cache>/chromium-<rev>/<one of these>.
_PLAYWRIGHT_LAYOUTS = {
    "linux": ["chromium-*/chrome-linux64/chrome", "chromium-*/chrome-linux-arm64/chrome",
              "chromium-*/chrome-linux/chrome",
              "chromium_headless_shell-*/chrome-headless-shell-linux64/chrome-headless-shell"],
    "darwin": ["chromium-*/chrome-mac-*/Google Chrome for Testing.app/Contents/MacOS/"
               "Google Chrome for Testing",
               "chromium-*/chrome-mac/Chromium.app/Contents/MacOS/Chromium"],
    "win32": ["chromium-*/chrome-win64/chrome.exe", "chromium-*/chrome-win/chrome.exe"],
}


def _os_family(platform: str) -> str:
    if platform.startswith("linux"):
        return "linux"
    if platform in ("darwin", "win32"):
        return platform
    return "linux"


def playwright_cache(platform: str, env: Mapping[str, str]) -> Path | None:
    """Where ``python -m playwright install`` keeps browsers on this platform."""
    if env.get("PLAYWRIGHT_BROWSERS_PATH") not in (None, "", "0"):
        return Path(env["PLAYWRIGHT_BROWSERS_PATH"])
    home = Path(env.get("HOME") or env.get("USERPROFILE") or Path.home())
    family = _os_family(platform)
    if family == "darwin":
        return home / "Library" / "Caches" / "ms-playwright"
    if family == "win32":
        local = env.get("LOCALAPPDATA")
        return Path(local) / "ms-playwright" if local else None
    return Path(env.get("XDG_CACHE_HOME") or home / ".cache") / "ms-playwright"


def default_candidates(platform: str = sys.platform,
                       env: Mapping[str, str] | None = None) -> list[str]:
    """Browser names (looked up on PATH) and absolute paths to try, best first."""
    env = os.environ if env is None else env
    family = _os_family(platform)
    found: list[str] = []
    if family == "linux":
        found += _LINUX_NAMES + _LINUX_PATHS
    elif family == "darwin":
        home = env.get("HOME", "")
        roots = ["/Applications"] + ([f"{home}/Applications"] if home else [])
        found += [f"{root}/{app}" for app in _MAC_APPS for root in roots]
    else:
        roots = [env.get(key) for key in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")]
        roots = [r for r in roots if r] or [r"C:\Program Files", r"C:\Program Files (x86)"]
        found += [f"{root}\\{app}" for app in _WIN_APPS for root in roots]
        found += ["chrome", "msedge"]
    cache = playwright_cache(platform, env)
    if cache is not None:
        for pattern in _PLAYWRIGHT_LAYOUTS[family]:
            found += sorted(glob.glob(str(cache / pattern)), reverse=True)
    return found


def resolve_browser(candidates: Sequence[str], *,
                    which: Callable[[str], str | None] = shutil.which,
                    is_file: Callable[[str], bool] = os.path.isfile) -> str | None:
    """The first candidate that exists: bare names through ``which``, paths through ``is_file``."""
    for candidate in candidates:
        if os.sep in candidate or "/" in candidate or "\\" in candidate:
            if is_file(candidate):
                return candidate
        else:
            hit = which(candidate)
            if hit:
                return hit
    return None


def install_hint(platform: str = sys.platform) -> str:
    """What to install on this operating system, in one paragraph."""
    family = _os_family(platform)
    if family == "linux":
        how = ("Install Chromium: `sudo apt install chromium` (Debian; on Ubuntu "
               "`sudo apt install chromium-browser`) or `sudo dnf install chromium` "
               "(Fedora), or install Google Chrome / Microsoft Edge.")
    elif family == "darwin":
        how = ("Install Google Chrome (https://www.google.com/chrome/) or Microsoft Edge "
               "into /Applications.")
    else:
        how = ("Install Google Chrome (https://www.google.com/chrome/); Microsoft Edge, "
               "which Windows ships, also works.")
    return (how + " With internet access, `python -m playwright install chromium` works "
            f"everywhere. A browser elsewhere: pass --browser PATH or set {ENV_VAR}=PATH.")


def find_browser(explicit: str | os.PathLike[str] | None = None, *,
                 candidates: Sequence[str] | None = None,
                 env: Mapping[str, str] | None = None,
                 platform: str = sys.platform,
                 which: Callable[[str], str | None] = shutil.which,
                 is_file: Callable[[str], bool] = os.path.isfile,
                 colab: bool | None = None,
                 install: Callable[[], str | None] = install_chromium) -> str:
    """Path of the browser to print with; ``BrowserNotFoundError`` says what to install.

    ``explicit`` (``--browser``) wins, then ``NNDL_BROWSER``; either must exist (a wrong
    path is an error, not a silent fallback). Then ``candidates`` (default:
    ``default_candidates``). On Colab (``colab``, default: detected) with nothing found,
    ``install`` runs (it returns None on success, else the reason) and the search repeats.
    """
    env = os.environ if env is None else env
    for origin, value in (("--browser", explicit), (ENV_VAR, env.get(ENV_VAR))):
        if value:
            hit = resolve_browser([os.fspath(value)], which=which, is_file=is_file)
            if hit is None:
                raise BrowserNotFoundError(f"The browser given by {origin} ({value}) does not "
                                           "exist. " + install_hint(platform))
            return hit
    if candidates is None:
        candidates = default_candidates(platform, env)
    hit = resolve_browser(candidates, which=which, is_file=is_file)
    if hit is None and (on_colab() if colab is None else colab):
        reason = install()
        if reason is None:
            hit = resolve_browser(default_candidates(platform, env), which=which,
                                  is_file=is_file)
            reason = None if hit else "Playwright's browser folder holds no Chromium"
        if hit is None:
            raise BrowserNotFoundError("No browser was found to print the PDF. "
                                       + colab_hint(reason))
    if hit is None:
        raise BrowserNotFoundError("No Chromium-family browser (Chromium, Google Chrome, "
                                   "Microsoft Edge) was found to print the PDF. "
                                   + install_hint(platform))
    return hit
