"""Tests of utils.submit.mathmask: math survives the Markdown step untouched."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from utils.submit.mathmask import mask_math, unmask_math

MATH_CASES = [
    (r"The gradient $\nabla_W L$ here", [r"$\nabla_W L$"]),
    ("Display:\n\n$$L = \\frac{1}{N}\\sum_i \\ell_i$$\n", [r"$$L = \frac{1}{N}\sum_i \ell_i$$"]),
    (r"Inline \(p_i = \sigma(s)_i\) and more", [r"\(p_i = \sigma(s)_i\)"]),
    ("Block\n\n\\[ \\frac{\\partial L}{\\partial W} \\]\n",
     [r"\[ \frac{\partial L}{\partial W} \]"]),
    (r"\begin{align} a &= b \\ c &= d \end{align} after",
     [r"\begin{align} a &= b \\ c &= d \end{align}"]),
    (r"costs \$5 and \(x_1\)", [r"\$", r"\(x_1\)"]),
    ("two $a_1$ and $b_2$", ["$a_1$", "$b_2$"]),
]
NOT_MATH_CASES = [
    r"in code `\(x\)` and `$y$`",
    "```\n\\(x\\) and $y$\n```\n",
    r"unbalanced \(x without an end",
    "a single $5 dollar",
    "a $ split by\n\na blank line $",
]


@pytest.mark.parametrize(("markdown", "expected"), MATH_CASES)
def test_math_regions_are_masked(markdown, expected):
    """Is every math region, in any of the four delimiters, swapped for a placeholder?"""
    masked, maths = mask_math(markdown)
    assert maths == expected
    for piece in expected:
        assert piece not in masked


@pytest.mark.parametrize("markdown", NOT_MATH_CASES)
def test_code_and_unbalanced_delimiters_are_left_alone(markdown):
    """Are code spans, fenced code and unbalanced delimiters kept as written?"""
    masked, maths = mask_math(markdown)
    assert maths == []
    assert masked == markdown


@pytest.mark.parametrize(("markdown", "expected"), MATH_CASES)
def test_unmask_restores_escaped_math(markdown, expected):
    """Does unmasking put each piece back, HTML-escaped, where its placeholder was?"""
    masked, maths = mask_math(markdown)
    restored = unmask_math(masked, maths)
    assert html.unescape(restored) == markdown
    assert "&" not in markdown or "&amp;" in restored


@given(st.text(alphabet=st.sampled_from(list("ab $\\()[]`_\n{}")), max_size=60))
def test_mask_then_unmask_is_identity(markdown):
    """Does unmasking undo masking for any text (up to HTML escaping of the math)?"""
    masked, maths = mask_math(markdown)
    restored = unmask_math(masked, maths)
    expected = masked
    for index, piece in enumerate(maths):
        expected = expected.replace(f"nndlmath{index}x", html.escape(piece, quote=True), 1)
    assert restored == expected
    assert html.unescape(restored) == markdown
