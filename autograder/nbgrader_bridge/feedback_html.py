"""The HTML exporter of ``course autograde``'s feedback: nbconvert's, without its
BeautifulSoup pass (``utils.lean_html``), highlighting each distinct code cell once.

nbgrader's feedback template extends the classic template, which has no lab cells, so
the ``alt`` texts the lean exporter adds are all that nbconvert's pass would change. A page
from a lab template goes through nbconvert's own pass (it also makes cells focusable).

Syntax highlighting (pygments) took another ~0.1 s of each notebook; yet the students of a
class hand in the same code cells but for their answers (graded code lives in ``.py``
files), so the exporter, one per nbgrader run, highlights each distinct cell once.
"""

from __future__ import annotations

from typing import Any

from nbconvert.exporters import HTMLExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbformat import NotebookNode

from utils.lean_html import LeanHTMLExporter

LAB_MARKER = "jp-Notebook"


class HighlightOnce(Highlight2HTML):
    """nbconvert's ``highlight_code`` filter, remembering what it highlighted."""

    MAX_CELLS = 5_000

    def __init__(self, pygments_lexer: str | None = None, **kwargs: Any) -> None:
        super().__init__(pygments_lexer=pygments_lexer, **kwargs)
        self._done: dict[tuple[str, str, str], str] = {}

    def __call__(self, source: str, language: str | None = None,
                 metadata: dict[str, Any] | None = None) -> str:
        # what nbconvert's highlighting reads: the source, the language, and for IPython
        # cells the language of a cell magic such as %%bash
        key = (source, language or self.pygments_lexer,
               str((metadata or {}).get("magics_language", "")))
        html = self._done.get(key)
        if html is None:
            if len(self._done) >= self.MAX_CELLS:
                self._done.clear()
            html = self._done[key] = super().__call__(source, language, metadata)
        return html


class FeedbackHTMLExporter(LeanHTMLExporter):
    """The lean exporter with one ``HighlightOnce`` per lexer, kept from one notebook to
    the next; lab pages get nbconvert's own post-processing."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._highlighters: dict[str | None, HighlightOnce] = {}

    def highlighter(self, lexer: str | None) -> Any:
        """The configured ``highlight_code`` filter, else this exporter's HighlightOnce for
        the notebook's lexer."""
        configured = self.filters.get("highlight_code")
        if configured is not None:
            return configured
        if lexer not in self._highlighters:
            self._highlighters[lexer] = HighlightOnce(pygments_lexer=lexer, parent=self)
        return self._highlighters[lexer]

    def from_notebook_node(  # type: ignore[override]
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        html, resources = self.render_page(nb, resources, **kw)
        if LAB_MARKER in html:
            return HTMLExporter.from_notebook_node(self, nb, resources, **kw)
        return self.add_alt_texts(html), resources
