"""Printing on Google Colab, whose runtimes come without a browser.

When no browser is found on Colab, the export installs Playwright's Chromium together with
the system libraries it needs (Colab has the network and runs as root), once per runtime,
and prints one line saying so. If that fails, the error says exactly what to run.
"""

from __future__ import annotations

import importlib
import subprocess
import sys

INSTALL_COMMAND = "python -m playwright install --with-deps chromium"


def on_colab() -> bool:
    """True inside a Google Colab runtime (its ``google.colab`` package is importable)."""
    try:
        importlib.import_module("google.colab")
    except ImportError:
        return False
    return True


def install_chromium() -> str | None:
    """Install Chromium with Playwright; None when it worked, else the reason (last lines)."""
    print("No browser in this Colab runtime: installing Chromium for printing "
          f"({INSTALL_COMMAND}, about a minute, once per runtime)...", file=sys.stderr,
          flush=True)
    cmd = [sys.executable, "-m", "playwright", "install", "--with-deps", "chromium"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{type(exc).__name__}: {exc}"
    if proc.returncode != 0:
        lines = (proc.stdout + proc.stderr).strip().splitlines()
        return " / ".join(lines[-3:]) or f"exit code {proc.returncode}"
    return None


def colab_hint(reason: str | None = None) -> str:
    """What to run in a Colab cell when the automatic install did not work."""
    why = f" The automatic install failed: {reason}." if reason else ""
    return (f"On Google Colab, run this in a cell, then export again: !{INSTALL_COMMAND}"
            + why)
