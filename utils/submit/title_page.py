"""The first page of an export: title, the question -> page map, contents, files, warnings.

The map lists every written question with its points and the pages to select for it on
Gradescope (its answer and the figures it is answered from). Warnings (and, for a forced
export, the refusals it overrode) are stamped here, so a grader sees them before anything
else.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources

from utils.submit.page_map import PlacedQuestion, page_list, points_text

MAP_TITLE = "Questions and figures"


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
    questions: list[PlacedQuestion] = field(default_factory=list)


def _items(lines: Sequence[str]) -> str:
    return "".join(f"<li>{html.escape(line)}</li>" for line in lines)


def _pages_detail(item: PlacedQuestion) -> str:
    parts = [f"answer p. {page_list(item.answer_pages)}" if item.answer_pages
             else "answer not found in the PDF"]
    for figure, pages in item.figures:
        where = f"p. {page_list(pages)}" if pages else "not printed (run its cell)"
        parts.append(f"figure {where}: {figure.title}")
    return "; ".join(parts)


def question_map_html(questions: Sequence[PlacedQuestion]) -> str:
    """The map: one group row per notebook, one row per question with its pages."""
    esc = html.escape
    rows, group = [], None
    for item in questions:
        question = item.question
        number = question.number.split(".")[0]
        if number != group:
            group = number
            total = sum(q.question.points for q in questions
                        if q.question.number.split(".")[0] == number)
            rows.append(f'<tr class="group"><td>{number}</td><td>{esc(question.notebook)}</td>'
                        f'<td class="num">{total:g}</td><td></td></tr>')
        missing = "" if question.answered else ' <span class="missing">not answered</span>'
        rows.append(
            f"<tr><td>{question.number}</td><td><b>{esc(question.label)}</b>{missing} "
            f'<span class="excerpt">{esc(question.excerpt)}</span>'
            f'<div class="detail">{esc(_pages_detail(item))}</div></td>'
            f'<td class="num">{question.points:g}</td>'
            f'<td class="num pages">{esc(page_list(item.pages)) or "?"}</td></tr>')
    total = sum(item.question.points for item in questions)
    return (f"<h2>{MAP_TITLE}</h2>"
            f'<div class="how">On Gradescope, select these pages for each question '
            f"({len(questions)} written, {esc(points_text(total))}; the PDF's outline "
            "lists them too).</div>"
            '<table class="qmap"><tr><th>#</th><th>question</th><th class="num">points</th>'
            f'<th class="num">pages</th></tr>{"".join(rows)}</table>')


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
    if info.questions:
        parts.append(question_map_html(info.questions))
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
