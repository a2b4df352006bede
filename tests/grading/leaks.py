"""Finding solution text: the lines of solution and hidden-test regions of a source folder,
looked for in what students get."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

MARKER = re.compile(r"### (BEGIN|END) (SOLUTION|HIDDEN TESTS)")


def split_regions(text: str) -> tuple[list[str], str]:
    """(stripped lines inside solution/hidden regions, the text outside them)."""
    inside, outside, depth = [], [], 0
    for raw in text.splitlines():
        line = raw.strip()
        if MARKER.search(line):
            depth += 1 if "BEGIN" in line else -1
            continue
        if depth:
            inside.append(line)
        else:
            outside.append(raw)
    return inside, "\n".join(outside)


def sources(folder: Path) -> dict[str, list[str]]:
    """File name -> the text of each .py module and each notebook cell of ``folder``."""
    texts: dict[str, list[str]] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".py":
            texts[path.name] = [path.read_text()]
        elif path.suffix == ".ipynb":
            texts[path.name] = [cell.source for cell in nbformat.read(path, as_version=4).cells]
    return texts


def secrets_of(folders: list[Path], given: set[str] = frozenset()) -> tuple[set[str], set[str]]:
    """(secret lines, secret pairs of consecutive lines) of the source ``folders``.

    A secret line is a line of a solution or hidden-test region that appears nowhere in
    the source outside the regions (so hints that quote code are not counted). Files named
    in ``given`` are handed out complete: all of their text is public."""
    regions, public = [], []
    for folder in folders:
        for name, texts in sources(folder).items():
            for text in texts:
                inside, outside = split_regions(text)
                public.append(outside)
                if name in given:
                    public.append("\n".join(inside))
                else:
                    regions.append(inside)
    public_text = "\n".join(public)
    lines, pairs = set(), set()
    for inside in regions:
        code = [line for line in inside if len(line) >= 8 and not line.startswith("#")]
        lines |= {line for line in code if line not in public_text}
        pairs |= {f"{a}\n{b}" for a, b in zip(code, code[1:], strict=False)}
    return lines, pairs


def published_text(folder: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(folder.rglob("*"))
                     if p.is_file() and p.suffix in (".py", ".ipynb", ".json", ".md", ".txt"))


def normalized_lines(text: str) -> str:
    """Every line stripped (notebook JSON strings un-escaped), joined by newlines."""
    text = text.replace("\\n", "\n").replace('\\"', '"')
    return "\n".join(line.strip().strip('",') for line in text.splitlines())


def leaked(hw_source: Path, released: Path, given: set[str] = frozenset()) -> list[str]:
    """Secret lines of ``hw_source`` found in ``released`` (a folder students get)."""
    lines, _ = secrets_of([hw_source], given)
    assert lines, f"{hw_source} should have solution regions to protect"
    text = normalized_lines(published_text(released))
    return sorted(line for line in lines if line in text)
