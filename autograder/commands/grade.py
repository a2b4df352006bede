"""``course grade <hw> <submission_dir> [--json PATH]``: grade one submission.

Exit 0 whenever grading ran, whatever the score; 2 when it could not run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.core.paths import CourseError
from autograder.grading import report, runner


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    p = sub.add_parser(name, help="grade one submission folder with the assignment's suite")
    p.add_argument("assignment", metavar="HW")
    p.add_argument("submission", type=Path, metavar="SUBMISSION_DIR")
    p.add_argument("--json", metavar="PATH", help="write Gradescope's results.json here")


def run(args: argparse.Namespace) -> int:
    if not args.submission.is_dir():
        raise CourseError(f"submission folder {args.submission} does not exist")
    suite = runner.load(args.assignment)
    result = runner.grade(suite, args.submission)
    print(report.table(result))
    if args.json:
        report.write_gradescope_json(result, args.json)
        print(f"wrote {args.json}")
    return 0
