"""Print-ready HTML for code: a ``.py`` file as numbered rows, a notebook cell as a block.

Long lines are wrapped by ``code_wrap`` at token boundaries: in a file, a continuation row
has ``CONT_MARK`` where a line number would be, so the numbers stay those of the file; in a
notebook cell the mark starts the continuation row. Highlighting uses Pygments' short
token classes, which Pygments' stock style sheet (and JupyterLab's) colours.
"""

from __future__ import annotations

import html
from importlib import resources

from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer

from utils.submit.code_wrap import CONT_MARK, Piece, Row, highlighted_pieces, wrapped_lines

TAB_WIDTH = 4
FILE_COLUMNS = 100  # a code page's row: 10.5 px DejaVu Sans Mono beside the numbers
CELL_COLUMNS = 88  # a notebook code cell's row: 11.5 px, right of the In [ ] prompt


def _span(piece: Piece) -> str:
    text = html.escape(piece.text, quote=False)
    return f'<span class="{piece.css}">{text}</span>' if piece.css else text


def row_html(row: Row) -> str:
    """A row's highlighted code, after its hanging indentation."""
    return " " * row.indent + "".join(_span(piece) for piece in row.pieces)


def highlighted_lines(source: str) -> list[str]:
    """One HTML fragment per source line, unwrapped (no newline characters)."""
    return ["".join(_span(piece) for piece in pieces) for pieces in highlighted_pieces(source)]


def _normalized(source: str) -> str:
    return source.replace("\r\n", "\n").replace("\r", "\n").expandtabs(TAB_WIDTH)


def code_to_html(source: str, filename: str, columns: int = FILE_COLUMNS) -> str:
    """A standalone HTML page printing ``source`` with line numbers under a title."""
    source = _normalized(source)
    rows = []
    for number, line_rows in enumerate(wrapped_lines(source, columns), start=1):
        for row in line_rows:
            mark = (f'<td class="ln cont">{CONT_MARK}</td>' if row.continued
                    else f'<td class="ln">{number}</td>')
            rows.append(f"<tr>{mark}<td class=\"src\">{row_html(row) or ' '}</td></tr>")
    count = source.count("\n") + (0 if source.endswith("\n") or not source else 1)
    style = (HtmlFormatter(style="default").get_style_defs("td.src")
             + resources.files("utils.submit").joinpath("code_print.css").read_text("utf-8"))
    name = html.escape(filename)
    body = "\n".join(rows)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{name}</title><style>{style}</style></head>\n<body>\n"
            f'<div class="file-title">{name}<span class="meta">{count} lines</span></div>\n'
            f'<table class="code">\n{body}\n</table>\n</body></html>\n')


def cell_code_html(source: str, lexer: Lexer | None = None, columns: int = CELL_COLUMNS) -> str:
    """A notebook code cell as Pygments' ``<div class="highlight"><pre>`` block, long lines
    wrapped with a marked continuation row."""
    rows = []
    for line_rows in wrapped_lines(_normalized(source), columns, lexer):
        for row in line_rows:
            if row.continued:
                pad = " " * max(0, row.indent - 2)
                rows.append(f'{pad}<span class="nndl-cont">{CONT_MARK}</span> '
                            + "".join(_span(piece) for piece in row.pieces))
            else:
                rows.append(row_html(row))
    return '<div class="highlight hl-ipython3"><pre><span></span>' + "\n".join(rows) \
        + "\n</pre></div>\n"
