"""Tests of utils.submit.notebook_html: offline, print-ready HTML from nbconvert."""

from __future__ import annotations

import base64
import copy
import io
import re
from pathlib import Path

from bs4 import BeautifulSoup
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output
from PIL import Image
from submit_fixtures import GD_CELLS, SOFTMAX_CELLS, make_notebook

from utils.lean_html import MISSING_ALT
from utils.submit.notebook_html import (
    PrintHTMLExporter,
    WrappingHighlighter,
    _package_text,
    notebook_to_html,
)

MATHJAX = "http://127.0.0.1:9/mathjax/MathJax.js?config=X"


def test_page_loads_nothing_from_the_web(tmp_path: Path):
    """Does the page reference no web resource but the local MathJax, even with widgets?"""
    nb = make_notebook(SOFTMAX_CELLS)
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    page, _ = notebook_to_html(nb, tmp_path / "softmax.ipynb", MATHJAX)
    urls = set(re.findall(r'(?:src|href)="([a-z]+://[^"]+)"', page))
    assert urls == {MATHJAX}


def test_latex_delimiters_reach_mathjax(tmp_path: Path):
    """Do \\( \\) and \\[ \\] (and subscripts inside) reach the page unmangled?"""
    nb = make_notebook(GD_CELLS)
    page, _ = notebook_to_html(nb, tmp_path / "gd.ipynb", MATHJAX)
    assert "\\(x_{k+1} = x_k - \\eta \\nabla f(x_k)\\)" in page
    assert "\\[ \\lVert x_{k+1} - x_k \\rVert &lt; \\varepsilon \\]" in page


def test_cell_positions_map_every_cell(tmp_path: Path):
    """Is every cell id mapped to its 1-based position, even for cells without an id?"""
    nb = make_notebook(GD_CELLS)
    nb.cells.append(new_markdown_cell("last"))
    del nb.cells[-1]["id"]
    page, positions = notebook_to_html(nb, tmp_path / "gd.ipynb", MATHJAX)
    assert sorted(positions.values()) == list(range(1, len(nb.cells) + 1))
    assert all(f'id="cell-id={cell_id}"' in page for cell_id in positions)
    assert "white-space: pre-wrap !important" in page


class _StockPrintExporter(PrintHTMLExporter):
    """The print exporter as nbconvert would run it: bleach on every code cell's markup
    (the template without our ``input`` block) and the BeautifulSoup pass. Its code cells
    are wrapped by the same highlighter as ours (given as the ``highlight_code`` filter)."""

    from_notebook_node = HTMLExporter.from_notebook_node


def _tags(html: str) -> list:
    """Every tag: name, attributes (but tabindex, which only the stock pass adds), text."""
    soup = BeautifulSoup(html, features="html.parser")
    return [(tag.name, sorted((k, str(v)) for k, v in tag.attrs.items() if k != "tabindex"),
             tag.string) for tag in soup.find_all(True)]


def test_page_is_the_one_nbconvert_would_make(tmp_path: Path):
    """Without bleach on pygments' markup and without the BeautifulSoup pass, is the page
    the same tag for tag, markup typed into a code cell shown as text, and every image given
    an alt text?"""
    out = io.BytesIO()
    Image.new("RGB", (3, 2), "red").save(out, format="png")
    figure = new_output("display_data", data={
        "image/png": base64.b64encode(out.getvalue()).decode(), "text/plain": "<Figure>"})
    nb = make_notebook(SOFTMAX_CELLS)
    nb.cells += [new_code_cell("html = '<script>alert(1)</script><img src=x onerror=f()>'\n"
                               "x < y and y & z", execution_count=1, outputs=[figure]),
                 new_markdown_cell("An image: <img src='a.png'>")]
    template = _package_text("notebook.tpl")
    stock_template = re.sub(r"\{% block input %\}.*?\{%- endblock input %\}", "", template,
                            flags=re.DOTALL)
    assert stock_template != template
    stock = _StockPrintExporter(template_name="lab", raw_template=stock_template,
                                embed_images=True, exclude_anchor_links=True,
                                filters={"highlight_code": WrappingHighlighter(
                                    pygments_lexer="ipython3")})
    stock.mathjax_url = MATHJAX
    resources = {"metadata": {"path": str(tmp_path), "name": "nb"},
                 "nndl_print_css": _package_text("notebook_print.css")}
    theirs, _ = stock.from_notebook_node(copy.deepcopy(nb), resources=dict(resources))
    ours, _ = notebook_to_html(nb, tmp_path / "nb.ipynb", MATHJAX)
    assert _tags(ours) == _tags(theirs)
    assert "<script>alert(1)" not in ours and "&lt;script&gt;" in ours
    images = BeautifulSoup(ours, features="html.parser").find_all("img")
    assert len(images) == 2 and all(img["alt"] == MISSING_ALT for img in images)
