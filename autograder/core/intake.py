"""Taking in a submission: a private copy of its regular files, made without trusting it.

    with take_in(Path("submitted/alice/hw1_softmax")) as intake:
        intake.folder      # the grader's own copy (a folder only the grader can read)
        intake.refused     # {"softmax.py": "is a symbolic link", ...}

A submission's names, links and sizes are chosen by the student. Every grading path
reads the submission once, here, and works on the copy afterwards, so that nothing the
grader does (as root, on Gradescope and in CI) follows a link or opens a device, a FIFO
or a socket that a student planted: each folder is opened relative to its parent's
descriptor with ``O_NOFOLLOW``, and only regular files are copied, within size limits.
Everything else is listed in ``refused`` with the reason, for the student's report. The
copy is the grader's: student code later runs on copies of it, never on it.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from autograder.core.paths import CourseError
from autograder.core.textcap import shown_path

MAX_FILE_BYTES = 128 << 20  # one file (a saved model, say)
# tighter for the files the grader parses itself: a module, a notebook with its outputs
MAX_BYTES_BY_SUFFIX = {".py": 2 << 20, ".ipynb": 32 << 20, ".json": 1 << 20}
MAX_TOTAL_BYTES = 256 << 20  # the whole submission
MAX_ENTRIES = 2000  # files and folders
MAX_DEPTH = 12  # nested folders
SKIPPED = frozenset({"__MACOSX", "__pycache__", ".ipynb_checkpoints", ".git"})
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY
_KINDS = ((stat.S_ISLNK, "is a symbolic link"), (stat.S_ISFIFO, "is a named pipe (FIFO)"),
          (stat.S_ISSOCK, "is a socket"), (stat.S_ISCHR, "is a device"),
          (stat.S_ISBLK, "is a device"))


@dataclass
class Intake:
    """The grader's copy of one submission and what was left out of it."""

    folder: Path  # the copy (same layout as the submission)
    original: Path  # where it came from (for reports only; never read again)
    refused: dict[str, str] = field(default_factory=dict)  # relative path -> reason
    total_bytes: int = 0
    entries: int = 0

    def notices(self) -> list[str]:
        """One line per refused entry, for the student."""
        shown = [f"{shown_path(name, 80)} {reason}: it was not graded"
                 for name, reason in sorted(self.refused.items())]
        return shown[:20] + ([f"… and {len(shown) - 20} more"] if len(shown) > 20 else [])


def open_folder(path: Path, base: Path | None = None) -> int:
    """A descriptor of folder ``path``. When ``base`` is given (a folder the grader
    trusts), every component of ``path`` below it is opened without following links;
    otherwise only the last one is. Raises ``CourseError`` when it is not a real folder."""
    path = Path(path)
    if base is None:
        parts, fd = [path.name], os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    else:
        parts = list(path.relative_to(base).parts)
        fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for part in parts:
            try:
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                raise CourseError(f"{path} is not a folder the grader can take in "
                                  f"({os.strerror(exc.errno or 0).lower()}; links are "
                                  "not followed)") from None
            os.close(fd)
            fd = child
        return fd
    except BaseException:
        os.close(fd)
        raise


def copy_tree(src_fd: int, dest: Path, intake: Intake, prefix: str = "", depth: int = 0) -> None:
    """Copy the regular files under the folder ``src_fd`` into ``dest`` (which exists),
    recording what is refused."""
    try:
        names = sorted(os.listdir(src_fd))
    except OSError as exc:
        intake.refused[prefix or "."] = f"could not be read ({exc.strerror})"
        return
    for name in names:
        rel = prefix + name
        if name in SKIPPED:
            continue
        intake.entries += 1
        if intake.entries > MAX_ENTRIES:
            intake.refused[rel] = f"is past the first {MAX_ENTRIES} files and folders"
            continue
        try:
            info = os.stat(name, dir_fd=src_fd, follow_symlinks=False)
        except OSError as exc:
            intake.refused[rel] = f"could not be read ({exc.strerror})"
            continue
        reason = next((why for test, why in _KINDS if test(info.st_mode)), None)
        if reason:
            intake.refused[rel] = reason
        elif stat.S_ISDIR(info.st_mode):
            if depth >= MAX_DEPTH:
                intake.refused[rel] = f"is nested deeper than {MAX_DEPTH} folders"
                continue
            try:
                child = os.open(name, _DIR_FLAGS, dir_fd=src_fd)
            except OSError as exc:
                intake.refused[rel] = f"could not be read ({exc.strerror})"
                continue
            try:
                (dest / name).mkdir(mode=0o700)
                copy_tree(child, dest / name, intake, rel + "/", depth + 1)
            finally:
                os.close(child)
        elif stat.S_ISREG(info.st_mode):
            _copy_file(src_fd, name, dest / name, info, intake, rel)
        else:
            intake.refused[rel] = "is not a regular file"


def _copy_file(src_fd: int, name: str, dest: Path, info: os.stat_result, intake: Intake,
               rel: str) -> None:
    if info.st_nlink > 1:
        intake.refused[rel] = "is a hard link"
        return
    limit = MAX_BYTES_BY_SUFFIX.get(os.path.splitext(name)[1].lower(), MAX_FILE_BYTES)
    if info.st_size > limit:
        intake.refused[rel] = f"is larger than {limit >> 20} MiB"
        return
    if intake.total_bytes + info.st_size > MAX_TOTAL_BYTES:
        intake.refused[rel] = (f"would take the submission past {MAX_TOTAL_BYTES >> 20} MiB "
                               "in all")
        return
    try:
        fd = os.open(name, _FILE_FLAGS, dir_fd=src_fd)
    except OSError as exc:
        intake.refused[rel] = f"could not be read ({exc.strerror})"
        return
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or opened.st_ino != info.st_ino:
            intake.refused[rel] = "changed while it was read"
            return
        os.set_blocking(fd, True)
        budget = min(limit, MAX_TOTAL_BYTES - intake.total_bytes)
        copied = 0
        with open(dest, "xb") as out:
            while chunk := os.read(fd, min(1 << 20, budget - copied + 1)):
                copied += len(chunk)
                if copied > budget:
                    break
                out.write(chunk)
        if copied > budget:
            dest.unlink()
            intake.refused[rel] = "grew past the size limit while it was read"
            return
        intake.total_bytes += copied
    finally:
        os.close(fd)


@contextmanager
def take_in(submission: Path, base: Path | None = None) -> Iterator[Intake]:
    """A private copy of ``submission`` for the duration of the block (removed after,
    whatever happens). ``base``: a trusted folder above it (``submitted/``), below which
    no link is followed either."""
    with take_in_empty() as folder:
        yield take_in_to(submission, folder / "submission", base)


@contextmanager
def take_in_empty() -> Iterator[Path]:
    """An empty folder of the grader's, for the duration of the block."""
    folder = Path(tempfile.mkdtemp(prefix="course-intake-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def take_in_to(submission: Path, dest: Path, base: Path | None = None) -> Intake:
    """Copy ``submission`` into ``dest`` (created; its parent must exist)."""
    fd = open_folder(Path(submission), base)
    try:
        dest.mkdir(mode=0o700)
        intake = Intake(dest, Path(submission))
        copy_tree(fd, dest, intake)
        return intake
    finally:
        os.close(fd)
