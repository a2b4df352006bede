"""Where a wrapped code line was cut, judged by Python's own tokens.

A cut is at a token boundary when no token spans it, or when it falls inside a string or
comment right after a space. ``bad_cuts`` lists the cuts of a line's printed rows that are
neither; the one exception a wrapper may take is a token that alone fills a whole row.
"""

from __future__ import annotations

import io
import tokenize

WORDS = {tokenize.STRING, tokenize.COMMENT}
WORDS |= {getattr(tokenize, "FSTRING_MIDDLE", -1), getattr(tokenize, "TSTRING_MIDDLE", -1)}


def token_spans(lines: list[str]) -> list[list[tuple[int, int, int]]]:
    """Per line, ``(start, end, type)`` of the tokens on it (a token over several lines
    appears on each, clipped to the line)."""
    spans: list[list[tuple[int, int, int]]] = [[] for _ in lines]
    readline = io.StringIO("".join(line + "\n" for line in lines)).readline
    for tok in tokenize.generate_tokens(readline):
        (row0, col0), (row1, col1) = tok.start, tok.end
        for row in range(row0, min(row1, len(lines)) + 1):
            start = col0 if row == row0 else 0
            end = col1 if row == row1 else len(lines[row - 1])
            spans[row - 1].append((start, end, tok.type))
    return spans


def cut_offsets(line: str, rows: list[str]) -> list[int]:
    """The offsets in ``line`` where each row after the first starts. Whitespace is not
    compared (a PDF's text layer does not keep runs of spaces); every other character of
    the line must be in the rows, in order, once."""
    chars = [(i, c) for i, c in enumerate(line) if not c.isspace()]
    position, cuts = 0, []
    for row in rows:
        row_chars = [c for c in row if not c.isspace()]
        if not row_chars:
            continue
        found = [c for _, c in chars[position:position + len(row_chars)]]
        assert found == row_chars, (line, rows, row)
        if position:
            cuts.append(chars[position][0])
        position += len(row_chars)
    assert position == len(chars), (line, rows)
    return cuts


def bad_cuts(line: str, spans: list[tuple[int, int, int]], cuts: list[int]) -> list[str]:
    """The cuts of ``line`` that split a token although the row before the cut holds more
    than that token (a token that alone fills a row may be cut: nothing else fits)."""
    bad = []
    for index, cut in enumerate(cuts):
        row_start = cuts[index - 1] if index else 0
        content = row_start + len(line[row_start:cut]) - len(line[row_start:cut].lstrip())
        for start, end, kind in spans:
            if not start < cut < end or start <= content:
                continue
            if kind in WORDS and line[cut - 1] == " ":
                continue
            bad.append(f"{line[start:cut]!r} | {line[cut:end]!r}")
    return bad
