"""Replaying docs/authoring.md: its ``<!-- step: VERB ARGS -->`` comments, each followed by
the fenced block(s) it applies.

    run                        the block is bash, run in the course folder (must exit 0)
    append PATH                the block is added at the end of PATH
    replace PATH[#CELL_ID]     two blocks: the first, which must occur once, becomes the
                               second (in a notebook cell's source with #CELL_ID)
    cell PATH KIND [FLAGS]     a new cell at the end of the notebook PATH; KIND is markdown
                               or code; FLAGS: autograded (nbgrader "Autograder tests"),
                               answer (nbgrader "Manually graded answer"), grade_id=ID,
                               points=N
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"
_STEP = re.compile(r"<!-- step: (?P<verb>run|append|replace|cell)(?: (?P<args>[^>]*?))? -->")
_FENCE = re.compile(r"^```[\w-]*\n(?P<body>.*?)^```$", re.S | re.M)


@dataclass
class Step:
    verb: str
    args: list[str]
    blocks: list[str]


def steps(text: str | None = None) -> list[Step]:
    text = GUIDE.read_text() if text is None else text
    found = []
    for match in _STEP.finditer(text):
        wanted = 2 if match["verb"] == "replace" else 1
        blocks = [m["body"] for m in _FENCE.finditer(text, match.end())][:wanted]
        assert len(blocks) == wanted, f"step {match[0]} lacks its block"
        found.append(Step(match["verb"], (match["args"] or "").split(), blocks))
    return found


def _nbgrader(flags: dict[str, str]) -> dict:
    grade_id = flags.get("grade_id", "")
    if "autograded" in flags:
        meta = {"grade": True, "solution": False, "locked": True, "points": 0}
    elif "answer" in flags:
        meta = {"grade": True, "solution": True, "locked": False,
                "points": float(flags.get("points", 0))}
    else:
        return {}
    return {"nbgrader": {**meta, "grade_id": grade_id, "schema_version": 3, "task": False}}


def apply(step: Step, course: Path, env: dict[str, str]) -> str:
    """Apply one step to the course folder; returns what a `run` step printed."""
    if step.verb == "run":
        proc = subprocess.run(["bash", "-euo", "pipefail", "-c", step.blocks[0]], cwd=course,
                              env=env, capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, f"{step.blocks[0]}\n{proc.stdout}\n{proc.stderr}"
        return proc.stdout
    path, _, cell_id = step.args[0].partition("#")
    target = course / path
    if step.verb == "append":
        with target.open("a") as fh:
            fh.write(step.blocks[0])
    elif step.verb == "replace":
        old, new = (block.rstrip("\n") for block in step.blocks)
        if cell_id:
            nb = nbformat.read(target, as_version=4)
            cell = next(c for c in nb.cells if c.get("id") == cell_id)
            assert cell.source.count(old) == 1, (old, cell.source)
            cell.source = cell.source.replace(old, new)
            nbformat.write(nb, target)
        else:
            text = target.read_text()
            assert text.count(old) == 1, (old, path)
            target.write_text(text.replace(old, new))
    elif step.verb == "cell":
        kind = step.args[1]
        flags = dict(arg.partition("=")[::2] for arg in step.args[2:])
        nb = nbformat.read(target, as_version=4)
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(make(step.blocks[0].rstrip("\n"), metadata=_nbgrader(flags)))
        nbformat.write(nb, target)
    else:
        raise AssertionError(f"unknown step verb {step.verb!r}")
    return ""


def course_env(course: Path) -> dict[str, str]:
    """`course` and `jupyter` of this interpreter first on PATH, pointed at ``course``."""
    bindir = str(Path(sys.executable).parent)
    return {**os.environ, "COURSE_ROOT": str(course),
            "PATH": os.pathsep.join([bindir, os.environ.get("PATH", "")])}
