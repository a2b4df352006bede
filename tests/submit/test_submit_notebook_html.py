"""Tests of utils.submit.notebook_html: offline, print-ready HTML from nbconvert."""

from __future__ import annotations

import re
from pathlib import Path

from nbformat.v4 import new_markdown_cell
from submit_fixtures import GD_CELLS, SOFTMAX_CELLS, make_notebook

from utils.submit.notebook_html import notebook_to_html

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
