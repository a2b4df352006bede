"""Tests of utils.submit.code_wrap and the code pages: long lines wrapped between tokens,
each continuation marked, the line numbers those of the file."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from wrap_check import bad_cuts, cut_offsets, token_spans

from utils.submit.code_html import FILE_COLUMNS, cell_code_html, code_to_html
from utils.submit.code_wrap import CONT_MARK, HANG, wrapped_lines

ROOT = Path(__file__).resolve().parents[2]
COURSE_CODE = sorted([*ROOT.glob("source/*/*.py"), *ROOT.glob("utils/**/*.py"),
                      *ROOT.glob("assignments/*/suite/*.py")])
TOL_LINE = ("    x_min, history = gradient_descent(quadratic, x0, learning_rate=0.1, "
            "tol=1e-8, max_iters=10_000, verbose=False)  # converges in 90 steps")


def plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.mark.parametrize("width", [36, 60, FILE_COLUMNS])
def test_course_code_wraps_only_between_tokens(width: int):
    """Is every line of the course's own code, wrapped at this width, cut only between
    two tokens (or after a space in a string or comment), every character kept?"""
    assert COURSE_CODE
    problems = []
    for path in COURSE_CODE:
        source = path.read_text(encoding="utf-8").expandtabs(4)
        lines = source.splitlines()
        spans = token_spans(lines)
        for number, rows in enumerate(wrapped_lines(source, width), start=1):
            line = lines[number - 1]
            texts = [row.text for row in rows]
            assert all(row.indent + len(row.text) <= width for row in rows), (path, number)
            cuts = cut_offsets(line, texts)
            problems += [f"{path.relative_to(ROOT)}:{number}: {bad}"
                         for bad in bad_cuts(line, spans[number - 1], cuts)]
    assert not problems, problems[:20]


@pytest.mark.parametrize("width", range(40, 100, 3))
def test_numbers_and_names_stay_whole(width: int):
    """Whatever the width, is ``tol=1e-8`` never printed as ``tol=1e-`` / ``8``, and does
    every row but the first start with the line's indentation plus a hang?"""
    (rows,) = wrapped_lines(TOL_LINE.strip("\n"), width)
    texts = [row.text for row in rows]
    assert len(rows) > 1
    assert any("tol=1e-8" in text for text in texts), texts
    assert not any(text.endswith(("1e-", "1e", "gradient_", "learning_")) for text in texts)
    assert [row.continued for row in rows] == [False] + [True] * (len(rows) - 1)
    assert all(row.indent == 4 + HANG for row in rows[1:])


def test_code_page_marks_continuations_and_keeps_file_numbers():
    """On a module's page, does each continuation row carry the mark instead of a number,
    and do the numbers run 1..n as in the file?"""
    source = f"import numpy as np\n\n\ndef run(quadratic, x0):\n{TOL_LINE}\n    return x_min\n"
    page = code_to_html(source, "run.py", columns=60)
    marks = re.findall(r'<td class="ln( cont)?">([^<]*)</td>', page)
    numbers = [int(text) for cont, text in marks if not cont]
    assert numbers == list(range(1, source.count("\n") + 1))
    continued = [text for cont, text in marks if cont]
    assert continued and set(continued) == {CONT_MARK}
    assert "tol=1e-8" in plain(page)


def test_notebook_cell_marks_continuations():
    """In a notebook cell, does a wrapped line's continuation start with the mark, and do
    the rows without the mark give back the line?"""
    block = plain(cell_code_html(TOL_LINE.strip(), columns=50))
    rows = block.strip("\n").split("\n")
    assert len(rows) > 1 and all(row.lstrip().startswith(CONT_MARK) for row in rows[1:])
    joined = " ".join(row.strip().removeprefix(CONT_MARK).strip() for row in rows)
    assert re.sub(r"\s+", "", joined) == re.sub(r"\s+", "", TOL_LINE)
