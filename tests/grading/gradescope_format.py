"""Gradescope's results.json format, as its autograder specification documents it.

https://gradescope-autograders.readthedocs.io/en/latest/specs/ ("Output format"): a score
(at the top, or on every test), optional execution_time, output, visibility,
stdout_visibility, extra_data and tests, and an optional leaderboard: a list of
``{"name": ..., "value": number or string, "order": "asc" | "desc"}`` (descending when
no order is given; https://gradescope-autograders.readthedocs.io/en/latest/leaderboards/).
``format_problems`` lists what a results.json does wrong.
"""

from __future__ import annotations

from numbers import Real
from typing import Any

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
STATUS = {"passed", "failed"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}
TOP_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format",
            "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
            "leaderboard"}
TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output",
             "output_format", "tags", "visibility", "extra_data"}
BOARD_KEYS = {"name", "value", "order"}


def _number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and value == value


def _test_problems(index: int, test: Any, top_score: bool) -> list[str]:
    if not isinstance(test, dict):
        return [f"tests[{index}] is not an object"]
    where = f"tests[{index}]"
    problems = [f"{where} has the unknown key {key!r}" for key in set(test) - TEST_KEYS]
    if "score" in test and not _number(test["score"]):
        problems.append(f"{where}.score is not a number")
    if "score" not in test and not top_score:
        problems.append(f"{where} has no score and there is no top-level score")
    if "max_score" in test and not _number(test["max_score"]):
        problems.append(f"{where}.max_score is not a number")
    for key in ("name", "output", "number"):
        if key in test and not isinstance(test[key], str):
            problems.append(f"{where}.{key} is not a string")
    if test.get("status", "passed") not in STATUS:
        problems.append(f"{where}.status is not one of {sorted(STATUS)}")
    if test.get("visibility", "visible") not in VISIBILITY:
        problems.append(f"{where}.visibility is not one of {sorted(VISIBILITY)}")
    for key in ("name_format", "output_format"):
        if test.get(key, "text") not in FORMATS:
            problems.append(f"{where}.{key} is not one of {sorted(FORMATS)}")
    tags = test.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        problems.append(f"{where}.tags is not a list of strings")
    return problems


def _board_problems(board: Any) -> list[str]:
    if not isinstance(board, list):
        return ["leaderboard is not a list"]
    problems = []
    for index, entry in enumerate(board):
        where = f"leaderboard[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where} is not an object")
            continue
        problems += [f"{where} has the unknown key {key!r}" for key in set(entry) - BOARD_KEYS]
        if not isinstance(entry.get("name"), str) or not entry.get("name"):
            problems.append(f"{where}.name is not a non-empty string")
        if not (_number(entry.get("value")) or isinstance(entry.get("value"), str)):
            problems.append(f"{where}.value is neither a number nor a string")
        if entry.get("order", "desc") not in ("asc", "desc"):
            problems.append(f"{where}.order is neither 'asc' nor 'desc'")
    names = [entry.get("name") for entry in board if isinstance(entry, dict)]
    if len(names) != len(set(names)):
        problems.append("leaderboard names a column twice")
    return problems


def format_problems(results: Any) -> list[str]:
    """What makes ``results`` (a parsed results.json) not follow Gradescope's format."""
    if not isinstance(results, dict):
        return ["results.json is not an object"]
    problems = [f"unknown top-level key {key!r}" for key in set(results) - TOP_KEYS]
    top_score = "score" in results
    if top_score and not _number(results["score"]):
        problems.append("score is not a number")
    if "execution_time" in results and not _number(results["execution_time"]):
        problems.append("execution_time is not a number")
    if "output" in results and not isinstance(results["output"], str):
        problems.append("output is not a string")
    for key in ("visibility", "stdout_visibility"):
        if results.get(key, "visible") not in VISIBILITY:
            problems.append(f"{key} is not one of {sorted(VISIBILITY)}")
    if "extra_data" in results and not isinstance(results["extra_data"], dict):
        problems.append("extra_data is not an object")
    tests = results.get("tests", [])
    if not isinstance(tests, list):
        problems.append("tests is not a list")
        tests = []
    if not top_score and not tests:
        problems.append("neither a top-level score nor tests")
    for index, test in enumerate(tests):
        problems += _test_problems(index, test, top_score)
    if "leaderboard" in results:
        problems += _board_problems(results["leaderboard"])
    return problems
