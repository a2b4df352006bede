"""``course new <hw> --title TITLE [--module NAME]``: scaffold an assignment that passes
`course release`, `verify`, `grade`, `gradescope` and `autograde` as it stands
(``autograder.scaffold`` lists its files; docs/authoring.md goes on from there)."""

from __future__ import annotations

import argparse
import re

from autograder.paths import CourseError, course_root
from autograder.scaffold import files

NAME = re.compile(r"[a-z][a-z0-9_]*")


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    p = sub.add_parser(name, help="scaffold a new assignment that passes every course command")
    p.add_argument("assignment", metavar="HW", help="its id, e.g. hw5_attention")
    p.add_argument("--title", required=True, help='e.g. "HW5: Attention"')
    p.add_argument("--module", default=None,
                   help="the module students write (default: the id without its hwN_ prefix)")


def module_name(hw: str, module: str | None) -> str:
    name = module or re.sub(r"^hw\d*_", "", hw) or hw
    if not NAME.fullmatch(name):
        raise CourseError(f"module name {name!r}: use lower-case letters, digits and _")
    return name


def run(args: argparse.Namespace) -> int:
    hw = args.assignment
    if not NAME.fullmatch(hw):
        raise CourseError(f"assignment id {hw!r}: use lower-case letters, digits and _, "
                          "starting with a letter")
    module = module_name(hw, args.module)
    root = course_root()
    taken = [f"{folder}/{hw}" for folder in ("assignments", "source", "release")
             if (root / folder / hw).exists()]
    if taken:
        raise CourseError(f"{', '.join(taken)} already exist(s)")
    if '"' in args.title or "\\" in args.title:
        raise CourseError("the title may not contain \" or \\")
    for relative, text in files(hw, args.title, module).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {relative}")
    print(f"\nnext: course release {hw} && course verify {hw}; then docs/authoring.md")
    return 0
