"""Turning a ``SuiteResult`` into what people and tools read.

- ``table``: the terminal table ``course grade`` prints;
- ``gradescope_json``: Gradescope's ``results.json``;
- ``cell_summary``: the lines an nbgrader test cell prints before its points.
"""

from __future__ import annotations

import json
import textwrap
from typing import Any

from autograder import textcap
from autograder.runner import SuiteResult, TestResult


def _status(r: TestResult) -> str:
    if r.passed:
        return "ok"
    if r.grader_error:
        return "ERROR"
    return "partial" if r.score > 0 else "FAILED"


def table(result: SuiteResult, width: int = 100) -> str:
    """A fixed-width table: one row per test, failure messages indented below."""
    lines = [f"{result.assignment.title} — {textcap.shown_path(result.submission)}"]
    if result.missing_files:
        lines.append(f"missing files: {', '.join(result.missing_files)}")
    lines.extend(f"note: {notice}" for notice in result.notices)
    name_w = max([len(r.name) for r in result.results] + [4])
    lines.append(f"{'test':<{name_w}}  {'score':>11}  status")
    lines.append("-" * min(width, name_w + 24))
    for r, message in zip(result.results, messages(result), strict=True):
        score = f"{r.score:g}/{r.max_score:g}"
        lines.append(f"{r.name:<{name_w}}  {score:>11}  {_status(r)}")
        if r.message != "passed":  # failures, and notes on passed tests
            for para in message.splitlines():
                lines.extend(textwrap.wrap(para, width - 6, initial_indent="    ",
                                           subsequent_indent="      ") or ["    "])
    lines.append("-" * min(width, name_w + 24))
    total = f"{result.score:g}/{result.max_score:g}"
    lines.append(f"{'total':<{name_w}}  {total:>11}  ({result.seconds:.1f} s)")
    if result.isolation:
        lines.append(f"isolation: {result.isolation}")
    if result.grader_errors:
        lines.append(f"WARNING: {len(result.grader_errors)} test(s) hit an internal grader error")
    return "\n".join(lines)


def gradescope_json(result: SuiteResult) -> dict[str, Any]:
    """Gradescope's results.json: score, execution_time, and one entry per test."""
    tests = []
    for r, message in zip(result.results, messages(result), strict=True):
        output = r.title if r.message == "passed" else f"{r.title}\n{message}"
        tests.append({
            "name": f"{r.name}: {r.title}",
            "score": r.score,
            "max_score": r.max_score,
            "status": "passed" if r.passed else "failed",
            "output": output,
            "visibility": r.visibility,
            "tags": list(r.tags),
        })
    summary = f"{result.assignment.title}: {result.score:g}/{result.max_score:g} points"
    if result.missing_files:
        summary += f"\nMissing from your submission: {', '.join(result.missing_files)}"
    summary += "".join(f"\nNote: {notice}" for notice in result.notices)
    return {
        "score": result.score,
        "execution_time": round(result.seconds, 3),
        "output": summary,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def write_gradescope_json(result: SuiteResult, path: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(gradescope_json(result), fh, indent=2)
        fh.write("\n")


def messages(result: SuiteResult) -> list[str]:
    """Each test's message, cut so that together they stay within
    ``textcap.REPORT_CHARS`` (each test keeps at least a few lines' worth)."""
    budget = textcap.REPORT_CHARS
    share = max(500, budget // max(1, len(result.results)))
    out = []
    for r in result.results:
        text = r.message if len(r.message) <= share else textcap.cap(r.message, share)
        budget -= len(text)
        out.append(text if budget >= 0 else textcap.cap(text, 200))
    return out


def cell_summary(result: SuiteResult, cell: str | None = None) -> str:
    """Short lines for an nbgrader cell (all tests, or those of ``cell``): one per test,
    failures with their message, then the points; notes about unused files first."""
    lines = [f"Note: {notice}" for notice in result.notices]
    results = [r for r in result.results if cell is None or r.cell == cell]
    capped = dict(zip((id(r) for r in result.results), messages(result), strict=True))
    for r in results:
        mark = "PASS" if r.passed else "FAIL"
        lines.append(f"[{mark}] {r.title} ({r.score:g}/{r.max_score:g})")
        if r.message != "passed":
            lines.extend("       " + line for line in capped[id(r)].splitlines())
    score = round(sum(r.score for r in results), 6)
    lines.append(f"Points: {score:g}/{sum(r.max_score for r in results):g}")
    return "\n".join(lines)


def cell_results(result: SuiteResult) -> dict[str, dict[str, Any]]:
    """cell -> {"points", "summary"}: what each nbgrader test cell shows and earns."""
    cells = sorted({r.cell for r in result.results})
    return {cell: {"points": round(sum(r.score for r in result.results if r.cell == cell), 6),
                   "summary": cell_summary(result, cell)} for cell in cells}
