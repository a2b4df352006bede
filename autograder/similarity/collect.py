"""Step 1: find the submissions and read their Python code, trusting nothing in them.

Layouts: nbgrader's ``submitted/<student>/<hw>/``, or a folder with one folder or zip per
student (Gradescope's "Export Submissions": ``submission_<id>/`` folders, named through
its ``submission_metadata.yml``). Inside a submission the files may sit under extra
folders (a zip of the assignment folder): the folder holding most of the expected files
is taken. Known solutions (``--against``) are read whole, every ``.py`` and notebook in
the tree.

Nothing here follows a symbolic link, opens anything but a regular file, reads more than
a size limit, or lets one file stop the rest: every problem becomes a line of the
submission's ``problems`` (shown in the report), never an exception.
"""

from __future__ import annotations

import json
import os
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

MAX_MODULE_BYTES = 1 << 20      # more than 1 MiB of Python is not someone's homework
MAX_NOTEBOOK_BYTES = 32 << 20   # notebooks carry their outputs (images)
MAX_CELL_CHARS = 200_000
MAX_ENTRIES = 20_000            # files and folders listed per submission or known tree
MAX_FILES = 200                 # files read per submission
MAX_KNOWN_FILES = 5_000         # files read per known-solution tree
MAX_KNOWN_BYTES = 256 << 20
ROOT_DEPTH = 3                  # extra folders above a submission's files
TREE_DEPTH = 12
MAX_METADATA_BYTES = 16 << 20
SKIPPED_DIRS = frozenset({"__MACOSX", "__pycache__", ".ipynb_checkpoints", ".git", ".venv",
                          "venv", "site-packages", "node_modules"})
SUFFIXES = (".py", ".ipynb")


@dataclass
class Snippet:
    """Python text from one file: a whole module (``label`` ""), or one notebook cell."""

    file: str
    label: str
    text: str


@dataclass
class Source:
    """What could be read from one submission or known solution."""

    snippets: list[Snippet] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Location:
    """One submission (a folder or a zip) or one known solution (a folder)."""

    name: str
    path: Path
    kind: str  # "student" or "known"


@dataclass
class _Entry:
    parts: tuple[str, ...]
    kind: str  # "file", "dir", "link" or "other"
    size: int
    read: Callable[[int], bytes]


def safe(text: str, limit: int = 120) -> str:
    """A name from a submission, fit to print: control and undecodable characters become
    '?', and it is cut at ``limit`` characters."""
    clean = "".join(c if c.isprintable() else "?" for c in text)
    return clean if len(clean) <= limit else clean[:limit - 1] + "…"


# ----- listing a folder or a zip, never following a link ----------------------------------
def _read_file(path: str) -> Callable[[int], bytes]:
    def read(limit: int) -> bytes:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError("not a regular file")
            chunks, left = [], limit
            while left > 0:
                chunk = os.read(fd, min(left, 1 << 20))
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
            return b"".join(chunks)
        finally:
            os.close(fd)
    return read


def _list_folder(root: Path, depth: int) -> list[_Entry]:
    entries: list[_Entry] = []

    def walk(folder: str, parts: tuple[str, ...], level: int) -> None:
        try:
            with os.scandir(folder) as it:
                children = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        for child in children:
            if len(entries) >= MAX_ENTRIES:
                return
            here = (*parts, child.name)
            try:
                if child.is_symlink():
                    entries.append(_Entry(here, "link", 0, _read_file(child.path)))
                elif child.is_dir(follow_symlinks=False):
                    entries.append(_Entry(here, "dir", 0, _read_file(child.path)))
                    if level < depth and child.name not in SKIPPED_DIRS:
                        walk(child.path, here, level + 1)
                elif child.is_file(follow_symlinks=False):
                    size = child.stat(follow_symlinks=False).st_size
                    entries.append(_Entry(here, "file", size, _read_file(child.path)))
                else:
                    entries.append(_Entry(here, "other", 0, _read_file(child.path)))
            except OSError:
                entries.append(_Entry(here, "other", 0, _read_file(child.path)))

    walk(str(root), (), 0)
    return entries


def _list_zip(archive: zipfile.ZipFile, depth: int) -> list[_Entry]:
    entries: list[_Entry] = []
    seen_dirs: set[tuple[str, ...]] = set()
    for info in archive.infolist()[:MAX_ENTRIES]:
        parts = tuple(p for p in info.filename.replace("\\", "/").split("/")
                      if p not in ("", ".", ".."))
        if not parts or len(parts) > depth + 1:
            continue
        for i in range(1, len(parts)):
            if parts[:i] not in seen_dirs:
                seen_dirs.add(parts[:i])
                entries.append(_Entry(parts[:i], "dir", 0, lambda n: b""))
        mode = info.external_attr >> 16
        if info.is_dir():
            if parts not in seen_dirs:
                seen_dirs.add(parts)
                entries.append(_Entry(parts, "dir", 0, lambda n: b""))
        elif stat.S_ISLNK(mode):
            entries.append(_Entry(parts, "link", 0, lambda n: b""))
        else:
            def read(limit: int, info: zipfile.ZipInfo = info) -> bytes:
                with archive.open(info) as member:
                    return member.read(limit)
            entries.append(_Entry(parts, "file", info.file_size, read))
    return entries


def _open_zip(path: Path) -> zipfile.ZipFile:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    handle = os.fdopen(fd, "rb")
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError("not a regular file")
        return zipfile.ZipFile(handle)
    except BaseException:
        handle.close()
        raise


# ----- turning bytes into snippets --------------------------------------------------------
def _text(data: bytes, name: str, problems: list[str]) -> str | None:
    if b"\0" in data:
        problems.append(f"{name}: binary data, not text: not compared")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(f"{name}: not valid UTF-8; the undecodable bytes were replaced")
        text = data.decode("utf-8", "replace")
    return text


def _lines(text: str) -> str:
    """Universal newlines, as Python reads source."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _cell_source(cell: object) -> str | None:
    if not isinstance(cell, dict) or cell.get("cell_type") != "code":
        return None
    source = cell.get("source", cell.get("input"))
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        source = "".join(source)
    return source if isinstance(source, str) else ""


def notebook_snippets(text: str, name: str, problems: list[str]) -> list[Snippet]:
    """The code cells of a notebook (format 4, or 3's worksheets) as snippets labelled
    ``cell N`` (N counts every cell from 1), with nbgrader's cell id when there is one."""
    try:
        nb = json.loads(text)
    except (ValueError, RecursionError) as exc:
        problems.append(f"{name}: not a readable notebook ({safe(str(exc), 80)}): not compared")
        return []
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if cells is None and isinstance(nb, dict) and isinstance(nb.get("worksheets"), list):
        cells = [c for ws in nb["worksheets"] if isinstance(ws, dict)
                 for c in (ws.get("cells") or [])]
    if not isinstance(cells, list):
        problems.append(f"{name}: not a notebook (no list of cells): not compared")
        return []
    snippets, bad = [], 0
    for index, cell in enumerate(cells, start=1):
        source = _cell_source(cell)
        if source is None:
            continue
        if not source and cell.get("source", cell.get("input")) not in ("", [], None):
            bad += 1
            continue
        if len(source) > MAX_CELL_CHARS:
            problems.append(f"{name}: cell {index} holds {len(source):,} characters, over "
                            f"{MAX_CELL_CHARS:,}: cut there")
            source = source[:MAX_CELL_CHARS]
        meta = cell.get("metadata")
        nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
        grade_id = nbg.get("grade_id") if isinstance(nbg, dict) else None
        label = f"cell {index}" + (f" [{safe(grade_id, 40)}]" if isinstance(grade_id, str)
                                   else "")
        if source.strip():
            snippets.append(Snippet(name, label, _lines(source)))
    if bad:
        problems.append(f"{name}: {bad} code cell(s) without readable source: skipped")
    return snippets


def _read_entries(entries: list[_Entry], prefix: tuple[str, ...], recursive: bool,
                  max_files: int, max_bytes: int, source: Source) -> None:
    depth = len(prefix)
    chosen = [e for e in entries if e.parts[:depth] == prefix and len(e.parts) > depth
              and (recursive or len(e.parts) == depth + 1)
              and not any(p in SKIPPED_DIRS for p in e.parts[depth:-1])]
    total = 0
    for entry in chosen:
        name = safe("/".join(entry.parts[depth:]))
        lower = entry.parts[-1].lower()
        if not lower.endswith(SUFFIXES):
            continue
        if entry.kind == "link":
            source.problems.append(f"{name}: a symbolic link: not followed, not compared")
            continue
        if entry.kind != "file":
            if entry.kind == "other":
                source.problems.append(f"{name}: not a regular file: not compared")
            continue
        if len(source.files) >= max_files:
            source.problems.append(f"more than {max_files} Python files: the rest were "
                                   "not compared")
            break
        is_notebook = lower.endswith(".ipynb")
        limit = MAX_NOTEBOOK_BYTES if is_notebook else MAX_MODULE_BYTES
        if entry.size > limit:
            source.problems.append(f"{name}: {entry.size:,} bytes, over the "
                                   f"{limit >> 20} MiB limit: not compared")
            continue
        if total + entry.size > max_bytes:
            source.problems.append(f"more than {max_bytes >> 20} MiB of Python files: the "
                                   "rest were not compared")
            break
        try:
            data = entry.read(limit + 1)
        except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError,
                ValueError) as exc:
            source.problems.append(f"{name}: could not be read ({safe(str(exc), 80)})")
            continue
        if len(data) > limit:
            source.problems.append(f"{name}: over the {limit >> 20} MiB limit: not compared")
            continue
        total += len(data)
        text = _text(data, name, source.problems)
        if text is None:
            continue
        source.files.append(name)
        if is_notebook:
            source.snippets += notebook_snippets(text, name, source.problems)
        else:
            source.snippets.append(Snippet(name, "", _lines(text)))


def _submission_root(entries: list[_Entry], expected: set[str]) -> tuple[tuple[str, ...], str]:
    """The folder (as path parts) holding most of the expected files, and a note when none
    of them was found."""
    folders: dict[tuple[str, ...], list[str]] = {(): []}
    for e in entries:
        if e.kind == "dir" and not any(p in SKIPPED_DIRS or p.startswith(".") for p in e.parts):
            folders.setdefault(e.parts, [])
    for e in entries:
        if e.kind in ("file", "link") and e.parts[:-1] in folders:
            folders[e.parts[:-1]].append(e.parts[-1])
    def rank(item: tuple[tuple[str, ...], list[str]]) -> tuple[int, int, int]:
        parts, names = item
        found = len(expected & set(names))
        code = sum(n.lower().endswith(SUFFIXES) for n in names)
        return (-found, len(parts), -code)
    best, names = min(sorted(folders.items()), key=rank)
    if expected & set(names):
        return best, ""
    with_code = [(len(p), p) for p, n in folders.items()
                 if any(x.lower().endswith(SUFFIXES) for x in n)]
    if not with_code:
        return (), "no .py or .ipynb file found"
    return min(with_code)[1], (f"none of the expected files ({', '.join(sorted(expected))}) "
                               "found: compared the Python files found instead")


def read_location(loc: Location, expected: set[str]) -> Source:
    """Read one submission (``kind == "student"``: the files of the folder holding the
    expected ones) or known solution (every Python file of the tree). Never raises for
    anything found in it."""
    source = Source()
    archive: zipfile.ZipFile | None = None
    try:
        try:
            if loc.path.suffix.lower() == ".zip" and not loc.path.is_dir():
                archive = _open_zip(loc.path)
                entries = _list_zip(archive, TREE_DEPTH if loc.kind == "known" else ROOT_DEPTH)
            else:
                if loc.path.is_symlink() or not loc.path.is_dir():
                    source.problems.append("not a folder or zip (or a symbolic link): "
                                           "not compared")
                    return source
                depth = TREE_DEPTH if loc.kind == "known" else ROOT_DEPTH
                entries = _list_folder(loc.path, depth)
        except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            source.problems.append(f"could not be opened ({safe(str(exc), 80)}): not compared")
            return source
        if len(entries) >= MAX_ENTRIES:
            source.problems.append(f"more than {MAX_ENTRIES:,} files and folders: only the "
                                   "first were looked at")
        if loc.kind == "known":
            _read_entries(entries, (), True, MAX_KNOWN_FILES, MAX_KNOWN_BYTES, source)
        else:
            root, note = _submission_root(entries, expected)
            if note:
                source.problems.append(note)
            _read_entries(entries, root, False, MAX_FILES, MAX_KNOWN_BYTES, source)
    finally:
        if archive is not None:
            archive.close()
            if archive.fp is not None:
                archive.fp.close()
    return source


# ----- finding the submissions ------------------------------------------------------------
def _gradescope_names(folder: Path) -> dict[str, str]:
    """``submission_<id>`` -> the submitters' names, from Gradescope's export metadata."""
    path = folder / "submission_metadata.yml"
    try:
        import yaml  # PyYAML comes with Jupyter; without it the folders keep their names
    except ImportError:
        return {}
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_METADATA_BYTES:
            return {}
        data = yaml.safe_load(path.read_text("utf-8", "replace"))
    except (OSError, ValueError, RecursionError, yaml.YAMLError):
        return {}
    names = {}
    if isinstance(data, dict):
        for key, value in data.items():
            submitters = value.get(":submitters") if isinstance(value, dict) else None
            if isinstance(key, str) and isinstance(submitters, list):
                people = [str(s.get(":name") or s.get(":email") or "") for s in submitters
                          if isinstance(s, dict)]
                if any(people):
                    names[key] = " & ".join(p for p in people if p)
    return names


def _children(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)[:MAX_ENTRIES]
    except OSError as exc:
        raise OSError(f"cannot list {folder}: {exc.strerror or exc}") from None


def find_submissions(folder: Path, hw: str) -> tuple[list[Location], list[str]]:
    """The submissions in ``folder``, sorted by name, and what could not be used.

    nbgrader layout when some ``folder/<student>/<hw>/`` exists (unless ``folder`` holds
    Gradescope's ``submission_metadata.yml`` or zips: an upload may well have a top
    folder named like the assignment); otherwise every folder or ``.zip`` in ``folder``
    is one student's submission.
    """
    problems: list[str] = []
    children = _children(folder)
    inner = [c for c in children if c.is_dir(follow_symlinks=False)]
    if (len(inner) == 1 and not any(c.name == "submission_metadata.yml" for c in children)
            and (Path(inner[0].path) / "submission_metadata.yml").is_file()):
        folder = Path(inner[0].path)  # the folder an unzipped Gradescope export makes
        children = _children(folder)

    def is_dir(path: Path) -> bool:
        try:
            return stat.S_ISDIR(os.lstat(path).st_mode)
        except OSError:
            return False

    locations: list[Location] = []
    gradescope = any(c.name == "submission_metadata.yml" or c.name.lower().endswith(".zip")
                     for c in children)
    nbgrader = [] if gradescope else [
        c for c in children if c.is_dir(follow_symlinks=False)
        and (is_dir(Path(c.path) / hw) or (Path(c.path) / hw).is_symlink())]
    if nbgrader:
        for child in nbgrader:
            path = Path(child.path) / hw
            if path.is_symlink():
                problems.append(f"{safe(child.name)}: {hw} is a symbolic link: not followed")
            else:
                locations.append(Location(safe(child.name), path, "student"))
        for child in children:
            if child.is_symlink():
                problems.append(f"{safe(child.name)}: a symbolic link: not followed")
        return locations, problems
    names = _gradescope_names(folder)
    for child in children:
        if child.is_symlink():
            problems.append(f"{safe(child.name)}: a symbolic link: not followed")
        elif child.is_dir(follow_symlinks=False):
            if child.name in SKIPPED_DIRS or child.name.startswith("."):
                continue
            locations.append(Location(safe(names.get(child.name, child.name)),
                                      Path(child.path), "student"))
        elif child.is_file(follow_symlinks=False) and child.name.lower().endswith(".zip"):
            stem = child.name[:-4]
            locations.append(Location(safe(names.get(stem, stem)), Path(child.path), "student"))
    seen: dict[str, int] = {}
    for loc in locations:
        seen[loc.name] = seen.get(loc.name, 0) + 1
    unique = [Location(f"{loc.name} ({safe(loc.path.name, 60)})" if seen[loc.name] > 1
                       else loc.name, loc.path, loc.kind) for loc in locations]
    return unique, problems
