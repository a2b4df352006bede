"""``course verify <hw>... | --all``: prove the grader before students see it.

For each assignment: the reference solution scores full marks; the untouched release
scores zero without any internal grader error; every seeded bug (mutant) loses points;
every accepted variant scores full marks; no degenerate answer (``autograder.degenerate``)
earns points on the tests of its function; each cell the suite grades exists, and release/
gives it the suite's points.
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder import runner
from autograder.commands import assignment_list
from autograder.degenerate import answer_rows
from autograder.mutants import load_mutants, materialize
from autograder.paths import assignment_dir, release_dir, source_dir


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    p = sub.add_parser(name, help="reference = full marks, release = 0, mutants lose points")
    p.add_argument("assignments", nargs="*", metavar="HW")
    p.add_argument("--all", action="store_true", help="every assignment")


@dataclass
class Row:
    subject: str
    score: float
    max_score: float
    expectation: str
    ok: bool
    detail: str = ""


def point_checks(suite: runner.LoadedSuite) -> list[Row]:
    """Each cell the suite grades is an autograded cell of a source notebook, and release/
    gives it the suite's points (points are typed only in the suite)."""
    from autograder.notebook_cells import autograded_cells  # nbformat: instructor side only
    from autograder.release.graded_cells import points_per_cell

    a = suite.assignment
    source: dict[str, float] = {}
    released: dict[str, float] = {}
    for nb in a.notebooks:
        if (source_dir(a.id) / nb).is_file():
            source.update(autograded_cells(source_dir(a.id) / nb))
        if (release_dir(a.id) / nb).is_file():
            released.update(autograded_cells(release_dir(a.id) / nb))
    rows = []
    for cell, points in sorted(points_per_cell(suite.tests).items()):
        got = released.get(cell, 0.0)
        detail = ("no autograded cell of that name in the source notebooks"
                  if cell not in source else
                  "" if got == points else f"stale: run `course release {a.id}`")
        rows.append(Row(f"cell {cell}", got, points, "release/ == suite", not detail, detail))
    for cell in sorted(set(source) - {t.cell for t in suite.tests}):
        rows.append(Row(f"cell {cell}", 0, 0, "has graded tests", False,
                        "autograded cell without suite tests"))
    return rows


def verify_one(hw: str) -> list[Row]:
    suite = runner.load(hw)
    rows = point_checks(suite)

    ref = runner.grade(suite, source_dir(hw))
    rows.append(Row("reference", ref.score, ref.max_score, "full marks",
                    ref.score == ref.max_score and not ref.grader_errors,
                    "; ".join(r.name for r in ref.results if not r.passed)))
    rel = runner.grade(suite, release_dir(hw))
    not_impl = [r for r in rel.results
                if "not implemented" not in r.message and "is missing" not in r.message]
    rows.append(Row("release (untouched)", rel.score, rel.max_score, "zero, 'not implemented'",
                    rel.score == 0 and not rel.grader_errors and not not_impl,
                    "; ".join(r.name for r in not_impl)))
    with tempfile.TemporaryDirectory(prefix=f"verify-{hw}-") as tmp:
        for i, mutant in enumerate(load_mutants(assignment_dir(hw) / "mutants.toml")):
            folder = materialize(mutant, source_dir(hw), Path(tmp) / f"m{i}")
            res = runner.grade(suite, folder)
            caught = [r.name for r in res.results if not r.passed]
            rows.append(Row(f"mutant: {mutant.name}", res.score, res.max_score, "loses points",
                            res.score < res.max_score and not res.grader_errors,
                            f"caught by {len(caught)} test(s)"))
        rows.extend(Row(*row) for row in answer_rows(suite, hw, Path(tmp)))
    return rows


def run(args: argparse.Namespace) -> int:
    failed = 0
    for hw in assignment_list(args):
        rows = verify_one(hw)
        width = max(len(r.subject) for r in rows)
        print(f"\n{hw}")
        print(f"  {'subject':<{width}}  {'score':>11}  {'expected':<26} result")
        for r in rows:
            status = "ok" if r.ok else "FAIL"
            score = f"{r.score:g}/{r.max_score:g}"
            line = f"  {r.subject:<{width}}  {score:>11}  {r.expectation:<26} {status}"
            print(line + (f"  ({r.detail})" if r.detail else ""))
        bad = sum(not r.ok for r in rows)
        failed += bad
        print(f"  {'all checks passed' if not bad else f'{bad} check(s) FAILED'}")
    return 1 if failed else 0
