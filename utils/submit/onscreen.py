"""Is the saved notebook what the student sees? Checked when the export runs in a kernel.

The export prints the notebooks as saved on disk. Run from a notebook's last cell, it can
compare the saved copy of that notebook with what its kernel ran (IPython's history of raw
cell sources by execution count) and say plainly when they differ:

- cells ran after the last save (the saved copy stops at an earlier ``In [n]``);
- a cell's code was changed after the save (``In [n]`` on disk is not what ran as n);
- the export cell itself is not in the saved copy (it was added after the last save).

Changes to Markdown cells never reach the kernel, so the summary also says when each
notebook was saved. The notebook is the one Jupyter names in ``JPY_SESSION_NAME``, else the
manifest's notebook whose saved code cells match the kernel's history best.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from utils.submit.preflight import cell_source, is_export_cell, read_notebook

SAVE_HINT = ("Save it (Ctrl-S, or File > Save Notebook), then run this cell again: the "
             "export prints the notebook as saved on disk.")


def kernel_history() -> tuple[dict[int, str], int] | None:
    """(execution count -> raw source of each cell this kernel ran, the running cell's
    count), or None outside an IPython kernel."""
    ipython_module = sys.modules.get("IPython")
    shell = ipython_module.get_ipython() if ipython_module is not None else None
    if shell is None or getattr(shell, "history_manager", None) is None:
        return None
    raw = list(shell.history_manager.input_hist_raw)
    return {count: source for count, source in enumerate(raw) if count}, len(raw) - 1


def _same(a: str, b: str) -> bool:
    return a.rstrip() == b.rstrip()


def _saved_code(nb: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [cell for cell in nb["cells"] if cell.get("cell_type") == "code"]


def _matches(nb: Mapping[str, Any], history: Mapping[int, str]) -> int:
    return sum(1 for cell in _saved_code(nb)
               if isinstance(cell.get("execution_count"), int)
               and _same(history.get(cell["execution_count"], "\0"), cell_source(cell)))


def own_notebook(folder: Path, notebooks: Sequence[str], history: Mapping[int, str],
                 current: int) -> tuple[str, dict[str, Any]] | None:
    """The manifest notebook this kernel runs, with its saved JSON; None if unknown."""
    saved = {}
    for name in notebooks:
        try:
            saved[name] = read_notebook(folder / name)
        except ValueError:
            continue
    session = os.environ.get("JPY_SESSION_NAME", "")
    named = Path(session).name if session else ""
    if named in saved and Path(session).resolve().parent == folder.resolve():
        return named, saved[named]
    running = history.get(current, "")
    scores = {name: _matches(nb, history) + 3 * any(_same(cell_source(c), running)
                                                    for c in _saved_code(nb))
              for name, nb in saved.items()}
    best = max(scores, key=lambda name: scores[name], default=None)
    return (best, saved[best]) if best is not None and scores[best] > 0 else None


def _ins(counts: Sequence[int]) -> str:
    shown = ", ".join(f"In [{c}]" for c in counts[:4])
    return shown + (f" and {len(counts) - 4} more" if len(counts) > 4 else "")


def differences(name: str, nb: Mapping[str, Any], history: Mapping[int, str],
                current: int) -> list[str]:
    """Plain statements of how the saved ``nb`` differs from what the kernel ran."""
    saved = {cell["execution_count"]: cell_source(cell) for cell in _saved_code(nb)
             if isinstance(cell.get("execution_count"), int)}
    last_saved = max(saved, default=0)
    ran = {count: source for count, source in history.items()
           if count < current and not is_export_cell({"cell_type": "code", "source": source})}
    after = sorted(c for c in ran if c > last_saved)
    changed = sorted(c for c in ran if c in saved and not _same(saved[c], ran[c]))
    problems = []
    if after:
        problems.append(f"{name} on disk is older than what you see: {len(after)} cell(s) ran "
                        f"after it was last saved ({_ins(after)}). {SAVE_HINT}")
    if changed:
        problems.append(f"{name} on disk is not what you ran: the code of {_ins(changed)} "
                        f"was changed after it was saved. {SAVE_HINT}")
    running = history.get(current, "")
    if running and not any(_same(cell_source(c), running) for c in _saved_code(nb)):
        problems.append(f"{name} on disk does not contain this export cell yet: you have not "
                        f"saved since adding it. {SAVE_HINT}")
    return problems


def unsaved_changes(folder: Path, notebooks: Sequence[str]) -> list[str]:
    """In a kernel: how its notebook's saved copy differs from what it ran (empty when it
    does not, or when this is not a kernel of one of ``notebooks``)."""
    found = kernel_history()
    if found is None:
        return []
    history, current = found
    own = own_notebook(folder, notebooks, history, current)
    if own is None:
        return []
    return differences(own[0], own[1], history, current)
