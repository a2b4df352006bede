"""``course bundle <hw>... | --all [--out DIR] [--colab-url TEMPLATE]``: the student bundles.

Per assignment: ``<out>/<hw>/`` and ``<out>/<hw>.zip`` with the released notebooks and
stubs, the student library's wheel, requirements.txt, environment-student.yml and a README
for a laptop, Google Colab and JupyterHub (see ``autograder.bundle``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.bundle.build import build_bundle
from autograder.bundle.package import student_package
from autograder.bundle.student_files import check_colab_template
from autograder.bundle.wheel import build_wheel
from autograder.commands import assignment_list
from autograder.paths import course_root


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    p = sub.add_parser(name, help="build the student bundles (assignment + library wheel)")
    p.add_argument("assignments", nargs="*", metavar="HW")
    p.add_argument("--all", action="store_true", help="every assignment")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default: build/bundle)")
    p.add_argument("--colab-url", metavar="TEMPLATE", default=None,
                   help="where students can open the notebooks in Colab, with {hw} and "
                        "{notebook} filled in per notebook, e.g. https://colab.research."
                        "google.com/github/ORG/REPO/blob/main/{hw}/{notebook}; the README "
                        "then links each notebook")


def _size(nbytes: int) -> str:
    return f"{nbytes / 1024:.0f} KiB" if nbytes < 2**20 else f"{nbytes / 2**20:.1f} MiB"


def run(args: argparse.Namespace) -> int:
    hws = assignment_list(args)
    if args.colab_url:
        check_colab_template(args.colab_url)
    out = (args.out or course_root() / "build" / "bundle").resolve()
    pkg = student_package()
    wheel = build_wheel(out, pkg)
    print(f"{wheel.name}: {_size(wheel.stat().st_size)}")
    for hw in hws:
        bundle = build_bundle(hw, out, wheel, args.colab_url, pkg)
        print(f"{bundle.zip_path} ({_size(bundle.zip_path.stat().st_size)}, "
              f"{len(bundle.files)} files) and the folder {bundle.folder}")
    return 0
