"""Highlighted code, each long line wrapped at a token boundary with a continuation mark.

Browsers wrap a long ``pre-wrap`` line wherever the page ends (``tol=1e-`` / ``8)``). Here
the break points come from Python's own ``tokenize``: between two tokens, and inside a
string or comment only after a space, so a name, number or operator is never split. A
continuation row is indented past the line's own indentation and carries ``CONT_MARK``; a
single token longer than a whole row (a long string without spaces) is the one thing cut
where the row ends. Source that does not tokenize (a syntax error, a notebook magic that
confuses ``tokenize``) falls back to the highlighter's tokens and the spaces between them.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pygments.lexer import Lexer
from pygments.lexers import PythonLexer
from pygments.token import STANDARD_TYPES

CONT_MARK = "\u21aa"  # ↪, the mark of a continuation row
HANG = 4  # continuation rows start this many columns right of the line's indentation
_SPLITTABLE = {tokenize.STRING, tokenize.COMMENT}
_SPLITTABLE |= {getattr(tokenize, "FSTRING_MIDDLE", -1), getattr(tokenize, "TSTRING_MIDDLE", -1)}
_LAYOUT = {tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}


@dataclass(frozen=True)
class Piece:
    """A run of one source line in one highlight class (``css`` is a Pygments short class)."""

    css: str
    text: str


@dataclass(frozen=True)
class Row:
    """One printed row of a source line: its pieces, and whether it continues the line."""

    pieces: tuple[Piece, ...]
    continued: bool
    indent: int = 0  # spaces before the pieces (continuation rows only)

    @property
    def text(self) -> str:
        return "".join(piece.text for piece in self.pieces)


def _css_class(ttype: Any) -> str:
    while ttype not in STANDARD_TYPES and ttype.parent is not None:
        ttype = ttype.parent
    return STANDARD_TYPES.get(ttype, "")


def highlighted_pieces(source: str, lexer: Lexer | None = None) -> list[list[Piece]]:
    """The pieces of each source line (no newline characters), in Pygments' classes."""
    lexer = lexer or PythonLexer()
    lexer.stripnl = lexer.ensurenl = False
    lines: list[list[Piece]] = [[]]
    for ttype, value in lexer.get_tokens(source):
        css = _css_class(ttype)
        for i, part in enumerate(value.split("\n")):
            if i:
                lines.append([])
            if part:
                lines[-1].append(Piece(css, part))
    if len(lines) > 1 and not lines[-1]:
        lines.pop()  # the newline that ends the source opens no new line
    return lines


def _word_starts(text: str, offset: int) -> Iterable[int]:
    """Offsets (from ``offset``) in ``text`` where a word follows a space."""
    return (offset + i for i in range(1, len(text)) if text[i - 1] == " " and text[i] != " ")


def python_breaks(lines: list[str]) -> list[set[int]] | None:
    """Per line, the offsets where it may wrap, from ``tokenize``; None when it fails."""
    breaks: list[set[int]] = [set() for _ in lines]
    readline = io.StringIO("".join(line + "\n" for line in lines)).readline
    try:
        for tok in tokenize.generate_tokens(readline):
            if tok.type in _LAYOUT:
                continue
            (row0, col0), (row1, col1) = tok.start, tok.end
            if row0 > len(lines):
                break
            breaks[row0 - 1].add(col0)
            if row1 <= len(lines):
                breaks[row1 - 1].add(col1)
            if tok.type in _SPLITTABLE:
                for row in range(row0, min(row1, len(lines)) + 1):
                    first = col0 if row == row0 else 0
                    last = col1 if row == row1 else len(lines[row - 1])
                    breaks[row - 1].update(_word_starts(lines[row - 1][first:last], first))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    return breaks


def piece_breaks(pieces: list[Piece]) -> set[int]:
    """Fallback break offsets: between pieces that are not both punctuation, and after
    spaces inside strings and comments."""
    breaks: set[int] = set()
    offset, previous = 0, ""
    for piece in pieces:
        joined = previous[-1:] + piece.text[:1]
        if offset and not (len(joined) == 2 and not any(c.isalnum() or c in " _" for c in joined)):
            breaks.add(offset)
        if piece.css.startswith(("s", "c")):
            breaks.update(_word_starts(piece.text, offset))
        offset += len(piece.text)
        previous = piece.text
    return breaks


def _cut(pieces: list[Piece], start: int, end: int) -> tuple[Piece, ...]:
    """The pieces covering ``line[start:end]``."""
    out, offset = [], 0
    for piece in pieces:
        a, b = max(start, offset), min(end, offset + len(piece.text))
        if a < b:
            out.append(Piece(piece.css, piece.text[a - offset:b - offset]))
        offset += len(piece.text)
    return tuple(out)


def _reads_well(text: str, k: int) -> bool:
    """A break at ``k`` that a reader expects: at a space, after a comma or an opening
    bracket (not inside ``np.ndarray`` or before a closing bracket)."""
    return text[k - 1] in " ,([{" or text[k] == " "


def wrap_pieces(pieces: list[Piece], breaks: set[int], width: int) -> list[Row]:
    """Split one line into rows of at most ``width`` columns at offsets in ``breaks``."""
    text = "".join(piece.text for piece in pieces)
    if len(text) <= width:
        return [Row(tuple(pieces), continued=False)]
    indent = len(text) - len(text.lstrip(" "))
    hang = min(indent + HANG, width // 2)
    rows: list[Row] = []
    start, room = 0, width
    while len(text) - start > room:
        fits = [k for k in breaks if start < k <= start + room and text[start:k].strip()]
        good = [k for k in fits if _reads_well(text, k) and k - start >= room * 0.6]
        end = max(good or fits) if fits else start + room  # a token longer than a row: cut
        rows.append(Row(_cut(pieces, start, end), continued=bool(rows),
                        indent=hang if rows else 0))
        start = end
        while start < len(text) and text[start] == " ":
            start += 1  # a continuation row starts at its text, after the hanging indent
        room = width - hang
    if start < len(text) or not rows:
        rows.append(Row(_cut(pieces, start, len(text)), continued=bool(rows),
                        indent=hang if rows else 0))
    return rows


def wrapped_lines(source: str, width: int, lexer: Lexer | None = None) -> list[list[Row]]:
    """Each line of ``source`` as its printed rows (one row unless longer than ``width``)."""
    lines = highlighted_pieces(source, lexer)
    texts = ["".join(piece.text for piece in pieces) for pieces in lines]
    breaks = python_breaks(texts)
    return [wrap_pieces(pieces, breaks[i] if breaks is not None else piece_breaks(pieces), width)
            for i, pieces in enumerate(lines)]
