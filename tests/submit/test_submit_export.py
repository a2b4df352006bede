"""End-to-end exports with the real Chromium, real nbconvert and notebooks run for real."""

from __future__ import annotations

import shutil
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader
from submit_fixtures import (
    ARTIFACTS,
    ASSIGNMENT,
    ERROR_NOTEBOOK,
    GD_CELLS,
    GD_PY,
    LONG_LINE,
    LONG_MODULE_LINE,
    LONG_TAIL,
    MODULES,
    NOTEBOOKS,
    OUTPUT_MARKER,
    SOFTMAX_CELLS,
    TABLE_LAST_CELL,
    add_markdown_cell,
    copy_assignment,
    markdown_headings,
    outline_tree,
    page_texts,
    run_submit,
    squeeze,
)

from utils.submit import PreflightError, export_submission
from utils.submit.code_wrap import CONT_MARK
from utils.submit.export import COVER_LABEL
from utils.submit.preflight import stub_functions

pytestmark = pytest.mark.slow
# a bound that only a hang or a wait per page crosses: bench/bench_notebooks.py measures
# the export's time (target 10 s) on a quiet machine; here the other test worker shares
# the two cores
HANG_SECONDS = 60.0


@dataclass
class Export:
    folder: Path
    stdout: str
    stderr: str
    returncode: int
    seconds: float

    @property
    def pdf(self) -> Path:
        return self.folder / f"{ASSIGNMENT}_submission.pdf"

    @property
    def zip(self) -> Path:
        return self.folder / f"{ASSIGNMENT}_code.zip"


@pytest.fixture(scope="module")
def exported(built_assignment: Path, tmp_path_factory: pytest.TempPathFactory) -> Export:
    """The fixture assignment exported once through the command line."""
    folder = copy_assignment(built_assignment, tmp_path_factory.mktemp("export") / "hw0")
    started = time.perf_counter()
    proc = run_submit(str(folder))
    return Export(folder, proc.stdout, proc.stderr, proc.returncode,
                  time.perf_counter() - started)


def test_command_succeeds_and_reports_what_it_wrote(exported: Export):
    """Does the command exit 0 and print the PDF's pages and size and the zip's files?"""
    assert exported.returncode == 0, exported.stderr
    pages = len(page_texts(exported.pdf))
    assert f"Wrote {exported.pdf}: {pages} pages" in exported.stdout
    assert f"Wrote {exported.zip}: {len(MODULES + NOTEBOOKS + ARTIFACTS)} files" in exported.stdout
    assert ", ".join(MODULES + NOTEBOOKS + ARTIFACTS) in exported.stdout


def test_export_finishes_without_waiting(exported: Export):
    """Does a whole assignment (2 notebooks, 3 modules) export without hanging or waiting
    on any page (well within a minute)?"""
    assert exported.returncode == 0, exported.stderr
    assert exported.seconds < HANG_SECONDS


def test_pdf_holds_code_and_outputs(exported: Export):
    """Does the text layer hold the modules' code, the cells' code and their outputs?"""
    text = "\n".join(page_texts(exported.pdf))
    flat = squeeze(text)
    assert "def softmax_loss_naive(W, X, y, reg):" in text
    assert f"{OUTPUT_MARKER} {6 * 7}" in text
    assert TABLE_LAST_CELL in flat
    assert str(39 * 1001) in flat  # the last entry of the wide printed array


def test_plots_are_embedded(exported: Export):
    """Does each notebook's section hold its matplotlib plot as an image?"""
    reader = PdfReader(exported.pdf)
    tree = outline_tree(exported.pdf)
    starts = [page for _, page, _ in tree] + [len(reader.pages)]
    for index, (title, first, _) in enumerate(tree):
        if title in NOTEBOOKS:
            images = [image for page in reader.pages[first:starts[index + 1]]
                      for image in page.images]
            assert images, f"no image in {title}"


def test_long_lines_are_wrapped_not_clipped(exported: Export):
    """Is every character of the 300-character cell line and the long module line printed,
    the rows after the first marked as continuations?"""
    text = "\n".join(page_texts(exported.pdf))
    assert CONT_MARK in text
    flat = squeeze(text.replace(CONT_MARK, ""))
    assert len(LONG_LINE) == 300
    assert squeeze(LONG_LINE) in flat
    assert squeeze(LONG_MODULE_LINE) in flat
    assert LONG_TAIL in flat


def test_math_is_rendered(exported: Export):
    """Is no raw TeX left in the text layer, and do rendered symbols (nabla) appear?"""
    text = "\n".join(page_texts(exported.pdf))
    for raw in ("$\\nabla", "\\nabla", "\\frac", "\\(", "\\[", "$$"):
        assert raw not in text
    assert "\u2207" in text  # MathJax printed the nabla as a glyph


def test_outline_has_one_bookmark_per_file_with_headings(exported: Export):
    """Is there one top-level bookmark per file, with the notebooks' h1/h2 nested below?"""
    tree = outline_tree(exported.pdf)
    assert [title for title, _, _ in tree] == [COVER_LABEL, *NOTEBOOKS, *MODULES]
    for name, cells in zip(NOTEBOOKS, (SOFTMAX_CELLS, GD_CELLS), strict=True):
        _, _, children = next(item for item in tree if item[0] == name)
        headings = markdown_headings(cells)
        h1 = [text for level, text in headings if level == 1]
        h2 = [text for level, text in headings if level == 2]
        assert [title for title, _, _ in children] == h1
        assert [title for child in children for title, _, _ in child[2]] == h2


def test_code_pages_have_footers(exported: Export):
    """Does every page of a module carry the footer 'file — page X of Y'?"""
    texts = page_texts(exported.pdf)
    tree = outline_tree(exported.pdf)
    starts = [page for _, page, _ in tree] + [len(texts)]
    for index, (title, first, _) in enumerate(tree):
        if title in MODULES:
            count = starts[index + 1] - first
            for number in range(1, count + 1):
                assert f"{title} \u2014 page {number} of {count}" in texts[first + number - 1]


def test_cover_page_lists_files_and_stub_warning(exported: Export):
    """Does page 1 list the contents and stamp the module that still raises?"""
    cover = page_texts(exported.pdf)[0]
    (name, line), = stub_functions(GD_PY)
    assert all(file in cover for file in NOTEBOOKS + MODULES)
    assert squeeze(f"{name} (line {line}) still raises NotImplementedError") in squeeze(cover)


def test_zip_holds_exactly_the_submitted_files(exported: Export):
    """Does the zip hold exactly the modules, notebooks and artifacts, unchanged, at top level?"""
    with zipfile.ZipFile(exported.zip) as archive:
        assert archive.namelist() == MODULES + NOTEBOOKS + ARTIFACTS
        for name in archive.namelist():
            assert archive.read(name) == (exported.folder / name).read_bytes()


def test_no_partial_files_are_left(exported: Export):
    """Are the temporary files gone once the export has finished?"""
    assert not [p for p in exported.folder.iterdir() if p.suffix == ".partial"]


@pytest.mark.parametrize(("markdown", "expected"), [
    ("A broken formula: $\\nabla_W L without its closing dollar", "raw TeX left in the page"),
    ("An unknown command: $\\gradient W$", "Undefined control sequence \\gradient"),
    ("An open brace: \\(\\frac{1}{2\\)", "MathJax reports"),
])
def test_math_that_did_not_render_is_refused(assignment: Path, markdown: str, expected: str):
    """Is a notebook whose math does not render refused (exit 1) with nothing written?"""
    add_markdown_cell(assignment / NOTEBOOKS[0], markdown)
    position = len(nbformat.read(assignment / NOTEBOOKS[0], as_version=4).cells)
    proc = run_submit(str(assignment))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"{NOTEBOOKS[0]}, cell {position} (markdown" in proc.stderr
    assert "math did not render" in proc.stderr and expected in proc.stderr
    assert not [p for p in assignment.iterdir() if p.suffix in (".pdf", ".zip", ".partial")]


def test_force_exports_and_stamps_the_problems(assignment: Path, tmp_path: Path):
    """Does --force export despite a traceback and broken math, stamping both on page 1?"""
    shutil.copy(assignment / ERROR_NOTEBOOK, assignment / NOTEBOOKS[1])
    add_markdown_cell(assignment / NOTEBOOKS[0], "Broken: $\\nabla_W L")
    with pytest.raises(PreflightError, match="ZeroDivisionError"):
        export_submission(assignment, quiet=True)
    out = tmp_path / "out"
    proc = run_submit(str(assignment), "--force", "--no-zip", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == [f"{ASSIGNMENT}_submission.pdf"]
    texts = page_texts(out / f"{ASSIGNMENT}_submission.pdf")
    cover = squeeze(texts[0])
    assert squeeze("Exported with --force despite these problems") in cover
    assert squeeze("ZeroDivisionError: division by zero") in cover
    assert squeeze("math did not render") in cover
    assert any("ZeroDivisionError" in page for page in texts[1:])  # the traceback is printed


def test_answer_key_export(assignment: Path):
    """Does answer_key=True title page 1 'Answer key', name the PDF so and skip the zip?"""
    result = export_submission(assignment, answer_key=True, title_note="Reference run",
                               quiet=True)
    assert result.pdf_path == assignment / f"{ASSIGNMENT}_answer_key.pdf"
    assert result.zip_path is None and not (assignment / f"{ASSIGNMENT}_code.zip").exists()
    cover = page_texts(result.pdf_path)[0]
    assert "Answer key" in cover and "Reference run" in cover
    assert result.pages == len(page_texts(result.pdf_path))


def test_web_resources_are_blocked_and_named(assignment: Path):
    """Is an image from the web left out (the PDF is printed offline) and named in the
    warnings under the notebook that asked for it, while both notebooks' pages are open?"""
    url = "http://example.com/figure.png"
    add_markdown_cell(assignment / NOTEBOOKS[1], f'A picture from the web: <img src="{url}">')
    result = export_submission(assignment, quiet=True)
    blocked = [w for w in result.warnings if url in w]
    assert blocked == [f"{NOTEBOOKS[1]}: not loaded (the PDF is printed offline): {url}"]
    cover = squeeze(page_texts(result.pdf_path)[0])  # (the PDF's text has ligatures: "ﬁ")
    assert squeeze(f"{NOTEBOOKS[1]}: not loaded") in cover and "http://example.com/" in cover
