"""The ``course`` command: one sub-module of ``autograder.commands`` per verb.

    course release    <hw>... | --all [--check]
    course grade      <hw> <submission_dir> [--json PATH]
    course verify     <hw>... | --all
    course autograde  <hw> [--workers N]
    course gradescope <hw> [--out DIR]
    course answer-key <hw> [--out DIR]
    course new        <hw> --title TITLE
    course bundle     <hw>... | --all [--out DIR] [--colab-url TEMPLATE]
    course similarity <hw> [SUBMISSIONS] [--against DIR ...] [--out report.html]

Exit codes: 0 success, 1 a check failed (stale release, verify found a problem),
2 the command could not run (bad arguments, missing folders).
"""

from __future__ import annotations

import argparse
import signal
import sys

from autograder.commands import (
    answer_key,
    autograde,
    bundle,
    grade,
    gradescope,
    new,
    release,
    similarity,
    verify,
)
from autograder.paths import CourseError

COMMANDS = {
    "release": release,
    "grade": grade,
    "verify": verify,
    "autograde": autograde,
    "gradescope": gradescope,
    "answer-key": answer_key,
    "new": new,
    "bundle": bundle,
    "similarity": similarity,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="course", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in COMMANDS.items():
        module.add_parser(sub, name)
    return parser


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # so that temporary folders and student processes are cleaned up


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupted)
    try:
        return COMMANDS[args.command].run(args)
    except CourseError as exc:
        print(f"course {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"course {args.command}: interrupted", file=sys.stderr)
        return 130
