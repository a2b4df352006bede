"""Tests of utils.submit.pdf: headings matched to Chromium's outline entries."""

from __future__ import annotations

from utils.submit.pdf import heading_pages


def test_equal_counts_match_one_to_one():
    """With as many outline entries as headings, is each heading given its entry's page?"""
    headings = [(1, "Intro"), (2, "Part A"), (3, "Detail"), (2, "Part B")]
    outline = [("Intro", 0), ("Part A", 0), ("Detail", 1), ("Part B", 2)]
    assert heading_pages(headings, outline) == [
        (level, text, page) for (level, text), (_, page) in zip(headings, outline, strict=True)]


def test_different_counts_match_by_title_in_order():
    """When counts differ, are headings matched by title, in order, skipping unknown ones?"""
    headings = [(1, "Intro"), (2, "Missing"), (2, "Part  B")]
    outline = [("Intro", 0), ("Extra", 1), ("More", 2), ("part b", 3)]
    assert heading_pages(headings, outline) == [(1, "Intro", 0), (2, "Part  B", 3)]
