"""Confining the student process further than a separate process can.

``confine()`` runs inside the worker before any student code is imported:

- as root (Gradescope containers, most CI): move into a new network namespace (no
  network, not even loopback) and a private mount namespace in which the reference
  solution, the suites and the original submission are hidden behind empty folders and
  every file system is read-only except the process's own temporary folder; then drop to
  an unprivileged user id of its own (one per student process, with no passwd entry, no
  supplementary groups), which forbids new processes (RLIMIT_NPROC = 0) and signals to
  the grader or to another student's process;
- as an ordinary user: try an unprivileged user + network namespace for the same
  no-network guarantee; processes stay possible (they are killed with the process group).

Dropping privileges needs a Python installation that other users can read. Where it lies
under a private folder (a Python in ``/root/.pyenv``: ``/root`` is mode 700), the private
folder is replaced, inside the mount namespace only, by an empty one that shows just the
entries the interpreter needs (``/root/.pyenv``), so the drop works there too. Where even
that fails, the grader keeps its user and says so.

It returns a one-line description that the grader prints, so instructors know which
guarantees held on their machine.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import secrets
import stat
import sysconfig

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 32, 4096, 16384, 1 << 18
UID_BASE, UID_SPAN = 2_000_000_000, 100_000_000  # far from any real account


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name, use_errno=True) if name else None


def _unshare(flags: int) -> bool:
    libc = _libc()
    return libc is not None and libc.unshare(flags) == 0


def _mount(source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> bool:
    libc = _libc()
    if libc is None:
        return False
    enc = [None if v is None else v.encode() for v in (source, target, fstype, data)]
    return libc.mount(enc[0], enc[1], enc[2], ctypes.c_ulong(flags), enc[3]) == 0


def private_filesystem(hidden: list[str], writable: list[str]) -> bool:
    """In a new mount namespace: let other users reach the interpreter, hide ``hidden``
    folders and files, make everything read-only but ``writable``. A hidden folder that
    holds a writable one shows only the way to it. Needs root; returns whether it all
    held."""
    if not _unshare(CLONE_NEWNS) or not _mount(None, "/", None, MS_REC | MS_PRIVATE):
        return False
    ok = open_private_ancestors([*_interpreter_paths(), *writable])
    for path in hidden:
        inside = [w for w in writable if _within(w, path)]
        if inside:
            ok &= _cover(path, sorted({_entry_toward(path, w) for w in inside}))
        elif os.path.isdir(path):
            ok &= _mount("tmpfs", path, "tmpfs", 0, "size=4k,mode=0")
        elif os.path.isfile(path):
            ok &= _mount(os.devnull, path, None, MS_BIND)
    for path in writable:
        ok &= _mount(path, path, None, MS_BIND | MS_REC)
    ok &= _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY)
    for path in writable:
        ok &= _mount(None, path, None, MS_REMOUNT | MS_BIND)
    return bool(ok)


def _within(path: str, folder: str) -> bool:
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path != folder and path.startswith(folder.rstrip(os.sep) + os.sep)


def _entry_toward(folder: str, path: str) -> str:
    """The entry of ``folder`` on the way to ``path`` (which lies inside it)."""
    rest = os.path.relpath(os.path.realpath(path), os.path.realpath(folder))
    return os.path.join(folder, rest.split(os.sep)[0])


def unprivileged_ids() -> tuple[int, int]:
    """A fresh (uid, gid) for one student process when the grader is root.

    Each student process gets an id of its own, so that two submissions graded at once
    cannot signal each other's processes (as two processes of ``nobody`` could)."""
    uid = UID_BASE + secrets.randbelow(UID_SPAN)
    return uid, uid


def _blocking_ancestor(path: str) -> tuple[str, str] | None:
    """(folder, entry): the first folder on the way to ``path`` that other users cannot
    enter, and the entry inside it that leads to ``path``; None when nothing blocks."""
    parts = os.path.abspath(path).strip(os.sep).split(os.sep)
    folder = os.sep
    for part in parts:
        try:
            if not os.stat(folder).st_mode & stat.S_IXOTH:
                return folder, os.path.join(folder, part)
        except OSError:
            return None
        folder = os.path.join(folder, part)
    return None


def open_private_ancestors(paths: list[str], max_depth: int = 8) -> bool:
    """Inside a private mount namespace (root only): cover each folder on the way to
    ``paths`` that other users cannot enter with an empty, enterable tmpfs, and bind just
    the needed entries back into it (level by level, when private folders are nested).
    The real folders are untouched; everything else in them stays out of sight. Returns
    whether all of it held."""
    # a path is reached through its own folders (a symlink's) and its target's
    routes = sorted({p for path in paths for p in (os.path.abspath(path), os.path.realpath(path))})
    for _ in range(max_depth):
        wanted: dict[str, set[str]] = {}
        for path in routes:
            found = _blocking_ancestor(path)
            if found:
                wanted.setdefault(found[0], set()).add(found[1])
        if not wanted:
            return True
        if not all(_cover(folder, sorted(entries)) for folder, entries in sorted(wanted.items())):
            return False
    return False


def _cover(folder: str, entries: list[str]) -> bool:
    """Mount an empty tmpfs (mode 755) on ``folder`` holding only ``entries``, bound back
    read-only from the real ones."""
    fds = {entry: os.open(entry, os.O_PATH) for entry in entries}
    try:
        if not _mount("tmpfs", folder, "tmpfs", 0, "size=64k,mode=0755"):
            return False
        ok = True
        for entry, fd in fds.items():
            if os.path.isdir(f"/proc/self/fd/{fd}"):
                os.mkdir(entry, 0o755)
            else:
                open(entry, "w").close()
            ok &= _mount(f"/proc/self/fd/{fd}", entry, None, MS_BIND | MS_REC)
            ok &= _mount(None, entry, None, MS_REMOUNT | MS_BIND | MS_RDONLY)
        ok &= _mount(None, folder, None, MS_REMOUNT | MS_RDONLY)
        return bool(ok)
    finally:
        for fd in fds.values():
            os.close(fd)


def readable_by_others(path: str) -> bool:
    """Whether a user other than the owner can reach ``path`` (and read it), through its
    own folders and, for a symlink, its target's."""
    return all(_reachable(p) for p in {os.path.abspath(path), os.path.realpath(path)})


def _reachable(path: str) -> bool:
    try:
        if not os.stat(path).st_mode & stat.S_IROTH:
            return False
        parent = os.path.dirname(path)
        while True:
            if not os.stat(parent).st_mode & stat.S_IXOTH:
                return False
            if parent == os.path.dirname(parent):
                return True
            parent = os.path.dirname(parent)
    except OSError:
        return False


def _interpreter_paths() -> list[str]:
    """What student code needs to read: the standard library, numpy, this package."""
    import numpy

    paths = sysconfig.get_paths()
    return [paths["stdlib"], paths["platstdlib"], paths["purelib"],
            os.path.dirname(numpy.__file__), os.path.dirname(os.path.dirname(__file__))]


def unshared_interpreter_path() -> str | None:
    """The first folder of this interpreter and its packages that an unprivileged user
    cannot read, or None when it can run them all."""
    return next((p for p in _interpreter_paths() if not readable_by_others(p)), None)


def confine(hidden: list[str] | tuple[str, ...] = (),
            writable: list[str] | tuple[str, ...] = (),
            ids: tuple[int, int] | None = None, max_tasks: int = 0) -> str:
    """Apply what this machine allows; return a description of what holds.

    ``hidden``: folders student code must not see (reference, suites, the original
    submission); ``writable``: the only folders it may write (its private copy);
    ``ids``: the (uid, gid) to drop to when root; ``max_tasks``: the processes and
    threads that user may run (0: none besides itself; a notebook kernel needs threads).
    """
    if os.geteuid() == 0:
        network = _unshare(CLONE_NEWNET)
        files = private_filesystem(list(hidden), list(writable))
        fs = ("reference and submission hidden, read-only file system"
              if files else "file system NOT restricted (mount namespace failed)")
        net = "no network" if network else "network NOT blocked"
        private = unshared_interpreter_path()
        if private:
            os.environ["HOME"] = os.getcwd()
            return (f"student code runs as root ({private} is not readable by other users, "
                    f"so privileges cannot be dropped); {net}; {fs}")
        uid, gid = ids or unprivileged_ids()
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
        resource.setrlimit(resource.RLIMIT_NPROC, (max_tasks, max_tasks))
        os.environ["HOME"] = os.getcwd()
        tasks = ("cannot start processes" if not max_tasks
                 else f"at most {max_tasks} processes and threads")
        return (f"student code runs as an unprivileged user of its own (uid {uid}), {tasks}, "
                f"cannot signal others; {net}; {fs}")
    network = _unshare(CLONE_NEWUSER | CLONE_NEWNET)
    parts = ["runs as the grader's own user (start the grader as root to drop privileges)"]
    parts.append("no network" if network else "network NOT blocked on this machine")
    return "student code " + ", ".join(parts)
