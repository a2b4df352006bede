"""Turn a saved notebook into print-ready HTML with nbconvert.

The stock JupyterLab page (template ``lab``) with these changes: MathJax comes from the
local ``jupyter-server-mathjax`` copy (served by ``DocumentServer``) with all four math
delimiters enabled; Markdown math is protected from the Markdown step (``mathmask``); code
cells wrap long lines at token boundaries with a continuation mark (``code_html``) and a
print style sheet wraps wide outputs; and two steps that cost time
without changing the printed page are left out: cleaning pygments' own markup of each code
cell with bleach (~0.2 s a notebook; Markdown and HTML outputs are still cleaned) and
nbconvert's BeautifulSoup pass (``utils.lean_html``). Nothing is fetched from the web.
"""

from __future__ import annotations

import copy
import functools
import logging
import threading
import uuid
import warnings
from collections.abc import Collection
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat
from jinja2 import pass_context
from nbconvert.filters.highlight import Highlight2HTML

from utils.lean_html import LeanHTMLExporter
from utils.submit.code_html import cell_code_html
from utils.submit.mathmask import mask_math, unmask_math

# nbconvert logs accessibility hints (missing alt text) that mean nothing to a student.
_QUIET = logging.getLogger("utils.submit.nbconvert")
_QUIET.setLevel(logging.ERROR)


def load_notebook(path: Path) -> nbformat.NotebookNode:
    """The saved notebook as nbformat 4; ``ValueError`` names the file when it cannot be read."""
    try:
        with warnings.catch_warnings():  # e.g. missing cell ids in old notebooks: harmless
            warnings.simplefilter("ignore")
            return nbformat.read(path, as_version=4)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path.name} cannot be read as a notebook ({exc}). Open it in "
                         "Jupyter and save it again.") from None


def _package_text(name: str) -> str:
    return resources.files("utils.submit").joinpath(name).read_text("utf-8")


_PYTHON_LEXERS = {"ipython3": "IPython3Lexer", "ipython": "IPython3Lexer", "python": None,
                  "python3": None}


@functools.lru_cache(maxsize=2)
def _lexer(name: str | None) -> Any:
    """IPython's lexer (magics, shell escapes) or None for Pygments' Python lexer; one
    instance serves every cell."""
    if name is None:
        return None
    from IPython.lib.lexers import IPython3Lexer

    return IPython3Lexer()


class WrappingHighlighter(Highlight2HTML):
    """nbconvert's ``highlight_code`` filter for Python cells, with long lines wrapped at
    token boundaries and marked (``code_html.cell_code_html``); other languages and cell
    magics are highlighted as nbconvert does."""

    def __call__(self, source: str, language: str | None = None,
                 metadata: Any = None) -> str:
        language = language or self.pygments_lexer
        if language not in _PYTHON_LEXERS or (metadata and "magics_language" in metadata):
            return super().__call__(source, language, metadata)
        return cell_code_html(source if source else " ", _lexer(_PYTHON_LEXERS[language]))


class PrintHTMLExporter(LeanHTMLExporter):
    """The lean ``HTMLExporter`` whose Markdown filter keeps math intact for MathJax and
    whose code cells wrap long lines at token boundaries."""

    def highlighter(self, lexer: str | None) -> Any:
        return WrappingHighlighter(pygments_lexer=lexer, parent=self)

    @pass_context
    def markdown2html(self, context: Any, source: str) -> str:
        masked, maths = mask_math(source)
        return unmask_math(super().markdown2html(context, masked), maths)


_EXPORTER_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _exporter() -> PrintHTMLExporter:
    """One exporter per process: it compiles its templates once (~0.25 s)."""
    return PrintHTMLExporter(template_name="lab", raw_template=_package_text("notebook.tpl"),
                             embed_images=True, exclude_anchor_links=True, log=_QUIET)


def with_cell_ids(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` when every cell has an id, else a copy whose cells all have one (old
    notebooks may lack them)."""
    if all(cell.get("id") for cell in nb.cells):
        return nb
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if not cell.get("id"):
            cell["id"] = uuid.uuid4().hex[:8]
    return nb


def notebook_to_html(nb: nbformat.NotebookNode, notebook_path: Path, mathjax_url: str,
                     title: str | None = None,
                     hide: Collection[str] = ()) -> tuple[str, dict[str, int]]:
    """Print-ready HTML for ``nb`` and the map cell id -> 1-based cell position.

    ``notebook_path`` locates images a Markdown cell links to (embedded into the page);
    ``mathjax_url`` is the local MathJax (``DocumentServer.mathjax_url``); cells whose id
    is in ``hide`` (the export cell) are left out of the page but keep their position.
    """
    nb = with_cell_ids(nb)
    positions = {cell["id"]: index for index, cell in enumerate(nb.cells, start=1)}
    shown = nbformat.NotebookNode(nb)  # a shallow copy: the cells themselves are not changed
    shown.cells = [cell for cell in nb.cells if cell["id"] not in hide]
    if title:
        shown.metadata = nbformat.NotebookNode({**nb.metadata, "title": title})
    res = {"metadata": {"path": str(notebook_path.parent), "name": notebook_path.stem},
           "nndl_print_css": _package_text("notebook_print.css")}
    with _EXPORTER_LOCK:  # one conversion at a time: the exporter is shared
        exporter = _exporter()
        exporter.mathjax_url = mathjax_url
        body, _ = exporter.from_notebook_node(shown, resources=res)
    return body, positions
