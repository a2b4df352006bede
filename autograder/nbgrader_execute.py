"""nbgrader's ``Execute`` preprocessor with a bound on what a notebook's outputs may hold.

A notebook cell can print gigabytes in its time limit, and nbgrader keeps every output in
memory, writes it into the graded notebook and the feedback page (its ``LimitOutput``
counts lines, not characters). ``CappedExecute`` keeps at most ``cell_output_bytes`` of
each cell's outputs and ``notebook_output_bytes`` of the whole notebook's, then one line
saying that the rest was cut; the error nbgrader copies from a failed cell's reply is cut
too. ``course autograde`` puts it in place of ``Execute`` in
nbgrader's autograde preprocessors (``commands.autograde.AUTOGRADE_PREPROCESSORS``); the
kernel client (``autograder.sandbox.client``) refuses single messages past a size too.
"""

from __future__ import annotations

import json
from typing import Any

import nbformat
from nbgrader.preprocessors import Execute
from traitlets import Integer

from autograder.textcap import TRUNCATED, cap, cap_lines


def size_of(content: Any) -> int:
    """About how many bytes an output's content takes in the notebook."""
    return len(json.dumps(content, default=str))


class CappedExecute(Execute):
    """``Execute`` that stops recording a cell's outputs past a size."""

    cell_output_bytes = Integer(1 << 20, help="bytes of output kept per cell").tag(config=True)
    notebook_output_bytes = Integer(16 << 20, help="bytes of output kept per notebook").tag(
        config=True)

    def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> Any:
        self._spent: dict[int, int] = {}
        self._total = 0
        return super().preprocess(nb, resources, km)

    def output(self, outs: list, msg: dict[str, Any], display_id: str | None,
               cell_index: int) -> Any:
        spent = self._spent.get(cell_index, 0)
        if spent < 0:  # this cell's outputs were cut already
            return None
        size = size_of(msg.get("content", {}))
        if spent + size > self.cell_output_bytes or self._total + size > \
                self.notebook_output_bytes:
            self._spent[cell_index] = -1
            note = nbformat.v4.new_output(
                "stream", name="stdout",
                text=f"\n{TRUNCATED.strip()}: this cell's output went past "
                     f"{self.cell_output_bytes >> 10} KiB (or the notebook's past "
                     f"{self.notebook_output_bytes >> 20} MiB); the rest is not kept\n")
            outs.append(note)
            return note
        self._spent[cell_index] = spent + size
        self._total += size
        return super().output(outs, msg, display_id, cell_index)

    def on_cell_executed(self, **kwargs: Any) -> None:
        """nbgrader adds the execute reply's error to the cell when no output recorded it
        (as when ours was cut): keep that one short too."""
        super().on_cell_executed(**kwargs)
        for out in kwargs["cell"].outputs:
            if out.get("output_type") == "error":
                out["ename"] = cap(out.get("ename", ""), 200)
                out["evalue"] = cap(out.get("evalue", ""), 4000)
                out["traceback"] = cap_lines(out.get("traceback", []), count=60, width=4000)
