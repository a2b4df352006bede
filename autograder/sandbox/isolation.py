"""Confining the student process further than a separate process can.

``confine()`` runs inside the worker before any student code is imported:

- as root (Gradescope containers, most CI): move into a new network namespace (no
  network, not even loopback) and a private mount namespace in which the reference
  solution, the suites and the original submission are hidden behind empty folders and
  every file system is read-only except the process's own temporary folder; then drop to
  the unprivileged user ``nobody`` with no supplementary groups and forbid new processes
  (RLIMIT_NPROC = 0);
- as an ordinary user: try an unprivileged user + network namespace for the same
  no-network guarantee; processes stay possible (they are killed with the process group).

Dropping to ``nobody`` needs a Python installation that other users can read (true in
Gradescope containers and system Pythons; false for a Python under a private home folder
such as ``/root/.pyenv``). Where it cannot read it, the grader keeps its user and says so.

It returns a one-line description that the grader prints, so instructors know which
guarantees held on their machine.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import pwd
import resource
import stat
import sysconfig

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 32, 4096, 16384, 1 << 18
NOBODY = "nobody"


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
    """In a new mount namespace: hide ``hidden`` folders, make everything read-only but
    ``writable``. Needs root; returns whether it all held."""
    if not _unshare(CLONE_NEWNS) or not _mount(None, "/", None, MS_REC | MS_PRIVATE):
        return False
    ok = True
    for path in hidden:
        if os.path.isdir(path):
            ok &= _mount("tmpfs", path, "tmpfs", 0, "size=4k,mode=0")
    for path in writable:
        ok &= _mount(path, path, None, MS_BIND | MS_REC)
    ok &= _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY)
    for path in writable:
        ok &= _mount(None, path, None, MS_REMOUNT | MS_BIND)
    return bool(ok)


def unprivileged_ids() -> tuple[int, int]:
    """(uid, gid) of the user student code runs as when the grader is root."""
    try:
        entry = pwd.getpwnam(NOBODY)
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


def readable_by_others(path: str) -> bool:
    """Whether a user other than the owner can reach ``path`` (and read it)."""
    path = os.path.realpath(path)
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


def python_is_shared() -> bool:
    """Whether an unprivileged user can run this interpreter with its packages."""
    import numpy

    paths = [sysconfig.get_paths()["stdlib"], os.path.dirname(numpy.__file__),
             os.path.dirname(os.path.dirname(__file__))]
    return all(readable_by_others(p) for p in paths)


def confine(hidden: list[str] | tuple[str, ...] = (),
            writable: list[str] | tuple[str, ...] = ()) -> str:
    """Apply what this machine allows; return a description of what holds.

    ``hidden``: folders student code must not see (reference, suites, the original
    submission); ``writable``: the only folders it may write (its private copy).
    """
    if os.geteuid() == 0:
        network = _unshare(CLONE_NEWNET)
        files = private_filesystem(list(hidden), list(writable))
        fs = ("reference and submission hidden, read-only file system"
              if files else "file system NOT restricted (mount namespace failed)")
        net = "no network" if network else "network NOT blocked"
        if not python_is_shared():
            os.environ["HOME"] = os.getcwd()
            return ("student code runs as root (this Python installation is not readable by "
                    f"other users, so privileges cannot be dropped); {net}; {fs}")
        uid, gid = unprivileged_ids()
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
        resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
        os.environ["HOME"] = os.getcwd()
        return (f"student code runs as unprivileged user {NOBODY}, cannot start processes; "
                f"{net}; {fs}")
    network = _unshare(CLONE_NEWUSER | CLONE_NEWNET)
    parts = ["runs as the grader's own user (start the grader as root to drop privileges)"]
    parts.append("no network" if network else "network NOT blocked on this machine")
    return "student code " + ", ".join(parts)
