"""Hostile submissions: links, pipes, huge files, binary junk, bad encodings, code and
notebooks that do not parse, zip bombs, odd names. Each is reported for its student;
the run never stops, never follows a link and never prints a name unescaped."""

from __future__ import annotations

import csv
import os
import shutil
import stat
import zipfile
from pathlib import Path

import numpy as np
import pytest
from classroom import author_bodies, course, write_student

from autograder.commands.similarity import analyse
from autograder.similarity import collect, reader, synthetic
from autograder.similarity.collect import MAX_MODULE_BYTES
from autograder.verification.simulate import make_submission

pytestmark = pytest.mark.slow  # runs `course similarity` on a hostile class

HW = "hw1_softmax"
SECRET = "TOPSECRET_7f3a"


def _student(folder: Path, author: str, **kwargs) -> Path:
    return write_student(folder, HW, author_bodies(HW, author), **kwargs)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A class of honest students and hostile ones, the command's output, the report and
    the CSV rows."""
    base = tmp_path_factory.mktemp("hostile")
    secret = base / "secret.py"
    secret.write_text(f"{SECRET} = 1\n\ndef leaked():\n    return {SECRET} * 2\n" * 30)
    cls = base / "class"
    for author in ("ana", "ben", "cai", "dan"):
        _student(cls / author, author)
    _student(cls / "copier", "ana", seed=11, line_length=66)

    def stub(name: str) -> Path:  # no code of its own: only what the test adds counts
        return make_submission(cls / name, HW, "release")

    link = stub("linker")
    for name in ("softmax.py", "gradient_descent.ipynb"):
        (link / name).unlink()
        (link / name).symlink_to(secret)
    os.mkfifo(stub("piper") / "fifo.py")
    (stub("huge") / "softmax.py").write_text("x = 1\n" * (MAX_MODULE_BYTES // 6 + 10))
    (stub("junk") / "softmax.py").write_bytes(os.urandom(3000) + b"\0\0\0")

    latin = _student(cls / "latin", "cai")  # cai's code, a comment in Latin-1
    text = (latin / "softmax.py").read_bytes()
    (latin / "softmax.py").write_bytes(text.replace(b"import sys", b"import sys  # \xe9t\xe9", 1))

    broken = _student(cls / "broken", "ben")  # ben's code with a syntax error in one function
    text = (broken / "softmax.py").read_text()
    (broken / "softmax.py").write_text(text.replace("    N, C = X.shape[0], W.shape[1]\n",
                                                    "    N, C = X.shape[0], W.shape[1]]\n", 1))

    notebooks = stub("notebooks")
    (notebooks / "softmax.ipynb").write_text('{"cells": [ {"cell_type": "code", "sour')
    (notebooks / "gradient_descent.ipynb").write_text('{"cells": 5, "nbformat": 4}')
    (stub("deep") / "gradient_descent.py").write_text(
        "x = " + "1 + " * 60_000 + "1\n" + "y = " + "(" * 300 + "1" + ")" * 300 + "\n")

    with zipfile.ZipFile(cls / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("softmax.py", " " * (64 << 20))
    (cls / "corrupt.zip").write_bytes(b"PK\x03\x04" + os.urandom(500))
    with zipfile.ZipFile(cls / "linkzip.zip", "w") as zf:
        info = zipfile.ZipInfo("softmax.py")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, str(secret))

    odd = _student(cls / "<b onmouseover=alert(1)>evil", "dan")  # and its copy: a pair
    module = odd / "softmax.py"
    module.write_text(synthetic.personalize(module.read_text(), np.random.default_rng(1), 6))
    shutil.copytree(odd, cls / '=HYPERLINK("x")')
    (odd / "gradient_descent.py").rename(odd / "grad\nient\x1b[31m.py")
    (cls / "ghost").symlink_to(base / "elsewhere", target_is_directory=True)
    shutil.copytree(cls / "ana", base / "elsewhere")
    (cls / "empty").mkdir()

    out = base / "report" / "report.html"
    proc = course("similarity", HW, str(cls), "--out", str(out), "--workers", "2",
                  timeout=240)
    rows = list(csv.DictReader(out.with_suffix(".csv").open())) if out.exists() else []
    return proc, out.read_text() if out.exists() else "", rows, cls


def _problems(page: str, student: str) -> str:
    """The report's problem lines of one student (HTML-escaped name)."""
    table = page[page.index("Problems and notes"):]
    table = table[:table.index("</table>")]
    return "\n".join(row for row in table.split("<tr>") if f"<td>{student}</td>" in row)


def test_the_run_completes_and_still_finds_the_copy(hostile):
    """Does the run end normally (exit 0) with the honest copy still flagged?"""
    proc, _, rows, _ = hostile
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    pairs = {frozenset((r["a"], r["b"])): r for r in rows}
    assert pairs[frozenset(("ana", "copier"))]["flagged"] == "yes"


@pytest.mark.parametrize(("student", "problem"), [
    ("linker", "softmax.py: a symbolic link: not followed"),
    ("linker", "gradient_descent.ipynb: a symbolic link: not followed"),
    ("piper", "fifo.py: not a regular file"),
    ("huge", "softmax.py: 1,048,"),
    ("junk", "softmax.py: binary data, not text: not compared"),
    ("latin", "softmax.py: not valid UTF-8"),
    ("broken", "softmax.py: does not parse (line "),
    ("notebooks", "softmax.ipynb: not a readable notebook"),
    ("notebooks", "gradient_descent.ipynb: not a notebook (no list of cells)"),
    ("deep", "gradient_descent.py: does not parse"),
    ("bomb", "softmax.py: 67,108,864 bytes, over the 1 MiB limit: not compared"),
    ("piper", "no code of their own found (nothing beyond the released stub)"),
    ("corrupt", "could not be opened"),
    ("linkzip", "softmax.py: a symbolic link: not followed"),
    ("empty", "no .py or .ipynb file found"),
    ("(submissions folder)", "ghost: a symbolic link: not followed"),
])
def test_each_problem_is_reported_for_its_student(hostile, student, problem):
    """Is each hostile file reported on its student's line of the report?"""
    _, page, _, _ = hostile
    lines = _problems(page, student) if student[0] != "(" else page
    assert problem in lines, lines[:2000]


def test_links_are_never_followed(hostile):
    """Does nothing of the file behind a symbolic link (in a folder, a zip, or a linked
    student folder) reach the report or the CSV?"""
    _, page, rows, cls = hostile
    assert SECRET not in page and SECRET not in str(rows)
    assert "leaked" not in page


def test_code_that_does_not_parse_is_still_compared(hostile):
    """Are the parts of a file with a syntax error, and a file in Latin-1, still compared
    (each flagged against the author it came from)?"""
    _, _, rows, _ = hostile
    pairs = {frozenset((r["a"], r["b"])): r for r in rows}
    assert pairs[frozenset(("ben", "broken"))]["flagged"] == "yes"
    assert pairs[frozenset(("cai", "latin"))]["flagged"] == "yes"


def test_names_are_escaped_in_the_report_and_the_csv(hostile):
    """Are odd names shown escaped in HTML, without control characters, and kept from
    running as spreadsheet formulas?"""
    proc, page, rows, _ = hostile
    assert "<b onmouseover" not in page and "&lt;b onmouseover=alert(1)&gt;evil" in page
    assert "\x1b" not in page and "\x1b" not in proc.stdout
    assert "grad?ient?[31m.py" in page
    names = {r["a"] for r in rows} | {r["b"] for r in rows}
    assert "'=HYPERLINK(\"x\")" in names
    assert not any(n.startswith("=") for n in names)


def test_a_submission_that_kills_its_reader_loses_only_itself(tmp_path, monkeypatch):
    """When reading one submission kills the worker process, are the others still read and
    that one reported?"""
    for author in ("ana", "ben", "cai"):
        _student(tmp_path / author, author)
    shutil.copytree(tmp_path / "ana", tmp_path / "crasher")
    real = reader.read_document

    def deadly(loc, expected, stub):
        if loc.name == "crasher":
            os._exit(3)
        return real(loc, expected, stub)

    monkeypatch.setattr(reader, "read_document", deadly)  # inherited by forked workers
    locations, _ = collect.find_submissions(tmp_path, HW)
    stub = reader.build_stub(reader.Path(collect.__file__).parents[2] / "release" / HW)
    docs = reader.read_all(locations, {"softmax.py"}, stub, workers=2)
    assert [d.name for d in docs] == ["ana", "ben", "cai", "crasher"]
    assert docs[3].problems == ["reading it crashed the reading process: not compared"]
    assert all(len(d.fps) > 50 for d in docs[:3])


def test_an_unreadable_submissions_folder_is_an_error_not_a_traceback(tmp_path):
    """Does a missing submissions folder, or an unknown assignment, end with exit 2 and
    one line?"""
    proc = course("similarity", HW, str(tmp_path / "nowhere"))
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = course("similarity", "hw9_nothing", str(tmp_path))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert analyse(HW, tmp_path, []).pairs == []  # an empty class is fine
