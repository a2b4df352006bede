"""``python -m utils.submit [ASSIGNMENT_DIR] [--out DIR] [--browser PATH] [--force] [--no-zip]``

Also installed as the console script ``nndl-submit``, which works from any terminal where
the environment's scripts are on PATH (JupyterLab's terminals: ``utils.terminal_path``).

Exit codes: 0 written; 1 refused by a pre-flight check (the message says which and how to
fix it); 2 usage or environment problem (not an assignment folder, no browser, ...).
"""

from __future__ import annotations

import argparse
import sys

from utils import shadow_message, shadowing_file
from utils.submit.detect import ENV_VAR
from utils.submit.errors import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, SubmitError
from utils.submit.export import export_submission


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nndl-submit",
        description="Export an assignment for Gradescope: one PDF with every notebook and "
                    "edited .py file (bookmarked), plus the code zip the autograder reads. "
                    "It refuses, with a message, when a notebook was not run top to bottom, "
                    "holds errors, or has math that did not render.")
    parser.add_argument("assignment_dir", nargs="?", default=".",
                        help="the assignment folder (holding assignment.json); default: here")
    parser.add_argument("--out", metavar="DIR", default=None,
                        help="write the PDF and zip here (default: the assignment folder)")
    parser.add_argument("--browser", metavar="PATH", default=None,
                        help=f"Chrome/Chromium/Edge executable to print with (or set {ENV_VAR})")
    parser.add_argument("--force", action="store_true",
                        help="export despite failed checks; the problems are stamped on page 1")
    parser.add_argument("--no-zip", dest="make_zip", action="store_false",
                        help="write only the PDF")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    shadow = shadowing_file(args.assignment_dir)
    if shadow is not None and not args.force:
        print(shadow_message(shadow) + " (--force exports anyway)", file=sys.stderr)
        return EXIT_REFUSED
    try:
        export_submission(args.assignment_dir, args.out, force=args.force,
                          browser=args.browser, make_zip=args.make_zip)
    except SubmitError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Interrupted; nothing was written.", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
