"""Where the repository's parts are, for every test folder (a module name of its own:
folders' ``conftest`` modules share one name and cannot be imported from)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "source"
ASSIGNMENTS = sorted(p.parent.name for p in (ROOT / "assignments").glob("*/assignment.toml"))
