"""The feedback exporter renders the same page as nbconvert's HTMLExporter."""

from __future__ import annotations

import base64
import copy
import io

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from PIL import Image
from traitlets.config import Config

from autograder.nbgrader_bridge.feedback_html import FeedbackHTMLExporter
from utils.lean_html import MISSING_ALT, add_missing_alt


def png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (3, 2), "red").save(out, format="png")
    return base64.b64encode(out.getvalue()).decode()


def notebook() -> nbformat.NotebookNode:
    image = new_output("display_data", data={"image/png": png(), "text/plain": "<Figure>"})
    html = new_output("display_data", data={
        "text/html": '<img src="x.png" alt="kept"><script>var s = "<img src=y>";</script>'})
    return new_notebook(cells=[
        new_markdown_cell("# Title\n\nSome *text* and $x^2$ <img src='a.png'>"),
        new_code_cell("plot()", outputs=[image, html], execution_count=1),
        new_code_cell("print('<img>')", execution_count=2, outputs=[
            new_output("stream", name="stdout", text="<img> is not a tag here\n")]),
    ], metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3"}})


def tree(html: str) -> list:
    soup = BeautifulSoup(html, features="html.parser")
    return [(tag.name, sorted((k, str(v)) for k, v in tag.attrs.items()), tag.string)
            for tag in soup.find_all(True)]


@pytest.mark.parametrize("template", ["classic", "lab"])
def test_same_page_as_nbconvert(template):
    config = Config()
    config.HTMLExporter.template_name = template
    nb = notebook()
    ours, _ = FeedbackHTMLExporter(config=config).from_notebook_node(copy.deepcopy(nb))
    theirs, _ = HTMLExporter(config=config).from_notebook_node(copy.deepcopy(nb))
    assert tree(ours) == tree(theirs)
    images = BeautifulSoup(ours, features="html.parser").find_all("img")
    assert len(images) == 3
    assert [img["alt"] for img in images] == [MISSING_ALT, MISSING_ALT, "kept"]


def test_alt_is_added_only_to_tags_outside_raw_text():
    html = ('<p><IMG src=a></p><img alt="x" src=b><style>i::after{content:"<img"}</style>'
            '<img\nsrc=c><script>"<img src=d>"</script>')
    fixed, count = add_missing_alt(html)
    assert count == 2
    assert fixed == html.replace("<IMG src", f'<img alt="{MISSING_ALT}" src').replace(
        "<img\nsrc", f'<img alt="{MISSING_ALT}"\nsrc')


def test_a_class_of_notebooks_highlights_each_cell_once(monkeypatch):
    """Across the notebooks of one run (one exporter), is each distinct code cell
    highlighted once, and is every page still nbconvert's, a student's own answer and a
    %%bash cell included?"""
    def student_notebook(student: int) -> nbformat.NotebookNode:
        nb = notebook()
        nb.cells.append(new_code_cell("%%bash\necho hi", execution_count=3))
        nb.cells.append(new_code_cell(f"answer = {student}", execution_count=4))
        return nb

    notebooks = [student_notebook(s) for s in range(3)]
    config = Config()
    config.HTMLExporter.template_name = "classic"  # what nbgrader's feedback extends
    theirs = [HTMLExporter(config=config).from_notebook_node(copy.deepcopy(nb))[0]
              for nb in notebooks]
    highlighted = []
    highlight = Highlight2HTML.__call__

    def counted(self, source, language=None, metadata=None):
        highlighted.append(source)
        return highlight(self, source, language, metadata)

    monkeypatch.setattr(Highlight2HTML, "__call__", counted)
    exporter = FeedbackHTMLExporter(config=config)
    ours = [exporter.from_notebook_node(copy.deepcopy(nb))[0] for nb in notebooks]
    assert [tree(page) for page in ours] == [tree(page) for page in theirs]
    # the first page's four code cells, then each other student's own answer
    assert highlighted == ["plot()", "print('<img>')", "%%bash\necho hi", "answer = 0",
                           "answer = 1", "answer = 2"]
