"""Tests of utils.submit.code_html: every source line printed once, numbered."""

from __future__ import annotations

import html
import re

from submit_fixtures import FEATURES_PY, GD_PY, SOFTMAX_PY

from utils.submit.code_html import code_to_html, highlighted_lines


def plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_highlighting_keeps_every_character_line_by_line():
    """Does stripping the highlight spans give back exactly the source lines?"""
    for source in (SOFTMAX_PY, GD_PY, FEATURES_PY, 'x = """a\n<b> & c"""\n\tif x:\n'):
        expanded = source.expandtabs(4)
        assert [plain(line) for line in highlighted_lines(expanded)] \
            == expanded.splitlines()


def test_page_numbers_every_line_beside_its_code():
    """Does the page have one numbered row per line, with the file name as its title?"""
    page = code_to_html(SOFTMAX_PY, "softmax.py")
    numbers = [int(n) for n in re.findall(r'<td class="ln">(\d+)</td>', page)]
    assert numbers == list(range(1, len(SOFTMAX_PY.splitlines()) + 1))
    assert '<div class="file-title">softmax.py' in page
    assert "white-space: pre-wrap" in page
