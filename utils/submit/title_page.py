"""The first page of an export: title, contents with page numbers, files, warnings.

Warnings (and, for a forced export, the refusals it overrode) are stamped here, so a
grader sees them before anything else.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources


@dataclass
class TitleInfo:
    """What the first page shows."""

    title: str
    assignment: str
    generated: str
    contents: list[tuple[str, int, int]] = field(default_factory=list)  # file, first, pages
    zip_files: list[str] | None = None
    warnings: list[str] = field(default_factory=list)
    forced: list[str] = field(default_factory=list)
    answer_key: bool = False
    note: str | None = None


def _items(lines: Sequence[str]) -> str:
    return "".join(f"<li>{html.escape(line)}</li>" for line in lines)


def title_page_html(info: TitleInfo) -> str:
    """A standalone HTML page for the first page of the PDF."""
    esc = html.escape
    kind = ('<div class="kind key">Answer key</div>' if info.answer_key
            else '<div class="kind">Submission</div>')
    rows = "".join(f'<tr><td>{esc(name)}</td><td class="num">page {first}</td>'
                   f'<td class="num">{count} page{"s" if count != 1 else ""}</td></tr>'
                   for name, first, count in info.contents)
    parts = [kind, f"<h1>{esc(info.title)}</h1>",
             f'<div class="meta">{esc(info.assignment)} &middot; exported {esc(info.generated)}'
             " with utils.submit</div>"]
    if info.note:
        parts.append(f'<div class="note">{esc(info.note)}</div>')
    parts.append(f'<h2>Contents</h2><table class="contents">{rows}</table>')
    if info.zip_files is not None:
        listed = ", ".join(info.zip_files) if info.zip_files else "(no files)"
        parts.append(f"<h2>Code zip</h2><div>{esc(listed)}</div>")
    if info.forced or info.warnings:
        block = ['<div class="warnings">']
        if info.forced:
            block.append("<h2>Exported with --force despite these problems</h2>"
                         f"<ul>{_items(info.forced)}</ul>")
        if info.warnings:
            block.append(f"<h2>Warnings ({len(info.warnings)})</h2>"
                         f"<ul>{_items(info.warnings)}</ul>")
        block.append("</div>")
        parts.append("".join(block))
    else:
        parts.append('<div class="clean">All pre-flight checks passed.</div>')
    style = resources.files("utils.submit").joinpath("title_page.css").read_text("utf-8")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{esc(info.title)}</title><style>{style}</style></head>\n"
            f"<body>{''.join(parts)}</body></html>\n")
