"""`course similarity` on the two layouts: nbgrader's submitted/ and a Gradescope export
(one folder or zip per student, extra top folders, names from submission_metadata.yml)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from classroom import ROOT, author_bodies, course, write_student

from autograder.commands.similarity import analyse
from autograder.verification.simulate import make_course, make_submission

pytestmark = pytest.mark.slow  # runs `course similarity` on several layouts

HW = "hw1_softmax"


def test_nbgrader_submitted_is_the_default(tmp_path):
    """In a course folder, does `course similarity <hw>` read submitted/<student>/<hw>/,
    ignore students of other assignments, and write build/similarity/<hw>.html?"""
    course_dir = make_course(tmp_path / "course", [HW])
    submitted = course_dir / "submitted"
    for author in ("ana", "ben"):
        write_student(submitted / author / HW, HW, author_bodies(HW, author))
    write_student(submitted / "copier" / HW, HW, author_bodies(HW, "ana"), seed=5)
    make_submission(submitted / "mo" / HW, HW, "source")
    (submitted / "zoe" / "hw2_fcnet").mkdir(parents=True)
    env = {**os.environ, "COURSE_ROOT": str(course_dir)}
    proc = subprocess.run([sys.executable, "-m", "autograder", "similarity", HW],
                          cwd=course_dir, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "4 submissions" in proc.stdout  # zoe has no hw1_softmax folder
    rows = list(csv.DictReader((course_dir / "build" / "similarity" / f"{HW}.csv").open()))
    assert {rows[0]["a"], rows[0]["b"]} == {"ana", "copier"} and rows[0]["flagged"] == "yes"
    assert (course_dir / "build" / "similarity" / f"{HW}.html").is_file()


def _zip(folder: Path, archive: Path, top: str | None) -> None:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.iterdir()):
            zf.write(path, f"{top}/{path.name}" if top else path.name)


def test_gradescope_export_with_folders_zips_and_names(tmp_path):
    """Does a Gradescope export (a folder per submission, some zipped, some with an extra
    top folder), given as the folder it was unzipped into, compare them all, naming
    students from submission_metadata.yml?"""
    export = tmp_path / "downloads" / "assignment_123_export"
    export.mkdir(parents=True)
    work = tmp_path / "work"
    write_student(export / "submission_101" / HW, HW, author_bodies(HW, "ana"))  # top folder
    copier = write_student(work / "copier", HW, author_bodies(HW, "ana"), seed=9,
                           line_length=70)
    _zip(copier, export / "submission_102.zip", "my homework")  # zipped, top folder
    ben = write_student(work / "ben", HW, author_bodies(HW, "ben"))
    _zip(ben, export / "submission_103.zip", None)  # zipped, flat
    write_student(export / "submission_104", HW, author_bodies(HW, "cai"))  # flat folder
    (export / "submission_104" / "__MACOSX").mkdir()
    (export / "submission_metadata.yml").write_text(
        "submission_101:\n  :submitters:\n  - :name: Ana Lopez\n    :email: ana@example.edu\n"
        "submission_102:\n  :submitters:\n  - :name: Cory Pier\n  - :name: Dee Lane\n"
        "submission_103:\n  :submitters:\n  - :email: ben@example.edu\n")
    out = tmp_path / "report.html"
    proc = course("similarity", HW, str(export.parent), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "4 submissions" in proc.stdout
    rows = list(csv.DictReader(out.with_suffix(".csv").open()))
    assert (rows[0]["a"], rows[0]["b"]) == ("Ana Lopez", "Cory Pier & Dee Lane")
    assert rows[0]["flagged"] == "yes"
    assert "could not be read" not in proc.stdout
    result = analyse(HW, export, [], reference=False)
    read = {d.name: sorted(d.files) for d in result.docs}
    expected = sorted(["softmax.py", "gradient_descent.py", "softmax.ipynb",
                       "gradient_descent.ipynb"])
    assert read == {name: expected for name in ("Ana Lopez", "Cory Pier & Dee Lane",
                                                "ben@example.edu", "submission_104")}
    zipped = course("similarity", HW, str(export / "submission_102.zip"))
    assert zipped.returncode == 2 and "unzip" in zipped.stderr


def test_against_several_folders_and_no_reference(tmp_path):
    """Do several --against folders (a shell glob) each count as one known source, and
    does --no-reference leave the reference out?"""
    export = tmp_path / "class"
    write_student(export / "ana", HW, author_bodies(HW, "ana"))
    write_student(export / "ben", HW, author_bodies(HW, "ben"))
    repos = tmp_path / "repos"
    write_student(repos / "alpha" / "hw1", HW, author_bodies(HW, "ben"), seed=4)
    write_student(repos / "beta", HW, author_bodies(HW, "cai"))
    shutil.copytree(ROOT / "source" / HW, repos / "gamma")  # the reference, leaked
    out = tmp_path / "r.html"
    proc = course("similarity", HW, str(export), "--against", str(repos / "alpha"),
                  str(repos / "beta"), "--against", str(repos / "gamma"), "--no-reference",
                  "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "3 known solution(s)" in proc.stdout
    rows = list(csv.DictReader(out.with_suffix(".csv").open()))
    assert (rows[0]["a"], rows[0]["b"], rows[0]["b_kind"]) == ("ben", "alpha", "known")
    assert not any(r["b"] == "reference solution" for r in rows)
    bad = course("similarity", HW, str(export), "--against", str(tmp_path / "missing"))
    assert bad.returncode == 2 and "not a folder" in bad.stderr
