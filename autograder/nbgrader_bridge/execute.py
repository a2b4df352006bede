"""nbgrader's ``Execute`` preprocessor with a bound on what a notebook's outputs may hold
(``autograder.nbgrader_bridge.outputs``), for ``course autograde --execute``: each output is
admitted as the kernel sends it, and the error nbgrader copies from a failed cell's reply
is cut too. The kernel client (``autograder.nbgrader_bridge.client``) refuses single messages past
a size as well."""

from __future__ import annotations

from typing import Any

from nbgrader.preprocessors import Execute

from autograder.nbgrader_bridge.outputs import OutputBudget, short_error


class CappedExecute(Execute):
    """``Execute`` that stops recording a cell's outputs past a size."""

    def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> Any:
        self.budget = OutputBudget()
        return super().preprocess(nb, resources, km)

    def output(self, outs: list, msg: dict[str, Any], display_id: str | None,
               cell_index: int) -> Any:
        verdict = self.budget.admit(cell_index, msg.get("content", {}))
        if verdict is True:
            return super().output(outs, msg, display_id, cell_index)
        if verdict is not False:
            outs.append(verdict)
            return verdict
        return None

    def on_cell_executed(self, **kwargs: Any) -> None:
        super().on_cell_executed(**kwargs)
        for out in kwargs["cell"].outputs:
            short_error(out)
