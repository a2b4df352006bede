"""Turn a ``.py`` file into print-ready HTML: highlighted, numbered, wrapped lines.

Each source line is one table row (number | code), so a line longer than the page wraps
inside its own row, beside its number, and nothing is clipped. Highlighting uses Pygments
token classes with Pygments' stock style sheet.
"""

from __future__ import annotations

import html
from importlib import resources
from typing import Any

from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer
from pygments.token import STANDARD_TYPES

TAB_WIDTH = 4


def _css_class(ttype: Any) -> str:
    while ttype not in STANDARD_TYPES and ttype.parent is not None:
        ttype = ttype.parent
    return STANDARD_TYPES.get(ttype, "")


def highlighted_lines(source: str) -> list[str]:
    """One HTML fragment per source line (no newline characters), Pygments-classed spans."""
    lexer = PythonLexer(stripnl=False, ensurenl=False, tabsize=TAB_WIDTH)
    lines: list[list[str]] = [[]]
    for ttype, value in lexer.get_tokens(source):
        css = _css_class(ttype)
        for i, piece in enumerate(value.split("\n")):
            if i:
                lines.append([])
            if piece:
                text = html.escape(piece, quote=False)
                lines[-1].append(f'<span class="{css}">{text}</span>' if css else text)
    if len(lines) > 1 and not lines[-1]:
        lines.pop()  # the newline that ends the file opens no new line
    return ["".join(parts) for parts in lines]


def code_to_html(source: str, filename: str) -> str:
    """A standalone HTML page printing ``source`` with line numbers under a title."""
    source = source.replace("\r\n", "\n").replace("\r", "\n").expandtabs(TAB_WIDTH)
    rows = "\n".join(f'<tr><td class="ln">{number}</td><td class="src">{code or " "}</td></tr>'
                     for number, code in enumerate(highlighted_lines(source), start=1))
    count = source.count("\n") + (0 if source.endswith("\n") or not source else 1)
    style = (HtmlFormatter(style="default").get_style_defs("td.src")
             + resources.files("utils.submit").joinpath("code_print.css").read_text("utf-8"))
    name = html.escape(filename)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{name}</title><style>{style}</style></head>\n<body>\n"
            f'<div class="file-title">{name}<span class="meta">{count} lines</span></div>\n'
            f'<table class="code">\n{rows}\n</table>\n</body></html>\n')
