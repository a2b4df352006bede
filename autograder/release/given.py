"""Modules an assignment hands out complete, generated from the earlier assignment that
graded them (its manifest's ``[given]`` table: ``"layers.py" = "hw2_fcnet"``).

The origin, ``source/hw2_fcnet/layers.py``, is the only copy anyone edits. In the later
assignment's source folder the module is a symbolic link to it (``source/hw3_optim/
layers.py -> ../hw2_fcnet/layers.py``), so the reference and the source notebooks import
the real thing; release writes the generated text into ``release/`` only:

    # Generated from hw2_fcnet/layers.py: handed out complete, do not edit.
    <the origin with its solution markers removed and its hidden tests dropped, without
     the docstring paragraph that tells students where to write their code>
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from autograder.manifest import Assignment
from autograder.paths import CourseError
from autograder.release.strip import StripError, unwrap_solutions

INSTRUCTION = "YOUR CODE HERE"  # what the origin's students were told to look for


def header(origin: str, name: str) -> str:
    return f"# Generated from {origin}/{name}: handed out complete, do not edit.\n"


def _without_instructions(text: str, where: str) -> str:
    """``text`` without the module docstring's paragraphs that mention ``INSTRUCTION``."""
    lines = text.splitlines(keepends=True)
    tree = ast.parse(text)
    first = tree.body[0] if tree.body else None
    if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)):
        start, end = first.lineno - 1, first.end_lineno or first.lineno
        keep = lines[:start]
        paragraph: list[str] = []
        for line in [*lines[start:end], ""]:
            if line.strip() not in ("", '"""'):
                paragraph.append(line)
                continue
            if any(INSTRUCTION in p for p in paragraph) and '"""' not in "".join(paragraph):
                if keep and not keep[-1].strip():
                    keep.pop()  # the blank line that separated it
            else:
                keep += paragraph
            if line:
                keep.append(line)
            paragraph = []
        lines = keep + lines[end:]
    out = "".join(lines)
    if INSTRUCTION in out:
        raise CourseError(f"{where} mentions {INSTRUCTION!r} outside a paragraph of its "
                          "docstring; a later assignment hands it out complete, so say it "
                          "only there")
    return out


def given_text(origin_file: Path, origin: str, name: str) -> str:
    """The module students of a later assignment receive, generated from ``origin_file``."""
    where = f"source/{origin}/{name}"
    try:
        body = unwrap_solutions(origin_file.read_text(), where)
    except StripError as exc:
        raise CourseError(str(exc)) from None
    return header(origin, name) + _without_instructions(body, where)


def origin_file(course: Path, origin: str, name: str) -> Path:
    path = course / "source" / origin / name
    if not path.is_file():
        raise CourseError(f"given module {name} has no origin {path}")
    return path


def write_given(assignment: Assignment, course: Path, folder: Path) -> list[Path]:
    """Write every given module of ``assignment`` into ``folder`` (a release being built)."""
    written = []
    for name, origin in sorted(assignment.given.items()):
        target = folder / name
        target.unlink(missing_ok=True)  # never write through what nbgrader copied
        target.write_text(given_text(origin_file(course, origin, name), origin, name))
        written.append(target)
    return written


def link_problems(assignment: Assignment, course: Path) -> list[str]:
    """How ``source/<hw>`` fails to link each given module to its origin (with the command
    that fixes it); [] when every link is right."""
    problems = []
    for name, origin in sorted(assignment.given.items()):
        link = course / "source" / assignment.id / name
        target = f"../{origin}/{name}"
        fix = f"ln -sfn {target} source/{assignment.id}/{name}"
        if not link.is_symlink():
            what = "is a copy" if link.exists() else "is missing"
            problems.append(f"source/{assignment.id}/{name} {what}; it should link to its "
                            f"origin: {fix}")
        elif os.readlink(link) != target:
            problems.append(f"source/{assignment.id}/{name} links to {os.readlink(link)}, "
                            f"not its origin {target}: {fix}")
        else:
            origin_file(course, origin, name)
    return problems
