"""Merge printed parts into one PDF with bookmarks: one per file, headings nested.

Chromium writes an outline of a page's headings (h1..h6) when printing with
``outline=True``; the page checks report the same headings with their levels, so the
outline entries can be matched to levels and only h1/h2 kept: h1 under the file's bookmark,
h2 under the h1 before it (or under the file when there is none). Extra bookmarks (the
written questions and their figures) go right after the first part's.

Chromium also writes a named destination for each element that a link in the page points
to; ``named_pages`` reads them back: that is how the export knows which page an anchor
(a question's start, a figure) was printed on.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pypdf import PdfReader, PdfWriter

MAX_HEADING_LEVEL = 2


@dataclass
class Part:
    """One printed file: its bookmark title, PDF bytes and headings ``(level, text)``."""

    label: str
    pdf: bytes
    headings: list[tuple[int, str]] = field(default_factory=list)

    @cached_property
    def reader(self) -> PdfReader:
        """The part's PDF, parsed once for its page count, anchors and the merge."""
        return PdfReader(io.BytesIO(self.pdf))

    @cached_property
    def pages(self) -> int:
        return len(self.reader.pages)

    @cached_property
    def anchors(self) -> dict[str, int]:
        """The 0-based page of each anchor placed in the part (``named_pages``)."""
        return named_pages(self.reader)


@dataclass
class Bookmark:
    """An extra outline entry: title, 0-based page of the merged PDF, nested entries."""

    title: str
    page: int
    children: list[Bookmark] = field(default_factory=list)


def named_pages(reader: PdfReader) -> dict[str, int]:
    """Each named destination of the PDF (an element id) -> its 0-based page."""
    return {name.lstrip("/"): reader.get_destination_page_number(dest)
            for name, dest in reader.named_destinations.items()}


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def flat_outline(reader: PdfReader) -> list[tuple[str, int]]:
    """The reader's outline in document order: ``(title, 0-based page)``."""
    found: list[tuple[str, int]] = []

    def walk(items: Sequence[object]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                page = reader.get_destination_page_number(item)  # type: ignore[arg-type]
                found.append((str(item.title), page))  # type: ignore[attr-defined]

    walk(reader.outline)
    return found


def heading_pages(headings: Sequence[tuple[int, str]],
                  outline: Sequence[tuple[str, int]]) -> list[tuple[int, str, int]]:
    """``(level, text, page)`` for each heading that the outline places on a page.

    Matched one to one when the counts agree (Chromium lists every heading in order),
    otherwise by title, in order.
    """
    if len(headings) == len(outline):
        return [(level, text or title, page)
                for (level, text), (title, page) in zip(headings, outline, strict=True)]
    placed: list[tuple[int, str, int]] = []
    cursor = 0
    for level, text in headings:
        for j in range(cursor, len(outline)):
            if _norm(outline[j][0]) == _norm(text):
                placed.append((level, text, outline[j][1]))
                cursor = j + 1
                break
    return placed


def _add_bookmarks(writer: PdfWriter, bookmarks: Sequence[Bookmark], parent: object) -> None:
    for mark in bookmarks:
        item = writer.add_outline_item(title=mark.title, page_number=mark.page, parent=parent,
                                       is_open=parent is None)
        _add_bookmarks(writer, mark.children, item)


def merge_parts(parts: Sequence[Part], destination: Path, *, title: str,
                bookmarks: Sequence[Bookmark] = ()) -> int:
    """Write the parts as one PDF to ``destination``; returns its page count.

    ``bookmarks`` are added to the outline right after the first part's entry.
    """
    writer = PdfWriter()
    starts = []
    for part in parts:  # every page first: an outline entry can only point at a page in place
        starts.append(len(writer.pages))
        writer.append(part.reader, import_outline=False)
    for index, (part, start) in enumerate(zip(parts, starts, strict=True)):
        reader = part.reader
        file_item = writer.add_outline_item(title=part.label, page_number=start, is_open=True)
        h1_item = None
        for level, text, page in heading_pages(part.headings, flat_outline(reader)):
            if level > MAX_HEADING_LEVEL or not text:
                continue
            parent = file_item if level == 1 or h1_item is None else h1_item
            item = writer.add_outline_item(title=text, page_number=start + page, parent=parent,
                                           is_open=False)
            if level == 1:
                h1_item = item
        if index == 0:
            _add_bookmarks(writer, bookmarks, None)
    writer.add_metadata({"/Title": title, "/Creator": "utils.submit (nndl course)"})
    writer.page_mode = "/UseOutlines"
    with open(destination, "wb") as handle:
        writer.write(handle)
        handle.flush()
        os.fsync(handle.fileno())
    return len(writer.pages)
