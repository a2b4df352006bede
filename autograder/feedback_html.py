"""The HTML exporter of ``course autograde``'s feedback: nbconvert's, without its
BeautifulSoup pass, highlighting each distinct code cell once.

After rendering, nbconvert's HTMLExporter parses the whole page with BeautifulSoup's
pure-Python parser to give images an ``alt`` text and to make lab-template cells
focusable, then serializes it again: ~0.19 s of a ~0.34 s notebook. nbgrader's feedback
template extends the classic template, which has no lab cells, so only the ``alt`` text
remains to add, and a pattern does that on the rendered page. A page from a lab template
goes through nbconvert's own pass.

Syntax highlighting (pygments) took another ~0.1 s of each notebook; yet the students of a
class hand in the same code cells but for their answers (graded code lives in ``.py``
files), so the exporter, one per nbgrader run, highlights each distinct cell once.
"""

from __future__ import annotations

import re
from typing import Any

from nbconvert.exporters import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbformat import NotebookNode

MISSING_ALT = "No description has been provided for this image"
LAB_MARKER = "jp-Notebook"
# script and style bodies are raw text: an "<img" inside them is not a tag
RAW_TEXT = re.compile(r"(<(script|style)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\salt\s*=)", re.IGNORECASE)


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


def add_missing_alt(html: str) -> tuple[str, int]:
    """``html`` with an ``alt`` text on each ``<img>`` tag that has none, and how many."""
    parts = RAW_TEXT.split(html)
    count = 0
    out = []
    # split() with two groups yields: text, whole raw block, its tag name, text, ...
    for i in range(0, len(parts), 3):
        fixed, n = IMG_WITHOUT_ALT.subn(f'<img alt="{MISSING_ALT}"', parts[i])
        count += n
        out.append(fixed)
        if i + 1 < len(parts):
            out.append(parts[i + 1])
    return "".join(out), count


class FeedbackHTMLExporter(HTMLExporter):
    """HTMLExporter (same config, templates and filters) whose post-processing is a
    pattern instead of a parse and re-serialization of the page."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._highlighters: dict[str | None, HighlightOnce] = {}

    def _highlighter(self, lexer: str | None) -> Any:
        """The configured ``highlight_code`` filter, else this exporter's HighlightOnce for
        the notebook's lexer (kept from one notebook to the next)."""
        configured = self.filters.get("highlight_code")
        if configured is not None:
            return configured
        if lexer not in self._highlighters:
            self._highlighters[lexer] = HighlightOnce(pygments_lexer=lexer, parent=self)
        return self._highlighters[lexer]

    def from_notebook_node(  # type: ignore[override]
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name"))
        self.register_filter("highlight_code", self._highlighter(lexer))
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        if LAB_MARKER in html:
            return super().from_notebook_node(nb, resources, **kw)
        html, missing = add_missing_alt(html)
        if missing:
            self.log.warning("Alternative text is missing on %s image(s).", missing)
        return html, resources
