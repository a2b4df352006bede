"""How much of a notebook's outputs the graded copy keeps.

A notebook cell can print gigabytes in its time limit (or a saved notebook hold them), and
nbgrader keeps every output in memory, writes it into the graded notebook and the
feedback page (its ``LimitOutput`` counts lines, not characters). An ``OutputBudget``
keeps at most ``CELL_BYTES`` of each cell's outputs and ``NOTEBOOK_BYTES`` of the whole
notebook's, then one line saying that the rest was cut.
"""

from __future__ import annotations

import json
from typing import Any

import nbformat

from autograder.core.textcap import TRUNCATED, cap, cap_lines

CELL_BYTES = 1 << 20
NOTEBOOK_BYTES = 16 << 20


def size_of(content: Any) -> int:
    """About how many bytes an output's content takes in the notebook."""
    return len(json.dumps(content, default=str))


def cut_note(cell_bytes: int = CELL_BYTES, notebook_bytes: int = NOTEBOOK_BYTES) -> Any:
    return nbformat.v4.new_output(
        "stream", name="stdout",
        text=f"\n{TRUNCATED.strip()}: this cell's output went past {cell_bytes >> 10} KiB "
             f"(or the notebook's past {notebook_bytes >> 20} MiB); the rest is not kept\n")


class OutputBudget:
    """What one notebook's cells may still keep."""

    def __init__(self, cell_bytes: int = CELL_BYTES, notebook_bytes: int = NOTEBOOK_BYTES
                 ) -> None:
        self.cell_bytes, self.notebook_bytes = cell_bytes, notebook_bytes
        self.spent: dict[int, int] = {}  # cell index -> bytes kept (-1: cut already)
        self.total = 0

    def admit(self, cell: int, content: Any) -> bool | Any:
        """True to keep an output of ``content``; else False (the cell was cut before) or
        the one note to keep in its place."""
        spent = self.spent.get(cell, 0)
        if spent < 0:
            return False
        size = size_of(content)
        if spent + size > self.cell_bytes or self.total + size > self.notebook_bytes:
            self.spent[cell] = -1
            return cut_note(self.cell_bytes, self.notebook_bytes)
        self.spent[cell] = spent + size
        self.total += size
        return True

    def keep(self, cell: int, outputs: list) -> list:
        """The part of a cell's saved ``outputs`` within the budget."""
        kept = []
        for out in outputs:
            verdict = self.admit(cell, out)
            if verdict is True:
                kept.append(short_error(out))
            elif verdict is not False:
                kept.append(verdict)
                break
        return kept


def short_error(out: Any) -> Any:
    """An error output with its name, message and traceback cut to a readable size."""
    if out.get("output_type") == "error":
        out["ename"] = cap(out.get("ename", ""), 200)
        out["evalue"] = cap(out.get("evalue", ""), 4000)
        out["traceback"] = cap_lines(out.get("traceback", []), count=60, width=4000)
    return out
