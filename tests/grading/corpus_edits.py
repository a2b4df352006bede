"""The building blocks of the grading corpus: what a case is, where things are for cases
that aim at them, and the ways of editing a submission that cases are made of."""

from __future__ import annotations

import json
import secrets
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HW = "hw1_softmax"
NAIVE, VECTORIZED = "softmax_loss_naive", "softmax_loss_vectorized"
TRAIN, PREDICT = "SoftmaxClassifier.train", "SoftmaxClassifier.predict"
GD, SGD = "gradient_descent", "minibatch_sgd"
SOFTMAX_ALL = (NAIVE, VECTORIZED, TRAIN, PREDICT)
GD_ALL = (GD, SGD)
EVERYTHING = SOFTMAX_ALL + GD_ALL
# What cases try to leave behind carries a number of its own per process that builds a
# corpus, so that no test run (another pytest-xdist worker, another developer's run on a
# shared machine) mistakes what another left for a moment for its own: the fraction of a
# second that leftover processes sleep, the names of litter files, the key of a System V
# segment.
_RUN = secrets.randbelow(900_000) + 100_000
SLEEP_FORK, SLEEP_SHELL, SLEEP_SESSION = (f"{s}.{_RUN}" for s in (607, 608, 611))
LEFTOVER_MARKERS = tuple(f"sleep {s}" for s in (SLEEP_FORK, SLEEP_SHELL, SLEEP_SESSION))
# what must never reach a student-visible text: a root-only file's content, a secret of
# the grader's environment
SECRET = "corpus-secret-file-7f3a9c"
TOKEN = "corpus-token-env-91b2d4"
# the name of files cases try to leave where anyone may write, and their segment's key
LITTER = f"corpus-litter-{_RUN}"
SHM_KEY = 0x5E000000 + _RUN


@dataclass(frozen=True)
class Context:
    """Where things are, for cases that aim at them."""

    course: Path  # the course folder (reference in source/, suites in assignments/)
    targets: tuple[Path, ...]  # result files a forger would overwrite
    references: tuple[Path, ...]  # where each grading path keeps the reference softmax.py
    secret: Path  # a root-only file outside the course, holding SECRET
    victim: Path  # a root-only file outside the course that cases try to overwrite


@dataclass(frozen=True)
class Case:
    name: str
    about: str
    damage: Callable[[Path, Context], None]
    lost: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    needs_root: bool = False
    folder: str = ""  # where the graded files sit inside the upload ("" = top level)
    student: str = ""  # the student id / folder name, when the case is about it
    notice: str = ""  # words the report must say about a file that was not used
    some: bool = False  # only some tests of the lost functions read what is broken

    @property
    def student_id(self) -> str:
        return self.student or self.name


# ----- ways of editing a submission ---------------------------------------------------
def append(module: str, code: str) -> Callable[[Path, Context], None]:
    def edit(folder: Path, ctx: Context) -> None:
        path = folder / module
        path.write_text(path.read_text() + "\n\n" + textwrap.dedent(code).strip() + "\n")
    return edit


def prepend(module: str, code: str) -> Callable[[Path, Context], None]:
    """Put ``code`` first among the module's imports (after ``from __future__``)."""
    def edit(folder: Path, ctx: Context) -> None:
        path = folder / module
        future = "from __future__ import annotations\n"
        head, sep, rest = path.read_text().partition(future)
        if not sep:
            head, rest = "", head
        path.write_text(head + sep + textwrap.dedent(code).strip() + "\n" + rest)
    return edit


def replace(module: str, old: str, new: str) -> Callable[[Path, Context], None]:
    def edit(folder: Path, ctx: Context) -> None:
        path = folder / module
        text = path.read_text()
        assert old in text, (module, old)
        path.write_text(text.replace(old, new))
    return edit


def wrap(module: str, target: str, before: str = "", after: str = "result"
         ) -> Callable[[Path, Context], None]:
    """Redefine function (or ``Class.method``) ``target`` at the end of ``module``: run
    ``before``, call the original, return ``after`` (an expression of ``result``)."""
    owner, _, name = target.rpartition(".")
    body = textwrap.indent(textwrap.dedent(before).strip() or "pass", "    ")
    original = f"_corpus_original_{name}"
    code = f"""
import os, signal, subprocess, sys, time
{original} = {target}

def _corpus_{name}(*args, **kwargs):
{body}
    result = {original}(*args, **kwargs)
    return {after}
"""
    code += f"\n{owner}.{name} = _corpus_{name}\n" if owner else f"\n{name} = _corpus_{name}\n"
    return append(module, code)


def delete(*names: str) -> Callable[[Path, Context], None]:
    def edit(folder: Path, ctx: Context) -> None:
        for name in names:
            (folder / name).unlink()
    return edit


def with_context(make: Callable[[Context], Callable[[Path, Context], None]]
                 ) -> Callable[[Path, Context], None]:
    """A damage whose code needs the paths of this run (the course, the result files)."""
    return lambda folder, ctx: make(ctx)(folder, ctx)


def edit_notebook(name: str, change: Callable[[dict], None]) -> Callable[[Path, Context], None]:
    def edit(folder: Path, ctx: Context) -> None:
        path = folder / name
        nb = json.loads(path.read_text())
        change(nb)
        path.write_text(json.dumps(nb, indent=1))
    return edit


def grade_id_of(cell: dict) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def test_cell_index(nb: dict, grade_id: str) -> int:
    return next(i for i, c in enumerate(nb["cells"]) if grade_id_of(c) == grade_id)


def code_cell(source: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": source}


def delete_cell(nb: dict) -> None:
    del nb["cells"][test_cell_index(nb, "test_softmax_loss_naive")]


def duplicate_cell(nb: dict) -> None:
    i = test_cell_index(nb, "test_softmax_loss_vectorized")
    nb["cells"].insert(i, json.loads(json.dumps(nb["cells"][i])))


def split_cell(nb: dict) -> None:
    """What Jupyter's "split cell" does: two cells with the same metadata."""
    i = test_cell_index(nb, "test_softmax_classifier")
    cell = nb["cells"][i]
    lines = "".join(cell["source"]).splitlines(keepends=True)
    half = max(1, len(lines) // 2)
    second = json.loads(json.dumps(cell))
    cell["source"], second["source"] = "".join(lines[:half]), "".join(lines[half:])
    nb["cells"].insert(i + 1, second)


def edit_locked_cell(nb: dict) -> None:
    cell = nb["cells"][test_cell_index(nb, "test_gradient_descent")]
    cell["source"] = "# full marks, please\n10.0\n"


def insert_first(source: str) -> Callable[[dict], None]:
    def change(nb: dict) -> None:
        first = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code")
        nb["cells"].insert(first + 1, code_cell(source))
    return change
