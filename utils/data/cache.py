"""Where downloaded datasets are kept."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ENV_VAR", "default_cache_dir", "resolve_cache_dir"]

ENV_VAR = "NNDL_DATA"


def default_cache_dir() -> Path:
    """Return the cache folder used when no ``root`` is given.

    ``$NNDL_DATA`` when set, else ``%LOCALAPPDATA%\\nndl`` on Windows and
    ``~/.cache/nndl`` on Linux and macOS.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA")
        return (Path(base) if base else Path.home() / "AppData" / "Local") / "nndl"
    return Path.home() / ".cache" / "nndl"


def resolve_cache_dir(root: str | os.PathLike[str] | None) -> Path:
    """Return ``root`` as a path, or :func:`default_cache_dir` when it is None."""
    if root is None:
        return default_cache_dir()
    return Path(root).expanduser()
