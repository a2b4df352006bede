"""``course similarity <hw> [SUBMISSIONS] [--against DIR ...] [--out report.html]``: find
copied code across a class and against known solutions.

Compares what each student wrote (their ``.py`` modules and notebook code cells, minus
the released stub) with every other submission, with the course's reference solution
and with each ``--against`` folder (e.g. public repositories of solutions). SUBMISSIONS
is nbgrader's ``submitted/`` (the default) or a folder with one folder or zip per student
(Gradescope's export). Writes an HTML report (default ``build/similarity/<hw>.html``) and
a CSV beside it; see ``autograder.similarity`` for the method.

Exit 0 when the report was written, whatever it found; 2 when it could not run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.paths import CourseError, course_root, release_dir, source_dir
from autograder.similarity import FLAG_EVIDENCE

if TYPE_CHECKING:  # imported when the command runs: every `course` verb builds this parser
    from autograder.similarity import collect, report

SHOWN = 10  # pairs printed on the terminal


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    p = sub.add_parser(name, help="copied-code report: pairs of submissions ranked by evidence")
    p.add_argument("assignment", metavar="HW")
    p.add_argument("submissions", nargs="?", type=Path, metavar="SUBMISSIONS",
                   help="nbgrader's submitted/ folder (default), or a folder with one folder "
                        "or zip per student (Gradescope's export)")
    p.add_argument("--against", nargs="+", action="extend", type=Path, default=[],
                   metavar="DIR", help="folders of known solutions (e.g. public repositories), "
                                       "each compared as one source")
    p.add_argument("--out", type=Path, metavar="HTML",
                   help="the report (default build/similarity/<hw>.html); the CSV goes beside")
    p.add_argument("--threshold", type=float, default=FLAG_EVIDENCE, metavar="EVIDENCE",
                   help=f"flag pairs with at least this evidence (default {FLAG_EVIDENCE:g})")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="processes reading submissions (default: every core)")
    p.add_argument("--no-reference", action="store_true",
                   help="do not compare with the course's reference solution")


def known_locations(folders: list[Path], reference: Path | None) -> list[collect.Location]:
    """The known solutions: the reference (unless None) and each folder, uniquely named."""
    from autograder.similarity import collect

    locations = [collect.Location("reference solution", reference, "known")] if reference else []
    names: set[str] = {loc.name for loc in locations}
    for folder in folders:
        if not folder.is_dir():
            raise CourseError(f"--against {folder}: not a folder")
        name = collect.safe(folder.resolve().name or str(folder), 60)
        candidate, n = name, 1
        while candidate in names:
            n += 1
            candidate = f"{name} ({n})"
        names.add(candidate)
        locations.append(collect.Location(candidate, folder, "known"))
    return locations


def analyse(hw: str, submissions: Path, against: list[Path], *, reference: bool = True,
            threshold: float = FLAG_EVIDENCE, workers: int = 1,
            progress: bool = False) -> report.Result:
    """Read, compare and rank: everything the report shows."""
    from tqdm import tqdm

    from autograder.manifest import load_assignment
    from autograder.similarity import collect, compare, reader, report

    assignment = load_assignment(hw)
    expected = set(assignment.modules) | set(assignment.notebooks)
    if submissions.is_file():
        raise CourseError(f"{submissions} is a file: SUBMISSIONS must be a folder (unzip "
                          "Gradescope's export first)")
    if not submissions.is_dir():
        raise CourseError(f"submissions folder {submissions} does not exist")
    try:
        students, notes = collect.find_submissions(submissions, hw)
    except OSError as exc:
        raise CourseError(str(exc)) from None
    known = known_locations(against, source_dir(hw) if reference else None)
    stub = reader.build_stub(release_dir(hw))
    locations = students + known
    with tqdm(total=len(locations), desc="reading", unit="submission", file=sys.stderr,
              disable=None if progress else True, mininterval=0.5) as bar:  # None: on a tty
        docs = reader.read_all(locations, expected, stub, workers, bar.update)
    weights = compare.weigh(docs)
    pairs = compare.rank_pairs(docs, weights, threshold)
    result = report.Result(hw, docs, weights, pairs, threshold, notes=notes)
    compare.fill_shares(pairs[:report.MAX_CSV], docs)
    for index, pair in enumerate(pairs[:report.MAX_LISTED]):  # detailed ones included
        result.details[index] = compare.unit_matches(docs[pair.a], docs[pair.b], weights)
    return result


def write(result: report.Result, out: Path) -> Path:
    """Write the HTML report to ``out`` and the CSV beside it; returns the CSV's path."""
    from autograder.similarity import report

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.html_text(result), encoding="utf-8")
    csv_path = out.with_suffix(".csv")
    csv_path.write_text(report.csv_text(result), encoding="utf-8")
    return csv_path


def run(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise CourseError("--workers must be at least 1")
    submissions = args.submissions or course_root() / "submitted"
    out = args.out or course_root() / "build" / "similarity" / f"{args.assignment}.html"
    start = time.perf_counter()
    result = analyse(args.assignment, submissions, args.against,
                     reference=not args.no_reference, threshold=args.threshold,
                     workers=args.workers, progress=True)
    csv_path = write(result, out)
    flagged = [p for p in result.pairs if p.flagged]
    print(f"{args.assignment}: {len(result.students)} submissions, {len(result.known)} known "
          f"solution(s), {len(result.pairs)} pair(s) sharing unusual code, {len(flagged)} "
          f"flagged (evidence >= {args.threshold:g}); {time.perf_counter() - start:.1f} s")
    for rank, pair in enumerate(result.pairs[:SHOWN], start=1):
        a, b = result.docs[pair.a], result.docs[pair.b]
        mark = "FLAGGED" if pair.flagged else ""
        print(f"  {rank:>3}. {pair.evidence:7.1f}  {a.name}  ~  {b.name}"
              f"{' (known)' if b.kind == 'known' else ''}  {mark}".rstrip())
    unread = sum(1 for d in result.docs if d.problems) + len(result.notes)
    if unread:
        print(f"{unread} submission(s) or folder(s) could not be read in full: see the report")
    print(f"wrote {out}\nwrote {csv_path}")
    return 0
