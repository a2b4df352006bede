"""One module per ``course`` verb; each has ``add_parser(subparsers, name)`` and
``run(args) -> exit code``."""

from __future__ import annotations

import argparse

from autograder.core.paths import CourseError, all_assignments


def assignment_list(args: argparse.Namespace) -> list[str]:
    """The assignments named on the command line, or all of them with ``--all``."""
    if getattr(args, "all", False):
        return all_assignments()
    if not args.assignments:
        raise CourseError("name at least one assignment, or pass --all")
    known = set(all_assignments())
    unknown = [hw for hw in args.assignments if hw not in known]
    if unknown:
        raise CourseError(f"unknown assignment(s) {', '.join(unknown)}; known: "
                          f"{', '.join(sorted(known))}")
    return list(args.assignments)
