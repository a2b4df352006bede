"""nbconvert's ``HTMLExporter`` without its BeautifulSoup pass.

After rendering the template, nbconvert's HTMLExporter parses the whole page with
BeautifulSoup's pure-Python parser, gives each ``<img>`` without one an ``alt`` text, makes
lab-template cells focusable (``tabindex``) and serializes the page again: ~0.19 s of a
~0.34 s notebook, and ~0.4 s of a long executed one. ``LeanHTMLExporter`` renders the same
template with the same filters and adds the ``alt`` texts with a pattern. Focusable cells
matter in a browser, not in a PDF or a feedback page built on the classic template; the
course's feedback exporter hands lab pages to nbconvert's own pass
(``autograder.nbgrader_bridge.feedback_html``).
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
# script and style bodies are raw text: an "<img" inside them is not a tag
RAW_TEXT = re.compile(r"(<(script|style)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\salt\s*=)", re.IGNORECASE)


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


class LeanHTMLExporter(HTMLExporter):
    """HTMLExporter (same config, templates and filters) whose post-processing is a
    pattern instead of a parse and re-serialization of the page."""

    def highlighter(self, lexer: str | None) -> Any:
        """The ``highlight_code`` filter for a notebook in ``lexer``: the configured one,
        else nbconvert's default (a subclass may keep one from notebook to notebook)."""
        return self.filters.get("highlight_code") or Highlight2HTML(pygments_lexer=lexer,
                                                                   parent=self)

    def render_page(self, nb: NotebookNode, resources: dict[str, Any] | None = None,
                    **kw: Any) -> tuple[str, dict[str, Any]]:
        """The rendered template, with the filters nbconvert's HTMLExporter registers."""
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name"))
        self.register_filter("highlight_code", self.highlighter(lexer))
        # course notebooks hold no widget state, which is what the filter looks up there
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata={}, parent=self, resources=resources or {}))
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    def from_notebook_node(  # type: ignore[override]
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        html, resources = self.render_page(nb, resources, **kw)
        return self.add_alt_texts(html), resources

    def add_alt_texts(self, html: str) -> str:
        """``add_missing_alt``, logging how many images had no ``alt`` as nbconvert does."""
        html, missing = add_missing_alt(html)
        if missing:
            self.log.warning("Alternative text is missing on %s image(s).", missing)
        return html
