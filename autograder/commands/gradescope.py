"""``course gradescope <hw> [--out DIR]``: build the Gradescope autograder zip."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.core.paths import course_root
from autograder.gradescope.build import build_zip


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    p = sub.add_parser(name, help="build the Gradescope autograder zip for one assignment")
    p.add_argument("assignment", metavar="HW")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default: build/gradescope)")


def run(args: argparse.Namespace) -> int:
    out_dir = args.out or course_root() / "build" / "gradescope"
    path = build_zip(args.assignment, out_dir / f"{args.assignment}_autograder.zip")
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB): upload it on Gradescope "
          "(Configure Autograder > Zip file upload, base image Ubuntu 24.04)")
    return 0
