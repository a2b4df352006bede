"""``course answer-key <hw> [--out DIR]``: the executed reference notebooks and modules as
one PDF for course staff (same pipeline as the students' ``python -m utils.submit``)."""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from autograder.manifest import load_assignment
from autograder.paths import CourseError, course_root, source_dir
from autograder.release.build import IGNORED, complete_notebooks


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    p = sub.add_parser(name, help="export the executed reference notebooks as an answer-key PDF")
    p.add_argument("assignment", metavar="HW")
    p.add_argument("--out", type=Path, default=None,
                   help="output folder (default: build/answer_keys)")
    p.add_argument("--browser", default=None, help="Chromium-family browser to print with")


def execute_notebooks(folder: Path, notebooks: list[str], timeout: int = 600) -> None:
    """Run each notebook top to bottom in a fresh kernel, in ``folder``, saving outputs."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    for name in notebooks:
        path = folder / name
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(folder)}})
        try:
            client.execute()
        except CellExecutionError as exc:
            raise CourseError(f"the reference notebook {name} fails: "
                              f"{str(exc).strip().splitlines()[-1]}") from None
        nbformat.write(nb, path)


def run(args: argparse.Namespace) -> int:
    from utils.submit import SubmitError, export_submission

    assignment = load_assignment(args.assignment)
    out = args.out or course_root() / "build" / "answer_keys"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="answer-key-") as tmp:
        build = Path(tmp) / assignment.id
        shutil.copytree(source_dir(assignment.id), build, ignore=IGNORED)
        complete_notebooks(assignment, build)  # points in headings, as students see them
        print(f"executing {len(assignment.notebooks)} reference notebook(s)...", flush=True)
        execute_notebooks(build, assignment.notebooks)
        try:
            result = export_submission(build, out, answer_key=True, browser=args.browser,
                                       manifest=json.loads(assignment.student_manifest()))
        except SubmitError as exc:
            raise CourseError(str(exc)) from None
    print(f"wrote {result.pdf_path} ({result.pages} pages)")
    return 0
