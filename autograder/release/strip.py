"""Strip solution and hidden-test regions from Python modules.

nbgrader copies ``.py`` files verbatim (solutions included), so ``course release`` runs
this on every released module:

    def f(x):                          def f(x):
        ### BEGIN SOLUTION        ->         # YOUR CODE HERE
        return x * 2                         raise NotImplementedError("f is not ...")
        ### END SOLUTION

``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` regions are removed entirely.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_MARKER = re.compile(
    r"^(?P<indent>[ \t]*)### (?P<edge>BEGIN|END) (?P<kind>SOLUTION|HIDDEN TESTS)\s*$")
_DEF = re.compile(r"^(?P<indent>[ \t]*)(?:async\s+)?(?:def|class)\s+(?P<name>\w+)")


class StripError(ValueError):
    """Unbalanced or nested markers; the message names the file and line."""


def _enclosing(lines: list[str], index: int, indent: str) -> str | None:
    for line in reversed(lines[:index]):
        match = _DEF.match(line)
        if match and len(match["indent"]) < len(indent):
            return match["name"]
    return None


def _walk(text: str, filename: str) -> Iterator[tuple[str, str | None, re.Match | None, int]]:
    """Yield (line, open region kind, marker match or None, line number), checking that
    regions are balanced and not nested."""
    open_kind: str | None = None
    open_line = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        match = _MARKER.match(line.rstrip("\r\n"))
        if match is not None:
            kind = match["kind"]
            if match["edge"] == "BEGIN":
                if open_kind is not None:
                    raise StripError(f"{filename}:{number}: BEGIN {kind} inside the "
                                     f"{open_kind} region opened at line {open_line}")
                open_kind, open_line = kind, number
            elif open_kind != kind:
                raise StripError(f"{filename}:{number}: END {kind} without a matching BEGIN")
            else:
                open_kind = None
        yield line, open_kind, match, number
    if open_kind is not None:
        raise StripError(f"{filename}:{open_line}: BEGIN {open_kind} is never closed")


def strip_solutions(text: str, filename: str = "<module>") -> str:
    """``text`` with every marked region replaced (solutions) or removed (hidden tests)."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    for line, region, marker, number in _walk(text, filename):
        if marker is None:
            if region is None:
                out.append(line)
        elif marker["edge"] == "BEGIN" and marker["kind"] == "SOLUTION":
            indent = marker["indent"]
            name = _enclosing(lines, number - 1, indent)
            what = f"{name} is not implemented yet" if name else "not implemented yet"
            out.append(f"{indent}# YOUR CODE HERE\n")
            out.append(f'{indent}raise NotImplementedError("{what}")\n')
    return "".join(out)


def unwrap_solutions(text: str, filename: str = "<module>") -> str:
    """``text`` with solution markers removed but their code kept (hidden tests dropped).

    This turns a reference module into given code for a later assignment (hw2's layers
    become complete, marker-free files in hw3).
    """
    return "".join(line for line, region, marker, _ in _walk(text, filename)
                   if marker is None and region != "HIDDEN TESTS")


def has_markers(text: str) -> bool:
    """True when any solution or hidden-test marker is present."""
    return any(_MARKER.match(line) for line in text.splitlines())
