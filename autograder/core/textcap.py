"""Bounds on text that comes from student code.

Everything a student's code can make longer (its printed output, warnings, exception
messages, the source lines of its tracebacks, a string it returns) passes through here
before it reaches results.json, the terminal table, a notebook cell or feedback, so
that no submission can make a report large or slow. Cut text ends with ``TRUNCATED``.
"""

from __future__ import annotations

from collections.abc import Iterable

TRUNCATED = " … (truncated)"
LINE_CHARS = 300  # one line quoted from student code (a traceback line, a warning)
MESSAGE_CHARS = 4000  # one test's message
REPORT_CHARS = 200_000  # all the messages of one submission's report together


def cap(text: object, limit: int = MESSAGE_CHARS) -> str:
    """``text`` as a string of at most ``limit`` characters (plus the marker)."""
    text = text if isinstance(text, str) else str(text)
    return text if len(text) <= limit else text[:limit] + TRUNCATED


def shown_path(path: object, limit: int = 200) -> str:
    """A path as a report shows it: printable characters only, bounded."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(path))
    return cap(text, limit)


def cap_lines(lines: Iterable[object], count: int = 5, width: int = LINE_CHARS) -> list[str]:
    """At most ``count`` lines of at most ``width`` characters each; a last line says
    how many more there were."""
    kept: list[str] = []
    extra = 0
    for line in lines:
        if len(kept) < count:
            kept.append(cap(line, width))
        else:
            extra += 1
    if extra:
        kept.append(f"… and {extra} more (truncated)")
    return kept
